// The recorder's invariants, fed event by event. Each compares the system's records (what the
// SystemObserver hooks say) with the ledger (the ground truth): every breach must be reported
// with its order and event, and each legitimate outcome next to it must not be. The end-to-end
// proof that the checks catch real bugs in the model is tests/harness/planted_bug_test.cpp.
#include <gtest/gtest.h>

#include "harness/recorder.h"
#include "mock_channels/ledger.h"

namespace harness {
namespace {

using sut::OrderState;
using sut::PaymentState;
using sut::RefundReason;
using sut::Resolution;

constexpr int64_t kAmount = 100;

class InvariantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_.set_observer(&recorder_);
    recorder_.on_order_created(1, t0);
  }

  sut::PaymentRecord payment(sut::PaymentId id, uint32_t attempt, PaymentState state) {
    sut::PaymentRecord r;
    r.id = id;
    r.order = 1;
    r.attempt = attempt;
    r.state = state;
    r.amount_minor = kAmount;
    return r;
  }
  void move(sut::PaymentId id, uint32_t attempt, PaymentState from, PaymentState to, sim::Time at) {
    recorder_.on_payment_state(payment(id, attempt, to), from, Resolution::kCallback, at);
  }
  void succeed(sut::PaymentId id, uint32_t attempt, sim::Time at) {
    move(id, attempt, PaymentState::kPaying, PaymentState::kSuccess, at);
  }
  void charge(sut::PaymentId id, uint32_t attempt, sim::Time at) {
    ledger_.record_charge(payment(id, attempt, PaymentState::kPaying).key(), kAmount, at);
  }
  bool refund_at_channel(sut::PaymentId id, uint32_t attempt, sim::Time at) {
    return ledger_.record_refund(payment(id, attempt, PaymentState::kSuccess).key(), kAmount, at);
  }
  void paid_by(sut::PaymentId id, sim::Time at) {
    recorder_.on_order_state(1, OrderState::kUnpaid, OrderState::kPaid, Resolution::kCallback, id,
                             at);
  }

  const reports::Invariants& invariants() const { return report_.invariants; }
  std::string first_message() const {
    return invariants().details.empty() ? "" : invariants().details[0].message;
  }

  sut::SystemConfig system_;
  reports::Report report_;
  channels::Ledger ledger_;
  Recorder recorder_{ledger_, system_, report_};
  sim::Time t0 = sim::Time() + sim::Duration::seconds(1);
  sim::Time t1 = sim::Time() + sim::Duration::seconds(2);
};

TEST_F(InvariantsTest, AnOrderPaidByAChargedPaymentIsSound) {
  charge(1, 0, t0);
  succeed(1, 0, t0);
  paid_by(1, t1);
  recorder_.retire(1, 0);
  EXPECT_EQ(invariants().violations, 0u) << first_message();
}

TEST_F(InvariantsTest, AnOrderPaidTwiceIsABreach) {
  charge(1, 0, t0);
  paid_by(1, t0);
  EXPECT_EQ(invariants().violations, 0u);
  recorder_.on_order_state(1, OrderState::kClosed, OrderState::kPaid, Resolution::kPolling, 1, t1);
  ASSERT_EQ(invariants().violations, 1u);
  EXPECT_EQ(invariants().details[0].order, 1u);
  EXPECT_NE(first_message().find("PAID twice"), std::string::npos);
}

TEST_F(InvariantsTest, AnOrderPaidByAPaymentTheChannelNeverChargedIsABreach) {
  charge(1, 0, t0);  // another payment of the order took money: still a breach
  paid_by(2, t1);
  ASSERT_EQ(invariants().violations, 1u);
  EXPECT_EQ(invariants().details[0].event, "order_paid");
  EXPECT_EQ(invariants().details[0].time_us, t1.us());
  EXPECT_NE(first_message().find("payment 2"), std::string::npos);
}

TEST_F(InvariantsTest, APaymentSuccessWithoutAChargeIsABreach) {
  succeed(1, 0, t0);
  ASSERT_EQ(invariants().violations, 1u);
  EXPECT_EQ(invariants().details[0].event, "payment_state");
  EXPECT_NE(first_message().find("never charged"), std::string::npos);
}

TEST_F(InvariantsTest, AnyTerminalStateLeftIsABreach) {
  charge(1, 0, t0);
  succeed(1, 0, t0);
  move(1, 0, PaymentState::kSuccess, PaymentState::kPaying, t1);
  ASSERT_EQ(invariants().violations, 1u);
  EXPECT_NE(first_message().find("terminal state left"), std::string::npos);
}

TEST_F(InvariantsTest, RefundedInTheRecordsWhileTheChannelHoldsTheMoneyIsABreach) {
  charge(1, 0, t0);
  succeed(1, 0, t0);
  move(1, 0, PaymentState::kSuccess, PaymentState::kRefunded, t1);
  ASSERT_GE(invariants().violations, 1u);
  EXPECT_EQ(invariants().details[0].event, "payment_state");
  EXPECT_NE(first_message().find("REFUNDED in the records"), std::string::npos);
}

