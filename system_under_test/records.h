// The system under test's records: orders and payments (流水) with their state machines.
//
// Payment: UNPAID -> PAYING -> SUCCESS | FAILED | CANCELLED | CLOSED, and SUCCESS -> REFUNDED.
// Order:   UNPAID -> PAID | CLOSED, and CLOSED -> PAID only when a late payment is accepted.
// Terminal payment states never go back (SPEC section 2); the invariant checker watches it.
#pragma once

#include <cstdint>
#include <string_view>

#include "contracts/channel_api.h"
#include "contracts/shop_api.h"
#include "sim/time.h"

namespace sut {

using channels::OrderId;
using channels::PaymentId;
using contracts::CallId;

enum class PaymentState : uint8_t {
  kUnpaid,
  kPaying,
  kSuccess,
  kFailed,
  kCancelled,
  kClosed,
  kRefunded
};
using shop::kResolutionCount;
using shop::OrderState;
using shop::Resolution;

// Why the system asked a channel to refund (the report counts each reason apart).
enum class RefundReason : uint8_t {
  kDuplicate,      // a second success on an order that another payment already paid
  kExtraCharge,    // the channel charged one payment more than once (reconciliation)
  kLatePayment,    // paid after the order's deadline, refused by the order (late_payment: refund)
  kClosedPayment,  // charged, although the records had closed or failed it (the closed-loop rule)
  // Another order of the same purchase is already paid (order_service.refund_repeat_purchase).
  kRepeatPurchase,
};
inline constexpr int kRefundReasonCount = 5;

std::string_view to_string(PaymentState state);
using shop::to_string;
std::string_view to_string(RefundReason reason);

inline bool is_terminal(PaymentState s) {
  return s != PaymentState::kUnpaid && s != PaymentState::kPaying;
}
// The one transition out of a terminal state the model allows; with `late_success_accepted`
// (compensation.success_after_failed: accept) also FAILED -> SUCCESS, the channel's word
// overriding a failure the service decided itself.
inline bool is_allowed_transition(PaymentState from, PaymentState to,
                                  bool late_success_accepted = false) {
  if (from == to) return false;
  if (!is_terminal(from)) return from == PaymentState::kUnpaid || to != PaymentState::kUnpaid;
  if (late_success_accepted && from == PaymentState::kFailed && to == PaymentState::kSuccess)
    return true;
  return from == PaymentState::kSuccess && to == PaymentState::kRefunded;
}

struct PaymentRecord {
  PaymentId id = 0;
  OrderId order = 0;
  uint32_t channel = 0;
  uint32_t attempt = 0;  // ordinal within the order
  PaymentState state = PaymentState::kUnpaid;
  sim::Time created_at;
  sim::Time updated_at;
  // When the user paid, as the channel reported it with the success (zero until then). The order
  // service judges lateness by it: a payment made before the order's deadline is on time, however
  // late the news of it arrives.
  sim::Time paid_at;
  int64_t amount_minor = 0;

  channels::PaymentKey key() const { return {order, id, attempt, channel}; }
};

}  // namespace sut
