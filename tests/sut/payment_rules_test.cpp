// The payment service's decisions (system_under_test/payment_rules.h), each against the rule it
// implements: the guards of seed 002 (check paid, reuse the payment in flight, close it before a
// new one, compare-and-set in storage), forward-only states with the closed-loop refund (SPEC
// section 2), duplicates judged against the payment that pays the order, late-payment refunds.
#include "system_under_test/payment_rules.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <utility>

#include "sim/activity.h"

namespace sut {
namespace {

using channels::TradeState;
using Action = ReadVerdict::Action;

constexpr OrderId kOrder = 42;

// An order's payments, by (state, channel), in creation order; ids 1, 2, ...
class Payments {
 public:
  Payments(std::initializer_list<std::pair<PaymentState, uint32_t>> payments) {
    PaymentId id = 1;
    for (const auto& [state, channel] : payments) {
      PaymentRecord record;
      record.id = id++;
      record.order = kOrder;
      record.channel = channel;
      record.state = state;
      db_.insert(record);
    }
  }
  const PaymentDb& db() const { return db_; }

 private:
  sim::Activity activity_;
  PaymentDb db_{activity_};
};

DedupConfig guards(bool check_paid, bool reuse, bool cancel) {
  DedupConfig dedup;
  dedup.check_paid = check_paid;
  dedup.reuse_in_flight = reuse;
  dedup.cancel_in_flight = cancel;
  return dedup;
}

TEST(AfterRead, AFirstPaymentIsInsertedWhateverTheGuards) {
  const Payments none({});
  for (bool a : {false, true}) {
    for (bool b : {false, true}) {
      for (bool c : {false, true}) {
        EXPECT_EQ(after_read(none.db(), kOrder, 0, guards(a, b, c)).action, Action::kInsert);
      }
    }
  }
}

TEST(AfterRead, CheckPaidAnswersTheSuccessBeforeAnyOtherGuard) {
  const Payments paid(
      {{PaymentState::kFailed, 0}, {PaymentState::kPaying, 0}, {PaymentState::kSuccess, 1}});
  const ReadVerdict verdict = after_read(paid.db(), kOrder, 0, guards(true, true, true));
  EXPECT_EQ(verdict.action, Action::kAlreadyPaid)
      << "a success anywhere beats the payment in flight";
  EXPECT_EQ(verdict.payment, 3u);
  // Without check_paid a success does not stop a new payment: the duplicate the guard prevents.
  const Payments only_paid({{PaymentState::kSuccess, 0}});
  EXPECT_EQ(after_read(only_paid.db(), kOrder, 0, guards(false, false, false)).action,
            Action::kInsert);
}

TEST(AfterRead, ReuseAnswersAPaymentStillBeingCreatedOnTheSameChannelOnly) {
  const Payments creating({{PaymentState::kUnpaid, 0}});
  const ReadVerdict same = after_read(creating.db(), kOrder, 0, guards(true, true, false));
  EXPECT_EQ(same.action, Action::kReuse);
  EXPECT_EQ(same.payment, 1u);
  EXPECT_EQ(after_read(creating.db(), kOrder, 1, guards(true, true, false)).action, Action::kInsert)
      << "a payment in flight on another channel cannot be handed to this one";
  const Payments closed({{PaymentState::kClosed, 0}});
  EXPECT_EQ(after_read(closed.db(), kOrder, 0, guards(true, true, false)).action, Action::kInsert);
}

TEST(AfterRead, CancelInFlightCountsOnlyThePayingPayments) {
  const Payments payments({{PaymentState::kPaying, 0},
                           {PaymentState::kUnpaid, 1},
                           {PaymentState::kPaying, 1},
                           {PaymentState::kClosed, 0}});
  const ReadVerdict verdict = after_read(payments.db(), kOrder, 2, guards(true, false, true));
  EXPECT_EQ(verdict.action, Action::kCancelInFlight);
  EXPECT_EQ(verdict.in_flight, 2u);
  const Payments nothing_to_close({{PaymentState::kUnpaid, 0}});
  EXPECT_EQ(after_read(nothing_to_close.db(), kOrder, 0, guards(true, false, true)).action,
            Action::kInsert);
}

TEST(MayInsert, CompareAndSetRefusesWhileAPaymentIsActiveOrSucceeded) {
  const Payments ended({{PaymentState::kFailed, 0},
                        {PaymentState::kClosed, 0},
                        {PaymentState::kCancelled, 0},
                        {PaymentState::kRefunded, 0}});
  EXPECT_TRUE(may_insert(ended.db(), kOrder, true).allowed)
      << "only active or successful payments block";
  for (PaymentState blocking :
       {PaymentState::kUnpaid, PaymentState::kPaying, PaymentState::kSuccess}) {
    const Payments payments({{PaymentState::kFailed, 0}, {blocking, 1}});
    const InsertVerdict verdict = may_insert(payments.db(), kOrder, true);
    EXPECT_FALSE(verdict.allowed) << to_string(blocking);
    EXPECT_EQ(verdict.blocker, 2u);
    EXPECT_EQ(verdict.paid, blocking == PaymentState::kSuccess);
    EXPECT_TRUE(may_insert(payments.db(), kOrder, false).allowed) << "the guard is off";
  }
}

TEST(FirstSuccess, IsTheEarliestSuccessfulPayment) {
  const Payments payments(
      {{PaymentState::kRefunded, 0}, {PaymentState::kSuccess, 0}, {PaymentState::kSuccess, 1}});
  EXPECT_EQ(first_success(payments.db(), kOrder), 2u);
  EXPECT_EQ(first_success(payments.db(), kOrder + 1), 0u);
}

TEST(EffectOf, StatesOnlyMoveForwardAndAChargeOnAClosedPaymentIsRefunded) {
  constexpr PaymentState kAll[] = {PaymentState::kUnpaid,    PaymentState::kPaying,
                                   PaymentState::kSuccess,   PaymentState::kFailed,
                                   PaymentState::kCancelled, PaymentState::kClosed,
                                   PaymentState::kRefunded};
  for (PaymentState current : kAll) {
    const bool open = !is_terminal(current);
    SCOPED_TRACE(std::string(to_string(current)));
    EXPECT_EQ(effect_of(current, TradeState::kSuccess),
              open ? TradeEffect::kSucceed
              : current == PaymentState::kSuccess || current == PaymentState::kRefunded
                  ? TradeEffect::kNone
                  : TradeEffect::kRefund);
    EXPECT_EQ(effect_of(current, TradeState::kFailed),
              open ? TradeEffect::kFail : TradeEffect::kNone);
    EXPECT_EQ(effect_of(current, TradeState::kClosed),
              open ? TradeEffect::kClose : TradeEffect::kNone);
    // Not final (a stale notice, a trade the channel has not seen yet, a refund it reports).
    EXPECT_EQ(effect_of(current, TradeState::kPending), TradeEffect::kNone);
    EXPECT_EQ(effect_of(current, TradeState::kNotFound), TradeEffect::kNone);
    EXPECT_EQ(effect_of(current, TradeState::kRefunded), TradeEffect::kNone);
  }
}

TEST(IsDuplicate, OnlyASuccessOtherThanThePaymentThatPaysTheOrder) {
  EXPECT_FALSE(is_duplicate(0, 5)) << "the order has no payment yet: this one pays it";
  EXPECT_FALSE(is_duplicate(5, 5)) << "a repeated success of the paying payment";
  EXPECT_TRUE(is_duplicate(5, 6));
  EXPECT_TRUE(is_duplicate(6, 5)) << "learned first is not what counts: the paying payment is";
}

TEST(RefundsLatePayment, WithRefundPolicyAndAlwaysAfterReconciliation) {
  using LatePayment = OrderServiceConfig::LatePayment;
  EXPECT_TRUE(refunds_late_payment(LatePayment::kRefund, Resolution::kCallback));
  EXPECT_FALSE(refunds_late_payment(LatePayment::kReject, Resolution::kCallback));
  EXPECT_FALSE(refunds_late_payment(LatePayment::kAccept, Resolution::kPolling));
  EXPECT_TRUE(refunds_late_payment(LatePayment::kReject, Resolution::kReconciliation));
  EXPECT_TRUE(refunds_late_payment(LatePayment::kAccept, Resolution::kReconciliation));
}

}  // namespace
}  // namespace sut
