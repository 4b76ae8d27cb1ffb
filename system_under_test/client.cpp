#include "system_under_test/client.h"

#include <string>

#include "system_under_test/order_service.h"

namespace sut {

Client::Client(sim::Runtime& runtime, const ClientConfig& config, OrderService& orders, sim::Activity& activity,
               SystemObserver& observer, sim::Tracer* tracer)
    : runtime_(runtime), config_(config), orders_(orders), activity_(activity), observer_(observer), tracer_(tracer) {}

void Client::user_returned(OrderId order) {
  Session& session = sessions_.find_or_insert(order);
  session.returned_at = runtime_.now();
  session.returns += 1;
  session.polls = 0;
  if (session.shown_paid) return;
  if (session.push_received) {  // the push came while the user was in the wallet
    show(order, session, true);
    return;
  }
  session.polling = true;
  poll(order, session.returns);
}

void Client::poll(OrderId order, uint32_t round) {
  Session* session = sessions_.find(order);
  if (session == nullptr || !session->polling || session->returns != round) return;
  session->polls += 1;
  if (orders_.state(order) == OrderState::kPaid) {
    sim::trace(tracer_, runtime_.now(), "client", order,
               [&] { return "poll #" + std::to_string(session->polls) + " found the order PAID"; });
    show(order, *session, true);
    return;
  }
  const sim::Duration elapsed = runtime_.now() - session->returned_at;
  if (elapsed + config_.poll_interval > config_.poll_timeout) {
    sim::trace(tracer_, runtime_.now(), "client", order, [&] {
      return "gave up after " + std::to_string(session->polls) + " polls: shows \"unpaid\"";
    });
    show(order, *session, false);
    return;
  }
  runtime_.schedule_after(config_.poll_interval,
                          [this, order, round, hold = sim::Hold(activity_, order)] { poll(order, round); });
}

void Client::show(OrderId order, Session& session, bool paid) {
  session.polling = false;
  session.shown_paid = paid;
  observer_.on_client_shown(order, paid, runtime_.now());
  if (listener_ != nullptr) listener_->on_result_shown(order, paid);
}

void Client::push_paid(OrderId order) {
  if (!config_.push_enabled) return;
  sim::RandomStream rng = runtime_.random(order, sim::purpose("client.push"));
  if (rng.bernoulli(config_.push_loss_probability)) {
    sim::trace(tracer_, runtime_.now(), "client", order, [] { return std::string("push of PAID lost (fault)"); });
    return;
  }
  runtime_.schedule_after(config_.push_latency.sample(rng), [this, order, hold = sim::Hold(activity_, order)] {
    Session& session = sessions_.find_or_insert(order);
    session.push_received = true;
    if (session.shown_paid) return;
    sim::trace(tracer_, runtime_.now(), "client", order, [] { return std::string("push received: shows PAID"); });
    // Not back in the app yet: the screen shows PAID the moment the user returns.
    if (session.returns == 0) return;
    show(order, session, true);
  });
}

}  // namespace sut
