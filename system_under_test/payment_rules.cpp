#include "system_under_test/payment_rules.h"

namespace sut {

ReadVerdict after_read(const PaymentDb& db, OrderId order, uint32_t channel,
                       const DedupConfig& dedup) {
  uint32_t in_flight = 0;  // PAYING payments
  for (PaymentId id : db.payments_of(order)) {
    const PaymentRecord* p = db.find(id);
    if (p->state == PaymentState::kSuccess && dedup.check_paid) {
      return {ReadVerdict::Action::kAlreadyPaid, id, 0};
    }
    if (p->state == PaymentState::kPaying) ++in_flight;
  }
  if (dedup.reuse_in_flight) {
    // In flight includes a payment still being created (UNPAID until the channel answers): a
    // repeat click that reads during the first one's create call must get it too.
    for (PaymentId id : db.payments_of(order)) {
      const PaymentRecord* p = db.find(id);
      if (!is_terminal(p->state) && p->channel == channel)
        return {ReadVerdict::Action::kReuse, id, 0};
    }
  }
  if (dedup.cancel_in_flight && in_flight > 0)
    return {ReadVerdict::Action::kCancelInFlight, 0, in_flight};
  return {};
}

InsertVerdict may_insert(const PaymentDb& db, OrderId order, bool compare_and_set) {
  if (!compare_and_set) return {};
  for (PaymentId id : db.payments_of(order)) {
    const PaymentRecord* p = db.find(id);
    const bool paid = p->state == PaymentState::kSuccess;
    if (is_terminal(p->state) && !paid) continue;
    return {false, id, paid};
  }
  return {};
}

PaymentId first_success(const PaymentDb& db, OrderId order) {
  for (PaymentId id : db.payments_of(order)) {
    if (db.find(id)->state == PaymentState::kSuccess) return id;
  }
  return 0;
}

TradeEffect effect_of(PaymentState current, channels::TradeState reported) {
  const bool terminal = is_terminal(current);
  switch (reported) {
    case channels::TradeState::kSuccess:
      if (!terminal) return TradeEffect::kSucceed;
      if (current != PaymentState::kSuccess && current != PaymentState::kRefunded)
        return TradeEffect::kRefund;
      return TradeEffect::kNone;
    case channels::TradeState::kFailed:
      return terminal ? TradeEffect::kNone : TradeEffect::kFail;
    case channels::TradeState::kClosed:
      return terminal ? TradeEffect::kNone : TradeEffect::kClose;
    case channels::TradeState::kPending:
    case channels::TradeState::kNotFound:
    case channels::TradeState::kRefunded:
      return TradeEffect::kNone;
  }
  return TradeEffect::kNone;
}

bool refunds_late_payment(OrderServiceConfig::LatePayment policy, Resolution how) {
  return policy == OrderServiceConfig::LatePayment::kRefund || how == Resolution::kReconciliation;
}

}  // namespace sut
