#include "system_under_test/refund_job.h"

#include <string>

#include "system_under_test/internal/trace_component.h"
#include "system_under_test/payment_rules.h"

namespace sut {

using internal::kPaymentServiceTrace;

RefundJob::RefundJob(sim::Runtime& durable, const SystemConfig& config, PaymentDb& db,
                     ChannelCalls& calls, PaymentStates& states, sim::Activity& activity,
                     SystemObserver& observer, sim::Tracer* tracer)
    : durable_(durable),
      config_(config),
      db_(db),
      calls_(calls),
      states_(states),
      activity_(activity),
      observer_(observer),
      tracer_(tracer) {}

void RefundJob::refund(PaymentRecord& record, RefundReason reason, int64_t amount_minor,
                       bool keep_state) {
  if (!config_.channels[record.channel].refund_supported) {
    sim::trace(tracer_, durable_.now(), kPaymentServiceTrace, record.order, [&] {
      return "cannot refund payment " + std::to_string(record.id) +
             ": channel does not support refunds";
    });
    return;
  }
  if (amount_minor <= 0) amount_minor = record.amount_minor;
  if (refunding_.contains(record.id) || (!keep_state && refunded_.contains(record.id))) return;
  observer_.on_refund_issued(record, reason, amount_minor, durable_.now());
  if (bug_ == PlantedBug::kRecordRefundNotSent && !keep_state) {
    refunded_.insert_or_assign(record.id, true);
    if (record.state == PaymentState::kSuccess)
      states_.set(record, PaymentState::kRefunded, Resolution::kNone);
    return;
  }
  refunding_.insert_or_assign(
      record.id,
      Refunding{.amount_minor = amount_minor, .keep_state = keep_state, .reason = reason});
  send_refund(record, amount_minor);
}

void RefundJob::refund_late_payment(OrderId order, PaymentId payment, Resolution how) {
  if (!refunds_late_payment(config_.order_service.late_payment, how)) return;
  PaymentRecord* record = db_.find(payment);
  if (record == nullptr || record->state != PaymentState::kSuccess) return;
  sim::trace(tracer_, durable_.now(), kPaymentServiceTrace, order, [&] {
    return "late payment " + std::to_string(payment) + " refused by the order: refunding";
  });
  refund(*record, RefundReason::kLatePayment);
}

void RefundJob::refund_repeat_purchase(OrderId order, PaymentId payment) {
  PaymentRecord* record = db_.find(payment);
  if (record == nullptr || record->state != PaymentState::kSuccess) return;
  sim::trace(tracer_, durable_.now(), kPaymentServiceTrace, order, [&] {
    return "payment " + std::to_string(payment) +
           " refused by the order: another order of its purchase is paid: refunding";
  });
  refund(*record, RefundReason::kRepeatPurchase);
}

void RefundJob::send_refund(const PaymentRecord& record, int64_t amount_minor) {
  calls_.refund(record.key(), amount_minor);  // its activity ends with the reply
}

void RefundJob::on_refund_reply(const channels::PaymentKey& key,
                                const channels::RefundReply& reply) {
  const Refunding* pending = refunding_.find(key.payment);
  if (pending == nullptr) return;
  const Refunding refunding = *pending;
  PaymentRecord* record = db_.find(key.payment);
  if (record == nullptr) return;
  const bool ok = reply.status == channels::CallStatus::kOk;
  if (ok && (reply.refunded || config_.refund.on_accepted == RefundConfig::OnAccepted::kTrust)) {
    finish_refund(*record, key, refunding);
    return;
  }
  if (ok) {  // accepted, not finished: ask again later
    if (refunding.checks + 1 >= kMaxChecks) {
      give_up(*record, refunding,
              " still not finished after " + std::to_string(refunding.checks + 1) + " checks");
      return;
    }
    Refunding next = refunding;
    next.checks += 1;
    retry_refund(key, next);
    return;
  }
  if (refunding.attempt + 1 >= kMaxAttempts) {
    give_up(*record, refunding, " failed " + std::to_string(refunding.attempt + 1) + " times");
    return;
  }
  Refunding next = refunding;
  next.attempt += 1;
  retry_refund(key, next);
}

void RefundJob::on_refund_notice(const channels::PaymentKey& key,
                                 const channels::RefundReply& result) {
  const Refunding* pending = refunding_.find(key.payment);
  PaymentRecord* record = db_.find(key.payment);
  if (pending == nullptr || record == nullptr || !result.refunded) return;
  finish_refund(*record, key, *pending);  // the pending check then finds nothing to do
}

void RefundJob::finish_refund(PaymentRecord& record, const channels::PaymentKey& key,
                              const Refunding& pending) {
  const Refunding refunding = pending;  // `pending` may live in refunding_: copied before erase
  refunding_.erase(key.payment);
  if (!refunding.keep_state) {
    refunded_.insert_or_assign(key.payment, true);
    if (db_.paid_by(key.order) == key.payment) db_.set_paid_by(key.order, 0);
  }
  if (record.state == PaymentState::kSuccess && !refunding.keep_state) {
    states_.set(record, PaymentState::kRefunded, Resolution::kNone);
  }
  sim::trace(tracer_, durable_.now(), kPaymentServiceTrace, key.order, [&] {
    return "refund of payment " + std::to_string(key.payment) + " (" +
           std::string(to_string(refunding.reason)) + ") done";
  });
  if (bug_ == PlantedBug::kRefundTwice) send_refund(record, refunding.amount_minor);
}

void RefundJob::give_up(const PaymentRecord& record, const Refunding& pending,
                        const std::string& why) {
  const Refunding refunding = pending;  // `pending` may live in refunding_: copied before erase
  refunding_.erase(record.id);
  observer_.on_refund_given_up(record, refunding.reason, durable_.now());
  sim::trace(tracer_, durable_.now(), kPaymentServiceTrace, record.order, [&] {
    return "refund of payment " + std::to_string(record.id) + why + ": giving up";
  });
}

void RefundJob::retry_refund(const channels::PaymentKey& key, const Refunding& next) {
  const PaymentId payment = key.payment;
  refunding_.insert_or_assign(payment, next);
  durable_.schedule_after_inline(kRetryGap,
                                 [this, payment, next, hold = sim::Hold(activity_, key.order)] {
                                   const Refunding* still = refunding_.find(payment);
                                   const PaymentRecord* record = db_.find(payment);
                                   if (still != nullptr && record != nullptr)
                                     send_refund(*record, next.amount_minor);
                                 });
}

}  // namespace sut