TEST_F(InvariantsTest, ARefundedPaymentTheChannelChargedTwiceIsSound) {
  // The records know one charge and refund it; reconciliation owns the second.
  charge(1, 0, t0);
  charge(1, 0, t0);
  succeed(1, 0, t0);
  ASSERT_TRUE(refund_at_channel(1, 0, t1));
  move(1, 0, PaymentState::kSuccess, PaymentState::kRefunded, t1);
  recorder_.retire(1, 0);
  EXPECT_EQ(invariants().violations, 0u) << first_message();
}

TEST_F(InvariantsTest, ARefundAskedForAPaymentNeverChargedIsABreach) {
  charge(1, 0, t0);
  recorder_.on_refund_issued(payment(1, 0, PaymentState::kSuccess), RefundReason::kDuplicate,
                             kAmount, t0);
  EXPECT_EQ(invariants().violations, 0u);
  recorder_.on_refund_issued(payment(2, 1, PaymentState::kClosed), RefundReason::kClosedPayment,
                             kAmount, t1);
  ASSERT_EQ(invariants().violations, 1u);
  EXPECT_EQ(invariants().details[0].event, "refund_issued");
}

TEST_F(InvariantsTest, ARefundTheChannelRefusesAsAlreadyReturnedIsABreach) {
  charge(1, 0, t0);
  ASSERT_TRUE(refund_at_channel(1, 0, t0));
  EXPECT_EQ(invariants().violations, 0u);
  EXPECT_FALSE(refund_at_channel(1, 0, t1));
  ASSERT_EQ(invariants().violations, 1u);
  EXPECT_EQ(invariants().details[0].event, "refund");
  EXPECT_NE(first_message().find("refund asked twice"), std::string::npos);
}

TEST_F(InvariantsTest, ARefundThatLeavesAPaidOrderWithoutMoneyIsABreach) {
  charge(1, 0, t0);
  succeed(1, 0, t0);
  paid_by(1, t0);
  ASSERT_TRUE(refund_at_channel(1, 0, t1));
  ASSERT_GE(invariants().violations, 1u);
  EXPECT_EQ(report_.duplicates.wrong_refunds, 1u);
}

TEST_F(InvariantsTest, TwoKeptSuccessesAreAnOutcomeNotABreach) {
  // refund_duplicates on a channel that cannot refund leaves both: a duplicate left unresolved.
  system_.dedup.refund_duplicates = true;
  charge(1, 0, t0);
  charge(2, 1, t0);
  succeed(1, 0, t0);
  succeed(2, 1, t1);
  paid_by(1, t1);
  recorder_.retire(1, 0);
  recorder_.finish(t1);
  EXPECT_EQ(invariants().violations, 0u) << first_message();
  EXPECT_EQ(report_.duplicates.unresolved, 1u);
}

TEST_F(InvariantsTest, OrdersStillInFlightAreCheckedWhenTheRunEnds) {
  charge(1, 0, t0);
  succeed(1, 0, t0);
  ASSERT_TRUE(refund_at_channel(1, 0, t0));  // the channel gave it back; the records never heard
  EXPECT_EQ(invariants().violations, 0u);
  recorder_.finish(t1);
  ASSERT_GE(invariants().violations, 1u);
  EXPECT_EQ(invariants().details[0].event, "end_of_run");
  EXPECT_NE(first_message().find("SUCCESS in the records"), std::string::npos);
}

TEST_F(InvariantsTest, TheOutcomeClassesPartitionTheOrders) {
  // Order 1 paid, 2 abandoned, 3 failed (confirmed, declined), 4 refunded, 5 dropped.
  for (sut::OrderId order = 2; order <= 5; ++order) recorder_.on_order_created(order, t0);
  charge(1, 0, t0);
  succeed(1, 0, t0);
  paid_by(1, t0);
  recorder_.on_user_paid(3, false, t0);
  const channels::PaymentKey four{4, 40, 0, 0};
  const channels::PaymentKey five{5, 50, 0, 0};
  ledger_.record_charge(four, kAmount, t0);
  ASSERT_TRUE(ledger_.record_refund(four, kAmount, t1));
  ledger_.record_charge(five, kAmount, t0);
  recorder_.finish(t1);
  const reports::OrderCounts& o = report_.orders;
  EXPECT_EQ(o.created, 5u);
  EXPECT_EQ(o.paid, 1u);
  EXPECT_EQ(o.abandoned, 1u);
  EXPECT_EQ(o.failed, 1u);
  EXPECT_EQ(o.refunded, 1u);
  EXPECT_EQ(report_.dropped.final, 1u);
  EXPECT_EQ(invariants().violations, 0u) << first_message();
}

TEST_F(InvariantsTest, APaidOrderWithoutAResolutionBreaksTheResolvedByIdentity) {
  charge(1, 0, t0);
  succeed(1, 0, t0);
  recorder_.on_order_state(1, OrderState::kUnpaid, OrderState::kPaid, Resolution::kNone, 1, t0);
  EXPECT_EQ(invariants().violations, 0u);
  recorder_.finish(t1);
  ASSERT_EQ(invariants().violations, 1u);
  EXPECT_NE(first_message().find("resolved_by sums to 0 for 1 PAID"), std::string::npos);
}

}  // namespace
}  // namespace harness
