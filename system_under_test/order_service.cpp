#include "system_under_test/order_service.h"

#include <string>
#include <utility>

namespace sut {

namespace {
constexpr std::string_view kComponent = "order-service";
}  // namespace

OrderService::OrderService(sim::Runtime& runtime, const SystemConfig& config, MessageQueue& mq,
                           sim::Activity& activity, SystemObserver& observer, sim::Tracer* tracer)
    : runtime_(runtime),
      config_(config),
      mq_(mq),
      activity_(activity),
      observer_(observer),
      tracer_(tracer) {}

void OrderService::connect(shop::PaymentFront& payments, shop::AppReplies& app,
                           shop::PaymentReplies& payment_replies) {
  payments_ = &payments;
  app_ = &app;
  payment_replies_ = &payment_replies;
}

void OrderService::create_order(CallId call, OrderId order, OrderId purchase) {
  const OrderServiceConfig& cfg = config_.order_service;
  if (cfg.checkout_per_purchase) {
    // An idempotent checkout: the purchase's order still open (not CLOSED) is the answer, and the
    // user pays that one again, where the per-order guards see both payments.
    if (const Purchase* existing = purchases_.find(purchase)) {
      const OrderRecord* open = orders_.find(existing->latest);
      if (open != nullptr && open->state != OrderState::kClosed) {
        const OrderId answer = existing->latest;
        sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
          return "checkout of purchase " + std::to_string(purchase) + ": its order " +
                 std::to_string(answer) + " is still open, no new order";
        });
        app_->on_create_order_reply(call, answer, shop::CallStatus::kOk);
        return;
      }
    }
  }
  if (tracks_purchases()) {
    Purchase& entry = purchases_.find_or_insert(purchase);
    entry.latest = order;
    ++entry.held;
  }
  OrderRecord& record =
      orders_.insert(order, OrderRecord{runtime_.now(), {}, purchase, OrderState::kUnpaid, false});
  observer_.on_order_created(order, runtime_.now());
  if (cfg.order_timeout > sim::Duration::zero()) {
    record.expiry = runtime_.schedule_after(
        cfg.order_timeout, [this, order, hold = sim::Hold(activity_, order)] { on_expiry(order); });
  }
  if (config_.order_query.enabled && !config_.order_query.at_ages.empty()) {
    runtime_.schedule_after(
        config_.order_query.at_ages[0],
        [this, order, hold = sim::Hold(activity_, order)] { on_order_query(order, 0); });
  }
  app_->on_create_order_reply(call, order, shop::CallStatus::kOk);
}

void OrderService::erase(OrderId order) {
  if (const OrderRecord* record = orders_.find(order)) {
    Purchase* entry = tracks_purchases() ? purchases_.find(record->purchase) : nullptr;
    if (entry != nullptr && --entry->held == 0) purchases_.erase(record->purchase);
  }
  orders_.erase(order);
}

void OrderService::order_state(CallId call, OrderId order) {
  app_->on_order_state_reply(call, order, shop::CallStatus::kOk, state(order));
}

OrderState OrderService::state(OrderId order) const {
  const OrderRecord* record = orders_.find(order);
  return record ? record->state : OrderState::kClosed;
}

bool OrderService::is_late(const OrderRecord& record, sim::Time paid_at) const {
  const sim::Duration timeout = config_.order_service.order_timeout;
  return timeout > sim::Duration::zero() && paid_at > record.created_at + timeout;
}

NotifyResult OrderService::decide_paid(OrderId order, OrderRecord& record, PaymentId payment,
                                       Resolution how, sim::Time paid_at) {
  if (record.state == OrderState::kPaid) return NotifyResult::kOk;
  Purchase* purchase = tracks_purchases() ? purchases_.find(record.purchase) : nullptr;
  if (config_.order_service.refund_repeat_purchase && purchase != nullptr && purchase->paid != 0 &&
      purchase->paid != order) {
    const OrderId paid = purchase->paid;
    sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
      return "payment " + std::to_string(payment) + " refused: order " + std::to_string(paid) +
             " of the same purchase is already PAID";
    });
    return NotifyResult::kRepeatPurchase;
  }
  const OrderState from = record.state;
  const bool late = is_late(record, paid_at);
  if (late && config_.order_service.late_payment != OrderServiceConfig::LatePayment::kAccept) {
    sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
      return "payment " + std::to_string(payment) +
             " was made after the order's deadline: rejected";
    });
    return NotifyResult::kRejected;
  }
  record.state = OrderState::kPaid;
  record.closing = false;
  if (purchase != nullptr) purchase->paid = order;
  const sim::TimerId expiry = std::exchange(record.expiry, sim::TimerId{});
  observer_.on_order_state(order, from, OrderState::kPaid, how, payment, runtime_.now());
  sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
    std::string why;
    if (from == OrderState::kClosed)
      why = late ? ", late payment accepted" : ", paid in time: order re-opened";
    return "order PAID by payment " + std::to_string(payment) + " (learned by " +
           std::string(to_string(how)) + why + ")";
  });
  if (config_.client.push_enabled) app_->on_push_paid(order);
  // Last: cancelling releases the expiry's hold on the order, which may retire it.
  if (expiry.valid()) runtime_.cancel(expiry);
  return NotifyResult::kOk;
}

