#include "system_under_test/expiry_closer.h"

namespace sut {

void ExpiryCloser::close_order_payments(CallId call, OrderId order) {
  uint32_t outstanding = 0;
  // Channel calls answer later, never on this stack: no state changes while this loop runs.
  for (PaymentId pid : db_.payments_of(order)) {
    const PaymentRecord* p = db_.find(pid);
    if (p->state != PaymentState::kPaying) continue;
    ++outstanding;
    calls_.close(p->key());
  }
  if (outstanding == 0) {
    finish_closing(call, order);
    return;
  }
  expiring_.insert_or_assign(order, Expiring{call, outstanding});
}

void ExpiryCloser::on_close_answered(OrderId order) {
  Expiring* expiring = expiring_.find(order);
  if (expiring == nullptr || --expiring->outstanding != 0) return;
  const CallId call = expiring->call;
  expiring_.erase(order);
  finish_closing(call, order);
}

void ExpiryCloser::finish_closing(CallId call, OrderId order) {
  const PaymentId paid = db_.paid_by(order);
  const PaymentRecord* record = paid != 0 ? db_.find(paid) : nullptr;
  shop::OrderPayment answer;
  if (record != nullptr && record->state == PaymentState::kSuccess)
    answer = {paid, record->paid_at.us()};
  order_replies_->on_close_order_reply(call, order, shop::CallStatus::kOk, answer);
}

}  // namespace sut
