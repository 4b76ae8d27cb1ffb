#include "system_under_test/order_notifier.h"

#include <string>

#include "system_under_test/internal/trace_component.h"

namespace sut {

using internal::kPaymentServiceTrace;

OrderNotifier::OrderNotifier(sim::Process& process, sim::Runtime& durable,
                             const SystemConfig& config, PaymentDb& db, MessageQueue& mq,
                             RefundJob& refunds, sim::Activity& activity, sim::Tracer* tracer)
    : process_(process),
      durable_(durable),
      config_(config),
      db_(db),
      mq_(mq),
      refunds_(refunds),
      activity_(activity),
      tracer_(tracer) {}

void OrderNotifier::notify_paid(OrderId order, PaymentId payment, Resolution how) {
  Notified& notified = notified_.find_or_insert(payment);
  notified.how = static_cast<uint32_t>(how);
  ++notified.rounds;
  const sim::Duration delay = config_.notify.publish_delay;
  if (delay <= sim::Duration::zero()) {
    send(order, payment, how, first_attempt(payment));
    return;
  }
  // The commit is done; the notify leaves from another thread a moment later. The outbox row is
  // part of the commit's transaction, so it survives what the timer does not.
  if (config_.notify.outbox && config_.notify.async_mq) {
    outbox_.insert_or_assign(payment, OutboxRow{order, how, sim::Hold(activity_, order)});
  }
  process_.schedule_after_inline(delay, [this, payment, how, hold = sim::Hold(activity_, order)] {
    on_publish_delay(hold.entity(), payment, how);
  });
}

void OrderNotifier::on_publish_delay(OrderId order, PaymentId payment, Resolution how) {
  // Published by the process itself: the relay must not publish the row again.
  outbox_.erase(payment);
  send(order, payment, how, first_attempt(payment));
}

uint32_t OrderNotifier::first_attempt(PaymentId payment) const {
  const Notified* notified = notified_.find(payment);
  const uint32_t rounds = notified != nullptr ? notified->rounds : 0;
  return shop::notify_attempt(rounds > 0 ? rounds - 1 : 0, 0);
}

void OrderNotifier::lose_memory() {
  calls_.forget();
  if (!outbox_.empty()) {
    sim::trace(tracer_, process_.now(), kPaymentServiceTrace, outbox_.begin()->second.order, [&] {
      return "crash before publishing: " + std::to_string(outbox_.size()) +
             " notify message(s) wait in the outbox for the relay";
    });
    schedule_relay();
  }
}

void OrderNotifier::schedule_relay() {
  if (relay_scheduled_) return;
  relay_scheduled_ = true;
  durable_.schedule_after(config_.notify.outbox_relay_interval, [this] { relay_outbox(); });
}

void OrderNotifier::relay_outbox() {
  relay_scheduled_ = false;
  if (!process_.up()) {  // the relay runs in the process: it polls again once it is back
    schedule_relay();
    return;
  }
  // Taken whole first: publishing never adds a row, and the map must not change under the loop.
  std::map<PaymentId, OutboxRow> rows = std::move(outbox_);
  outbox_.clear();
  for (auto& [id, row] : rows) {
    const PaymentId payment = id;  // a structured binding cannot be captured (clang 14)
    sim::trace(tracer_, process_.now(), kPaymentServiceTrace, row.order, [&] {
      return "outbox relay publishes the notify message of payment " + std::to_string(payment) +
             " lost from memory in the crash";
    });
    ++relayed_;
    publish_message(row.order, payment, row.how, shop::notify_round(first_attempt(payment)));
  }
}

void OrderNotifier::renotify(PaymentId payment, Resolution how) {
  const PaymentRecord* record = db_.find(payment);
  if (record == nullptr || record->state != PaymentState::kSuccess) return;
  notify_paid(record->order, payment, how);
}

void OrderNotifier::publish_message(OrderId order, PaymentId payment, Resolution how,
                                    uint32_t round) {
  const PaymentRecord* record = db_.find(payment);
  Message message{order, payment, how, round};
  message.paid_at_us = record != nullptr ? record->paid_at.us() : 0;
  mq_.publish(Topic::kPaymentSucceeded, message, sim::Duration::zero());
}

void OrderNotifier::send(OrderId order, PaymentId payment, Resolution how, uint32_t attempt) {
  const PaymentRecord* record = db_.find(payment);
  const sim::Time paid_at = record != nullptr ? record->paid_at : sim::Time();
  if (shop::notify_retry(attempt) == 0 && config_.notify.async_mq)
    publish_message(order, payment, how, shop::notify_round(attempt));
  const CallId call = next_call_++;
  calls_.called(call);
  orders_->notify_paid(call, order, payment, how, paid_at.us(), attempt);
}

void OrderNotifier::on_notify_reply(CallId call, OrderId order, PaymentId payment, uint32_t attempt,
                                    shop::NotifyResult result) {
  calls_.answered(call);
  const Notified* notified = notified_.find(payment);
  const Resolution resolution =
      notified != nullptr ? static_cast<Resolution>(notified->how) : Resolution::kNone;
  if (result == shop::NotifyResult::kRejected) {
    refunds_.refund_late_payment(order, payment, resolution);
    return;
  }
  if (result == shop::NotifyResult::kRepeatPurchase) {
    refunds_.refund_repeat_purchase(order, payment);
    return;
  }
  if (result == shop::NotifyResult::kOk) return;
  if (shop::notify_retry(attempt) >= static_cast<uint32_t>(config_.notify.sync_retries)) {
    sim::trace(tracer_, process_.now(), kPaymentServiceTrace, order, [&] {
      return "sync notify for payment " + std::to_string(payment) + " failed " +
             std::to_string(shop::notify_retry(attempt) + 1) + " times" +
             (config_.notify.async_mq ? ": the MQ message must deliver it"
                                      : ": giving up (internal drop)");
    });
    return;
  }
  // An in-memory retry: a timer of the process. The order rides in the hold (its entity), so the
  // capture fits sim::Callback inline.
  process_.schedule_after_inline(config_.notify.sync_backoff, [this, payment, resolution, attempt,
                                                               hold = sim::Hold(activity_, order)] {
    send(hold.entity(), payment, resolution, attempt + 1);
  });
}

}  // namespace sut