void OrderService::notify_paid(CallId call, OrderId order, PaymentId payment, Resolution how,
                               int64_t paid_at_us, uint32_t attempt) {
  OrderRecord* record = orders_.find(order);
  const NotifyResult result =
      record == nullptr ? NotifyResult::kOk
                        : decide_paid(order, *record, payment, how, sim::Time::from_us(paid_at_us));
  payment_replies_->on_notify_reply(call, order, payment, attempt, result);
}

void OrderService::on_message(MessageId id, const Message& message) {
  OrderRecord* record = orders_.find(message.order);
  const NotifyResult result =
      record == nullptr ? NotifyResult::kOk
                        : decide_paid(message.order, *record, message.payment, message.resolution,
                                      sim::Time::from_us(message.paid_at_us));
  mq_.ack(id, true);
  // A consumer has no reply to give: it tells the payment service of the refusal by a call.
  if (result == NotifyResult::kRejected || result == NotifyResult::kRepeatPurchase)
    tell_payment_refused(message.order, message.payment, message.resolution, result);
}

void OrderService::tell_payment_refused(OrderId order, PaymentId payment, Resolution how,
                                        NotifyResult why) {
  payments_->payment_refused(new_call(), order, payment, how, why);
}

void OrderService::on_payment_refused_reply(CallId call, OrderId, shop::CallStatus) {
  calls_.answered(call);
}

void OrderService::on_expiry(OrderId order) {
  OrderRecord* record = orders_.find(order);
  if (record == nullptr || record->state != OrderState::kUnpaid) return;
  record->expiry = {};
  if (config_.order_service.close_at_channel) {
    record->closing = true;
    sim::trace(tracer_, runtime_.now(), kComponent, order,
               [] { return std::string("order expired: closing its payments at the channel"); });
    payments_->close_order_payments(new_call(), order);
    return;
  }
  close(order, *record);
}

void OrderService::close(OrderId order, OrderRecord& record) {
  record.state = OrderState::kClosed;
  record.closing = false;
  observer_.on_order_state(order, OrderState::kUnpaid, OrderState::kClosed, Resolution::kNone, 0,
                           runtime_.now());
  sim::trace(tracer_, runtime_.now(), kComponent, order,
             [] { return std::string("order CLOSED (expired unpaid)"); });
}

void OrderService::on_close_order_reply(CallId call, OrderId order, shop::CallStatus status,
                                        const shop::OrderPayment& paid) {
  calls_.answered(call);
  OrderRecord* record = orders_.find(order);
  if (record == nullptr || record->state != OrderState::kUnpaid) return;
  if (status != shop::CallStatus::kOk || paid.paid_by == 0) {
    // Closed at the channel, or the payment service could not be reached: the order closes.
    close(order, *record);
    return;
  }
  // The channel (or the payment service's records) says the order was paid: settle it by that
  // payment, exactly as a notify would, instead of closing it under the paying user.
  const PaymentId payment = paid.paid_by;
  const NotifyResult result =
      decide_paid(order, *record, payment, Resolution::kClose, sim::Time::from_us(paid.paid_at_us));
  if (result == NotifyResult::kRejected || result == NotifyResult::kRepeatPurchase) {
    close(order, *record);
    tell_payment_refused(order, payment, Resolution::kClose, result);
  }
}

void OrderService::on_order_query(OrderId order, uint32_t index) {
  const OrderRecord* record = orders_.find(order);
  if (record == nullptr || record->state != OrderState::kUnpaid) return;
  sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
    return "order still unpaid: asking the payment service (order query #" +
           std::to_string(index + 1) + ")";
  });
  payments_->query_order(new_call(), order);
  const auto& ages = config_.order_query.at_ages;
  if (index + 1 < ages.size()) {
    runtime_.schedule_after(ages[index + 1] - ages[index],
                            [this, order, index, hold = sim::Hold(activity_, order)] {
                              on_order_query(order, index + 1);
                            });
  }
}

void OrderService::on_query_order_reply(CallId call, OrderId, shop::CallStatus) {
  calls_.answered(call);
}

}  // namespace sut
