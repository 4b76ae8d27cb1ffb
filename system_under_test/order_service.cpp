#include "system_under_test/order_service.h"

#include <string>
#include <utility>

#include "system_under_test/client.h"
#include "system_under_test/payment_service.h"

namespace sut {

namespace {
// The index of a sync notify call's random streams: one per (payment, attempt).
uint64_t notify_call_key(PaymentId payment, uint32_t attempt) { return (payment << 16) ^ attempt; }
}  // namespace

OrderService::OrderService(sim::Runtime& runtime, const SystemConfig& config, MessageQueue& mq,
                           sim::Activity& activity, SystemObserver& observer, sim::Tracer* tracer)
    : runtime_(runtime),
      config_(config),
      mq_(mq),
      activity_(activity),
      observer_(observer),
      tracer_(tracer) {
  mq_.subscribe(Topic::kPaymentSucceeded, this);
}

void OrderService::create_order(OrderId order) {
  OrderRecord& record =
      orders_.insert(order, OrderRecord{OrderState::kUnpaid, runtime_.now(), false, {}});
  observer_.on_order_created(order, runtime_.now());
  const OrderServiceConfig& cfg = config_.order_service;
  if (cfg.order_timeout > sim::Duration::zero()) {
    record.expiry = runtime_.schedule_after(
        cfg.order_timeout, [this, order, hold = sim::Hold(activity_, order)] { on_expiry(order); });
  }
  if (config_.order_query.enabled && !config_.order_query.at_ages.empty()) {
    runtime_.schedule_after(
        config_.order_query.at_ages[0],
        [this, order, hold = sim::Hold(activity_, order)] { on_order_query(order, 0); });
  }
}

OrderState OrderService::state(OrderId order) const {
  const OrderRecord* record = orders_.find(order);
  return record ? record->state : OrderState::kClosed;
}

void OrderService::connect(PaymentService* payments, Client* client) {
  payments_ = payments;
  notify_listener_ = payments;
  client_ = client;
}

bool OrderService::is_down(sim::Time at) const {
  for (const DownWindow& w : config_.order_service.outages) {
    if (at >= w.start && at < w.start + w.duration) return true;
  }
  return false;
}

bool OrderService::is_late(const OrderRecord& record, sim::Time paid_at) const {
  const sim::Duration timeout = config_.order_service.order_timeout;
  return timeout > sim::Duration::zero() && paid_at > record.created_at + timeout;
}

NotifyResult OrderService::apply_paid(OrderId order, PaymentId payment, Resolution how,
                                      sim::Time paid_at, uint64_t call_key) {
  sim::RandomStream rng = runtime_.random(order, sim::purpose("order.notify.failure"), call_key);
  const bool failed = rng.bernoulli(config_.order_service.notify_failure_probability);
  if (failed || is_down(runtime_.now())) {
    sim::trace(tracer_, runtime_.now(), "order-service", order, [&] {
      return std::string("notify for payment ") + std::to_string(payment) +
             (failed ? " failed (fault)" : " failed: order service down");
    });
    return NotifyResult::kFailed;
  }
  OrderRecord* record = orders_.find(order);
  if (record == nullptr) return NotifyResult::kOk;
  return decide_paid(order, *record, payment, how, paid_at);
}

NotifyResult OrderService::decide_paid(OrderId order, OrderRecord& record, PaymentId payment,
                                       Resolution how, sim::Time paid_at) {
  if (record.state == OrderState::kPaid) return NotifyResult::kOk;
  const OrderState from = record.state;
  const bool late = is_late(record, paid_at);
  if (late && config_.order_service.late_payment != OrderServiceConfig::LatePayment::kAccept) {
    sim::trace(tracer_, runtime_.now(), "order-service", order, [&] {
      return "payment " + std::to_string(payment) +
             " was made after the order's deadline: rejected";
    });
    return NotifyResult::kRejected;
  }
  record.state = OrderState::kPaid;
  record.closing = false;
  const sim::TimerId expiry = std::exchange(record.expiry, sim::TimerId{});
  observer_.on_order_state(order, from, OrderState::kPaid, how, payment, runtime_.now());
  sim::trace(tracer_, runtime_.now(), "order-service", order, [&] {
    std::string why;
    if (from == OrderState::kClosed)
      why = late ? ", late payment accepted" : ", paid in time: order re-opened";
    return "order PAID by payment " + std::to_string(payment) + " (learned by " +
           std::string(to_string(how)) + why + ")";
  });
  if (client_ != nullptr) client_->push_paid(order);
  // Last: cancelling releases the expiry's hold on the order, which may retire it.
  if (expiry.valid()) runtime_.cancel(expiry);
  return NotifyResult::kOk;
}

void OrderService::notify_paid(OrderId order, PaymentId payment, Resolution how, sim::Time paid_at,
                               uint32_t attempt) {
  observer_.on_notify_attempt(runtime_.now());
  sim::RandomStream rng = runtime_.random(order, sim::purpose("order.notify.latency"),
                                          notify_call_key(payment, attempt));
  const sim::Duration latency = config_.order_service.notify_latency.sample(rng);
  // The hold's entity is the order and the call key is derived again from payment and attempt,
  // so the capture fits sim::Callback's inline buffer (no allocation per notify).
  runtime_.schedule_after_inline(
      latency, [this, payment, how, attempt, paid_at, hold = sim::Hold(activity_, order)] {
        const OrderId order = hold.entity();
        const bool planned_failure = faults_ != nullptr && faults_->should_fail(kFaultNotify);
        const NotifyResult result = planned_failure ? NotifyResult::kFailed
                                                    : apply_paid(order, payment, how, paid_at,
                                                                 notify_call_key(payment, attempt));
        if (notify_listener_ != nullptr)
          notify_listener_->on_notify_reply(order, payment, attempt, result);
      });
}

void OrderService::on_message(MessageId id, const Message& message) {
  observer_.on_notify_attempt(runtime_.now());
  // MQ deliveries are keyed apart from sync calls by the high bit, and each redelivery by its
  // number, so a consumer that failed once does not fail forever.
  const NotifyResult result = apply_paid(
      message.order, message.payment, message.resolution, sim::Time::from_us(message.paid_at_us),
      (uint64_t{1} << 63) | (message.payment << 8) | message.delivery);
  mq_.ack(id, result != NotifyResult::kFailed);
  if (result == NotifyResult::kRejected && payments_ != nullptr) {
    payments_->on_late_payment_rejected(message.order, message.payment, message.resolution);
  }
}

void OrderService::on_expiry(OrderId order) {
  OrderRecord* record = orders_.find(order);
  if (record == nullptr || record->state != OrderState::kUnpaid) return;
  record->expiry = {};
  if (config_.order_service.close_at_channel && payments_ != nullptr) {
    record->closing = true;
    sim::trace(tracer_, runtime_.now(), "order-service", order,
               [] { return std::string("order expired: closing its payments at the channel"); });
    payments_->close_order_payments(order);
    return;
  }
  close(order, *record);
}

void OrderService::close(OrderId order, OrderRecord& record) {
  record.state = OrderState::kClosed;
  record.closing = false;
  observer_.on_order_state(order, OrderState::kUnpaid, OrderState::kClosed, Resolution::kNone, 0,
                           runtime_.now());
  sim::trace(tracer_, runtime_.now(), "order-service", order,
             [] { return std::string("order CLOSED (expired unpaid)"); });
}

void OrderService::close_order_done(OrderId order, PaymentId paid, sim::Time paid_at) {
  OrderRecord* record = orders_.find(order);
  if (record == nullptr || record->state != OrderState::kUnpaid) return;
  if (paid == 0) {
    close(order, *record);
    return;
  }
  // The channel (or the payment service's records) says the order was paid: settle it by that
  // payment, exactly as a notify would, instead of closing it under the paying user.
  if (decide_paid(order, *record, paid, Resolution::kClose, paid_at) == NotifyResult::kRejected) {
    close(order, *record);
    if (payments_ != nullptr) payments_->on_late_payment_rejected(order, paid, Resolution::kClose);
  }
}

void OrderService::on_order_query(OrderId order, uint32_t index) {
  const OrderRecord* record = orders_.find(order);
  if (record == nullptr || record->state != OrderState::kUnpaid) return;
  sim::trace(tracer_, runtime_.now(), "order-service", order, [&] {
    return "order still unpaid: asking the payment service (order query #" +
           std::to_string(index + 1) + ")";
  });
  if (payments_ != nullptr) payments_->query_order(order);
  const auto& ages = config_.order_query.at_ages;
  if (index + 1 < ages.size()) {
    runtime_.schedule_after(ages[index + 1] - ages[index],
                            [this, order, index, hold = sim::Hold(activity_, order)] {
                              on_order_query(order, index + 1);
                            });
  }
}

}  // namespace sut
