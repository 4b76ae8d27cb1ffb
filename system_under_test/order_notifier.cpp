#include "system_under_test/order_notifier.h"

#include <string>

#include "system_under_test/internal/trace_component.h"

namespace sut {

using internal::kPaymentServiceTrace;

OrderNotifier::OrderNotifier(sim::Runtime& process, const SystemConfig& config, PaymentDb& db,
                             MessageQueue& mq, RefundJob& refunds, sim::Activity& activity,
                             sim::Tracer* tracer)
    : process_(process),
      config_(config),
      db_(db),
      mq_(mq),
      refunds_(refunds),
      activity_(activity),
      tracer_(tracer) {}

void OrderNotifier::notify_paid(OrderId order, PaymentId payment, Resolution how) {
  resolved_by_.insert_or_assign(payment, static_cast<uint32_t>(how));
  send(order, payment, how, 0);
}

void OrderNotifier::renotify(PaymentId payment, Resolution how) {
  const PaymentRecord* record = db_.find(payment);
  if (record == nullptr || record->state != PaymentState::kSuccess) return;
  notify_paid(record->order, payment, how);
}

void OrderNotifier::send(OrderId order, PaymentId payment, Resolution how, uint32_t attempt) {
  const PaymentRecord* record = db_.find(payment);
  const sim::Time paid_at = record != nullptr ? record->paid_at : sim::Time();
  if (attempt == 0 && config_.notify.async_mq) {
    Message message{order, payment, how, 0};
    message.paid_at_us = paid_at.us();
    mq_.publish(Topic::kPaymentSucceeded, message, sim::Duration::zero());
  }
  const CallId call = next_call_++;
  calls_.called(call);
  orders_->notify_paid(call, order, payment, how, paid_at.us(), attempt);
}

void OrderNotifier::on_notify_reply(CallId call, OrderId order, PaymentId payment, uint32_t attempt,
                                    shop::NotifyResult result) {
  calls_.answered(call);
  const uint32_t* how = resolved_by_.find(payment);
  const Resolution resolution = how ? static_cast<Resolution>(*how) : Resolution::kNone;
  if (result == shop::NotifyResult::kRejected) {
    refunds_.refund_late_payment(order, payment, resolution);
    return;
  }
  if (result == shop::NotifyResult::kOk) return;
  if (attempt >= static_cast<uint32_t>(config_.notify.sync_retries)) {
    sim::trace(tracer_, process_.now(), kPaymentServiceTrace, order, [&] {
      return "sync notify for payment " + std::to_string(payment) + " failed " +
             std::to_string(attempt + 1) + " times" +
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
