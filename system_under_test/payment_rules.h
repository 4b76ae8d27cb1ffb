// The payment service's decisions, as plain functions over its records: which guard answers an
// apply-pay request, whether the database lets a payment be inserted, what a state reported by
// the channel means for a payment, whether a success is a duplicate, and whether a late payment
// is refunded. No time, no I/O, no randomness: PaymentService carries them out and traces them,
// and tests/sut/payment_rules_test.cpp checks each against the rules of the seeds and SPEC.
#pragma once

#include <cstdint>

#include "contracts/channel_api.h"
#include "system_under_test/config.h"
#include "system_under_test/payment_db.h"
#include "system_under_test/records.h"

namespace sut {

// The guards of `dedup`, applied once an apply-pay request has read the order's payments, in
// the order a request meets them: check_paid, reuse_in_flight, cancel_in_flight.
struct ReadVerdict {
  enum class Action : uint8_t {
    kInsert,          // no guard objects: go on to insert a new payment
    kAlreadyPaid,     // check_paid: `payment` succeeded already
    kReuse,           // reuse_in_flight: `payment` is still in flight on the same channel
    kCancelInFlight,  // cancel_in_flight: close the `in_flight` PAYING payments first
  };
  Action action = Action::kInsert;
  PaymentId payment = 0;
  uint32_t in_flight = 0;
};
ReadVerdict after_read(const PaymentDb& db, OrderId order, uint32_t channel,
                       const DedupConfig& dedup);

// The storage-side guard (compare_and_set): INSERT ... WHERE NOT EXISTS a payment of the order
// in UNPAID, PAYING or SUCCESS, evaluated atomically. `blocker` is the first such payment.
struct InsertVerdict {
  bool allowed = true;
  PaymentId blocker = 0;
  bool paid = false;  // the blocker succeeded (else it is in flight)
};
InsertVerdict may_insert(const PaymentDb& db, OrderId order, bool compare_and_set);

// The first successful payment of the order, 0 if none (check_paid, read again after closing
// the payments in flight).
PaymentId first_success(const PaymentDb& db, OrderId order);

// What a trade state reported by the channel (callback, query, close or create answer) does to a
// payment in state `current`. States only move forward: a terminal payment changes only when
// the channel says it was charged (then the closed-loop rule refunds it).
enum class TradeEffect : uint8_t {
  kNone,     // nothing: already terminal, or not final yet
  kSucceed,  // the payment succeeds
  kFail,     // the payment failed
  kClose,    // the payment is closed (cancelled, if we closed it to make way for a new one)
  kRefund,   // charged although we closed or failed it: refund it (the closed-loop rule)
};
TradeEffect effect_of(PaymentState current, channels::TradeState reported);

// A success is a duplicate when another payment already pays the order (`paid_by`, 0 if none),
// never merely because it is not the first success learned.
inline bool is_duplicate(PaymentId paid_by, PaymentId payment) {
  return paid_by != 0 && paid_by != payment;
}

// Whether a success the order refused as late is refunded: with late_payment refund, and always
// when reconciliation sent the notify (the last safety net: money no order will keep goes back).
bool refunds_late_payment(OrderServiceConfig::LatePayment policy, Resolution how);

}  // namespace sut
