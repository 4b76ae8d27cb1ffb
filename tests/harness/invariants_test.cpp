// The recorder's invariants of issue 5, fed event by event: an order is never PAID twice; every
// refund the system asks for matches a charge; with refund_duplicates on, an order ends with at
// most one kept success. Each breach must be reported with its order and event, and each
// legitimate outcome next to it must not be.
#include <gtest/gtest.h>

#include "harness/recorder.h"
#include "mock_channels/ledger.h"

namespace harness {
namespace {

using sut::OrderState;
using sut::PaymentState;
using sut::Resolution;

constexpr int64_t kAmount = 100;

class InvariantsTest : public ::testing::Test {
 protected:
  void SetUp() override { ledger_.set_observer(&recorder_); }

  sut::PaymentRecord payment(sut::PaymentId id, uint32_t attempt, PaymentState state) {
    sut::PaymentRecord r;
    r.id = id;
    r.order = 1;
    r.attempt = attempt;
    r.state = state;
    r.amount_minor = kAmount;
    return r;
  }
  void succeed(const sut::PaymentRecord& paying, sim::Time at) {
    sut::PaymentRecord done = paying;
    done.state = PaymentState::kSuccess;
    recorder_.on_payment_state(done, PaymentState::kPaying, Resolution::kCallback, at);
  }
  void charge(const sut::PaymentRecord& r, sim::Time at) { ledger_.record_charge(r.key(), kAmount, at); }

  const reports::Invariants& invariants() const { return report_.invariants; }

  sut::SystemConfig system_;
  reports::Report report_;
  channels::Ledger ledger_;
  Recorder recorder_{ledger_, system_, report_};
  sim::Time t0 = sim::Time() + sim::Duration::seconds(1);
  sim::Time t1 = sim::Time() + sim::Duration::seconds(2);
};

TEST_F(InvariantsTest, AnOrderPaidTwiceIsABreach) {
  recorder_.on_order_created(1, t0);
  charge(payment(1, 0, PaymentState::kPaying), t0);
  recorder_.on_order_state(1, OrderState::kUnpaid, OrderState::kPaid, Resolution::kCallback, t0);
  EXPECT_EQ(invariants().violations, 0u);
  recorder_.on_order_state(1, OrderState::kClosed, OrderState::kPaid, Resolution::kPolling, t1);
  ASSERT_EQ(invariants().violations, 1u);
  EXPECT_EQ(invariants().details[0].order, 1u);
  EXPECT_NE(invariants().details[0].message.find("PAID twice"), std::string::npos);
}

TEST_F(InvariantsTest, ARefundAskedForAPaymentNeverChargedIsABreach) {
  recorder_.on_order_created(1, t0);
  const sut::PaymentRecord charged = payment(1, 0, PaymentState::kSuccess);
  const sut::PaymentRecord never_charged = payment(2, 1, PaymentState::kClosed);
  charge(charged, t0);
  recorder_.on_refund_issued(charged, t0);
  EXPECT_EQ(invariants().violations, 0u);
  recorder_.on_refund_issued(never_charged, t1);
  ASSERT_EQ(invariants().violations, 1u);
  EXPECT_EQ(invariants().details[0].event, "refund_issued");
}

TEST_F(InvariantsTest, TwoKeptSuccessesWithRefundsOnAndNoRefundAskedIsABreachAtRetire) {
  system_.dedup.refund_duplicates = true;
  recorder_.on_order_created(1, t0);
  succeed(payment(1, 0, PaymentState::kPaying), t0);
  succeed(payment(2, 1, PaymentState::kPaying), t1);
  EXPECT_EQ(recorder_.orders_with_unrefunded_extra_success(), 1u);
  EXPECT_EQ(invariants().violations, 0u) << "checked at the end, not while refunds may follow";
  recorder_.retire(1, 0);
  ASSERT_EQ(invariants().violations, 1u);
  EXPECT_EQ(invariants().details[0].event, "retire");
  EXPECT_EQ(invariants().details[0].time_us, t1.us());
}

TEST_F(InvariantsTest, TwoKeptSuccessesWithTheExtraRefundAskedIsAnOutcome) {
  // The refund may fail for good: a duplicate left unresolved, not a breach.
  system_.dedup.refund_duplicates = true;
  recorder_.on_order_created(1, t0);
  const sut::PaymentRecord second = payment(2, 1, PaymentState::kSuccess);
  charge(payment(1, 0, PaymentState::kPaying), t0);
  charge(second, t0);
  succeed(payment(1, 0, PaymentState::kPaying), t0);
  succeed(payment(2, 1, PaymentState::kPaying), t1);
  recorder_.on_refund_issued(second, t1);
  EXPECT_EQ(recorder_.orders_with_unrefunded_extra_success(), 0u);
  recorder_.retire(1, 0);
  EXPECT_EQ(invariants().violations, 0u);
}

TEST_F(InvariantsTest, TwoKeptSuccessesWithRefundsOffAreAnOutcome) {
  system_.dedup.refund_duplicates = false;
  recorder_.on_order_created(1, t0);
  succeed(payment(1, 0, PaymentState::kPaying), t0);
  succeed(payment(2, 1, PaymentState::kPaying), t1);
  recorder_.retire(1, 0);
  recorder_.finish(t1);
  EXPECT_EQ(invariants().violations, 0u);
}

TEST_F(InvariantsTest, ARefundedDuplicateLeavesOneKeptSuccess) {
  system_.dedup.refund_duplicates = true;
  recorder_.on_order_created(1, t0);
  succeed(payment(1, 0, PaymentState::kPaying), t0);
  succeed(payment(2, 1, PaymentState::kPaying), t0);
  recorder_.on_payment_state(payment(2, 1, PaymentState::kRefunded), PaymentState::kSuccess, Resolution::kNone, t1);
  EXPECT_EQ(recorder_.orders_with_unrefunded_extra_success(), 0u);
  recorder_.retire(1, 0);
  EXPECT_EQ(invariants().violations, 0u);
}

TEST_F(InvariantsTest, OrdersStillInFlightAreCheckedWhenTheRunEnds) {
  system_.dedup.refund_duplicates = true;
  recorder_.on_order_created(1, t0);
  succeed(payment(1, 0, PaymentState::kPaying), t0);
  succeed(payment(2, 1, PaymentState::kPaying), t0);
  recorder_.finish(t1);
  ASSERT_EQ(invariants().violations, 1u);
  EXPECT_EQ(invariants().details[0].event, "end_of_run");
}

}  // namespace
}  // namespace harness
