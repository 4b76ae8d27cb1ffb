// PaymentStates: the one writer of a payment's state. Every job of the payment service that moves
// a payment (apply-pay's channel answers, callbacks, queries, closes, the refund job) moves it
// here, so that each move is stored, ends the payment's compensation once it is terminal, and is
// reported to the observer, in that order, with the time of the move.
//
// It does not decide which moves are allowed: the callers do, by the rules of payment_rules.h
// (states only move forward).
#pragma once

#include "sim/runtime.h"
#include "system_under_test/observer.h"
#include "system_under_test/payment_db.h"
#include "system_under_test/records.h"

namespace sut {

class Compensation;

class PaymentStates {
 public:
  PaymentStates(const sim::Runtime& runtime, PaymentDb& db, Compensation& compensation,
                SystemObserver& observer)
      : runtime_(runtime), db_(db), compensation_(compensation), observer_(observer) {}

  // Moves `record` to `to`, learned by `how`. A terminal state leaves the pending table and
  // compensation (Compensation::on_resolved).
  void set(PaymentRecord& record, PaymentState to, Resolution how);

 private:
  const sim::Runtime& runtime_;
  PaymentDb& db_;
  Compensation& compensation_;
  SystemObserver& observer_;
};

}  // namespace sut
