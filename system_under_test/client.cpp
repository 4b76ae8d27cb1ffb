#include "system_under_test/client.h"

#include <string>

namespace sut {

namespace {
constexpr std::string_view kComponent = "client";
}  // namespace

Client::Client(sim::Runtime& runtime, const ClientConfig& config, sim::Activity& activity,
               SystemObserver& observer, sim::Tracer* tracer)
    : runtime_(runtime),
      config_(config),
      activity_(activity),
      observer_(observer),
      tracer_(tracer) {}

void Client::create_order(OrderId order, OrderId purchase) {
  orders_->create_order(new_call(), order, purchase);
}

void Client::on_create_order_reply(CallId call, OrderId order, shop::CallStatus) {
  calls_.answered(call);
  if (listener_ != nullptr) listener_->on_order_created(order);
}

void Client::apply_pay(const shop::ApplyPayRequest& request) {
  payments_->apply_pay(new_call(), request);
}

void Client::on_apply_pay_reply(CallId call, const shop::ApplyPayRequest& request,
                                const shop::ApplyPayReply& reply) {
  calls_.answered(call);
  if (listener_ != nullptr) listener_->on_apply_pay_reply(request.order, request.click, reply);
}

void Client::user_returned(OrderId order) {
  Session& session = sessions_.find_or_insert(order);
  session.returned_at = runtime_.now();
  session.returns += 1;
  session.polls = 0;
  session.counting_down = false;
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
  session->poll_call = new_call();
  orders_->order_state(session->poll_call, order);
}

void Client::look(OrderId order) {
  Session& session = sessions_.find_or_insert(order);
  session.look_call = new_call();
  orders_->order_state(session.look_call, order);
}

void Client::on_order_state_reply(CallId call, OrderId order, shop::CallStatus status,
                                  OrderState state) {
  calls_.answered(call);
  Session* session = sessions_.find(order);
  if (session == nullptr) return;
  const bool paid = status == shop::CallStatus::kOk && state == OrderState::kPaid;
  if (call == session->look_call) {
    session->look_call = 0;
    if (listener_ != nullptr) listener_->on_order_looked(order, paid);
    return;
  }
  if (call != session->poll_call || !session->polling) return;  // a poll of an earlier round
  session->poll_call = 0;
  on_poll_answer(order, *session, paid);
}

void Client::on_poll_answer(OrderId order, Session& session, bool paid) {
  if (paid) {
    sim::trace(tracer_, runtime_.now(), kComponent, order,
               [&] { return "poll #" + std::to_string(session.polls) + " found the order PAID"; });
    show(order, session, true);
    return;
  }
  const std::optional<sim::Duration> wait = next_poll_after(order, session);
  if (!wait) {
    sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
      return "gave up after " + std::to_string(session.polls) + " polls: shows \"unpaid\"";
    });
    show(order, session, false);
    return;
  }
  const uint32_t round = session.returns;
  runtime_.schedule_after(
      *wait, [this, order, round, hold = sim::Hold(activity_, order)] { poll(order, round); });
}

std::optional<sim::Duration> Client::next_poll_after(OrderId order, Session& session) {
  const sim::Time now = runtime_.now();
  if (!session.counting_down) {
    if (now - session.returned_at + config_.poll_interval <= config_.poll_timeout)
      return config_.poll_interval;
    if (!config_.countdown_enabled) return std::nullopt;
    session.counting_down = true;
    session.countdown_from = now;
    sim::trace(tracer_, now, kComponent, order, [&] {
      return "fast polling gave up after " + std::to_string(session.polls) +
             " polls: the countdown page checks on";
    });
  }
  if (now - session.countdown_from + config_.countdown_interval > config_.countdown_timeout)
    return std::nullopt;
  return config_.countdown_interval;
}

void Client::show(OrderId order, Session& session, bool paid) {
  session.polling = false;
  session.shown_paid = paid;
  observer_.on_client_shown(order, paid, runtime_.now());
  if (listener_ != nullptr) listener_->on_result_shown(order, paid);
}

void Client::on_push_paid(OrderId order) {
  Session& session = sessions_.find_or_insert(order);
  session.push_received = true;
  if (session.shown_paid) return;
  sim::trace(tracer_, runtime_.now(), kComponent, order,
             [] { return std::string("push received: shows PAID"); });
  // Not back in the app yet: the screen shows PAID the moment the user returns.
  if (session.returns == 0) return;
  show(order, session, true);
}

}  // namespace sut
