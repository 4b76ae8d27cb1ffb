// The shop's contracts: what crosses a process boundary between the app, the order service and the
// payment service in a real deployment (HTTP or RPC there; simulated links in paysim).
//
//   app ──create_order, order_state──▶ OrderFront      app ──apply_pay──▶ PaymentFront
//   payment service ──notify_paid──▶ OrderFront         order service ──close/query/late──▶
//   PaymentFront order service ──push_paid──▶ app (one way)
//
// Every call is asynchronous and carries the caller's CallId; the callee answers exactly once,
// later, through the caller's reply interface (the *Replies classes), never on the caller's stack.
// A call that cannot be delivered (the callee down, the link broken) is answered with
// CallStatus::kTimeout by whatever carries it, after its timeout: the caller always hears back
// (contracts/ids.h). Push is the one one-way message: it may be lost.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "contracts/channel_api.h"
#include "contracts/ids.h"

namespace shop {

using channels::CallStatus;
using contracts::CallId;
using contracts::OrderId;
using contracts::PaymentId;
using contracts::PaymentKey;

// An order's state, as the order service keeps it.
enum class OrderState : uint8_t { kUnpaid, kPaid, kClosed };

// How the shop learned of a payment's final state (resolved_by in the report).
enum class Resolution : uint8_t {
  kCallback,
  kPolling,
  kDelayMessage,
  kOrderQuery,
  kSync,
  kReconciliation,
  kClose,  // a close/cancel at the channel answered "already paid"
  kNone,
};
inline constexpr int kResolutionCount = 8;

std::string_view to_string(OrderState state);
std::string_view to_string(Resolution resolution);
// The Resolution named by to_string(), if any.
std::optional<Resolution> parse_resolution(std::string_view text);

// ---- the app and the payment service ----------------------------------------------------------

struct ApplyPayRequest {
  OrderId order = 0;
  uint32_t channel = 0;  // the channel the user chose, by scenario index
  uint32_t click = 0;    // the user's press of "pay" for this order: 0, 1, ...
  int64_t amount_minor = 0;
};

struct ApplyPayReply {
  enum class Outcome : uint8_t {
    kCreated,      // a new payment: open the wallet with it
    kReused,       // the in-flight payment of the order, returned again
    kAlreadyPaid,  // the order is paid: nothing to pay
    kBusy,         // another request for the order holds the lock / won the race
    kError,        // the channel refused or did not answer; the service was down
  } outcome = Outcome::kError;
  PaymentKey key;
};
std::string_view to_string(ApplyPayReply::Outcome outcome);

// ---- the order service and the payment service ------------------------------------------------

enum class NotifyResult : uint8_t {
  kOk,        // the order is PAID (now or already)
  kFailed,    // the call failed; the sender should retry
  kRejected,  // the payment was made after the order's deadline and late payments are refused
  // Another order of the same purchase is already PAID and the shop keeps one paid order per
  // purchase (order_service.refund_repeat_purchase): this payment is refused, to be refunded.
  kRepeatPurchase,
};

// The `attempt` of a notify call: retry `retry` (0 = the first call) of notify round `round`.
inline constexpr uint32_t kNotifyRetryBits = 12;  // sync_retries is at most 1000
inline uint32_t notify_attempt(uint32_t round, uint32_t retry) {
  return (round << kNotifyRetryBits) | retry;
}
inline uint32_t notify_retry(uint32_t attempt) { return attempt & ((1u << kNotifyRetryBits) - 1); }
inline uint32_t notify_round(uint32_t attempt) { return attempt >> kNotifyRetryBits; }

// What the payment service knows about an order's money: the payment that pays it, if any.
struct OrderPayment {
  PaymentId paid_by = 0;  // 0: none known (yet)
  int64_t paid_at_us = 0;
};

// ---- the services' inbound sides ---------------------------------------------------------------

// The order service, as the app and the payment service call it.
class OrderFront {
 public:
  virtual ~OrderFront() = default;
  // A new order, UNPAID, for `purchase` (the id of the purchase's first order; `order` itself
  // for a first order). A shop with an idempotent checkout per purchase may answer with the
  // purchase's existing order instead (on_create_order_reply's `order`).
  virtual void create_order(CallId call, OrderId order, OrderId purchase) = 0;
  // What the app polls.
  virtual void order_state(CallId call, OrderId order) = 0;
  // The payment service: `payment` of the order succeeded, the user paid at `paid_at_us`.
  // `attempt` numbers the sender's tries of this notify, as a webhook's retry count: the retry
  // (0 first) in its low bits, and in its high bits the notify round (a renotify starts a new
  // one; notify_attempt below).
  virtual void notify_paid(CallId call, OrderId order, PaymentId payment, Resolution how,
                           int64_t paid_at_us, uint32_t attempt) = 0;
};

// The payment service, as the app and the order service call it.
class PaymentFront {
 public:
  virtual ~PaymentFront() = default;
  virtual void apply_pay(CallId call, const ApplyPayRequest& request) = 0;
  // The order expired: close its in-flight payments at their channels, then answer with the
  // payment that pays the order, if one turned up (a close that raced the user's payment).
  virtual void close_order_payments(CallId call, OrderId order) = 0;
  // The order service asks about an order it still sees unpaid (order-side active query).
  virtual void query_order(CallId call, OrderId order) = 0;
  // The order refused `payment` (`why`: kRejected, paid after its deadline; kRepeatPurchase,
  // another order of its purchase is paid): an MQ delivery or a close has no reply of its own.
  virtual void payment_refused(CallId call, OrderId order, PaymentId payment, Resolution how,
                               NotifyResult why) = 0;
};

// ---- the callers' reply sides ------------------------------------------------------------------

// The app: the replies to its calls, and the server's push.
class AppReplies {
 public:
  virtual ~AppReplies() = default;
  // `order`: the order the app shows, the one asked for or the purchase's existing order.
  virtual void on_create_order_reply(CallId call, OrderId order, CallStatus status) = 0;
  virtual void on_order_state_reply(CallId call, OrderId order, CallStatus status,
                                    OrderState state) = 0;
  virtual void on_apply_pay_reply(CallId call, const ApplyPayRequest& request,
                                  const ApplyPayReply& reply) = 0;
  // One way, may be lost: the order became PAID.
  virtual void on_push_paid(OrderId order) = 0;
};

// The payment service: the order service's answers.
class PaymentReplies {
 public:
  virtual ~PaymentReplies() = default;
  virtual void on_notify_reply(CallId call, OrderId order, PaymentId payment, uint32_t attempt,
                               NotifyResult result) = 0;
};

// The order service: the payment service's answers.
class OrderReplies {
 public:
  virtual ~OrderReplies() = default;
  virtual void on_close_order_reply(CallId call, OrderId order, CallStatus status,
                                    const OrderPayment& paid) = 0;
  virtual void on_query_order_reply(CallId call, OrderId order, CallStatus status) = 0;
  virtual void on_payment_refused_reply(CallId call, OrderId order, CallStatus status) = 0;
};

}  // namespace shop
