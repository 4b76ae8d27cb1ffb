// Regression tests of issue 12 ("numbers a team can bet a design on"): each builds the smallest
// scenario in which one mechanism's outcome can be stated in advance (analytically, from the
// scenario's fixed delays) and checks the report against it. Each failed on the code before the
// fix; the comment says how.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "harness/world.h"
#include "test_scenarios.h"

namespace harness {
namespace {

using sim::Distribution;
using sim::Duration;
using LatePayment = sut::OrderServiceConfig::LatePayment;

std::string first_violation(const reports::Report& r) {
  if (r.invariants.details.empty()) return "";
  const reports::InvariantViolation& v = r.invariants.details.front();
  return "order " + std::to_string(v.order) + " " + v.event + ": " + v.message;
}

// Every order ends in exactly one outcome class (docs/report-format.md).
void expect_partition(const reports::Report& r) {
  EXPECT_EQ(
      r.orders.paid + r.orders.abandoned + r.orders.failed + r.orders.refunded + r.dropped.final,
      r.orders.created);
  const reports::ResolvedBy& b = r.resolved_by;
  EXPECT_EQ(b.callback + b.polling + b.delay_message + b.order_query + b.sync + b.reconciliation +
                b.close,
            r.orders.paid);
  EXPECT_EQ(r.invariants.violations, 0u) << first_violation(r);
}

// Users pay `pay_delay` after their click, orders expire after 2 minutes, and every callback is
// lost with no compensation: the order hears of its payment only when it expires (a close at the
// channel answers "already paid") or from a notify that lands after the deadline.
Scenario expiring(Duration pay_delay, LatePayment late, bool close_at_channel) {
  Scenario s = testing::minimal_scenario(2, Duration::minutes(2));
  s.user.pay_delay = Distribution::fixed(pay_delay);
  s.channels[0].callback.drop_probability = 1.0;
  s.system.order_service.order_timeout = Duration::minutes(2);
  s.system.order_service.late_payment = late;
  s.system.order_service.close_at_channel = close_at_channel;
  return s;
}

// Item 1. Paid at ~100 s, the order expires at 120 s and its close finds the trade paid: the
// payment was in time, so the order must end PAID whatever late_payment says. Before the fix the
// order was closed at once and the on-time payment refunded (refund) or kept as a drop (reject).
TEST(Issue12, ExpiryCloseThatFindsAnOnTimePaymentPaysTheOrder) {
  for (LatePayment late : {LatePayment::kAccept, LatePayment::kRefund, LatePayment::kReject}) {
    SCOPED_TRACE(static_cast<int>(late));
    World world(expiring(Duration::seconds(100), late, /*close_at_channel=*/true));
    const reports::Report& r = world.run();
    ASSERT_GT(r.orders.charged, 100u);
    EXPECT_EQ(r.orders.paid, r.orders.charged);
    EXPECT_EQ(r.resolved_by.close, r.orders.paid);
    EXPECT_EQ(r.refunds.requested, 0u);
    EXPECT_EQ(r.dropped.final, 0u);
    expect_partition(r);
  }
}

// Item 1, the same rule without the close: the order closes locally at 120 s; the news of a
// payment made at 100 s arrives at 160 s (the channel's first callback is lost, its re-send 60 s
// later gets through). Paid in time: the order is re-opened and PAID, never refused as late.
TEST(Issue12, APaymentMadeBeforeTheDeadlineIsNeverTreatedAsLate) {
  Scenario s = expiring(Duration::seconds(100), LatePayment::kReject, /*close_at_channel=*/false);
  s.channels[0].callback.drop_probability = 0.0;
  s.channels[0].callback.delay = Distribution::fixed(Duration::seconds(60));
  World world(s);
  const reports::Report& r = world.run();
  ASSERT_GT(r.orders.charged, 100u);
  EXPECT_EQ(r.orders.paid, r.orders.charged);
  EXPECT_EQ(r.dropped.final, 0u);
  expect_partition(r);
}

// Item 1, the other side: paid at ~130 s, after the 120 s deadline, on a channel that cannot
// close trades. Only these follow late_payment: accepted, refunded, or kept (a drop).
TEST(Issue12, OnlyPaymentsAfterTheDeadlineFollowLatePayment) {
  for (LatePayment late : {LatePayment::kAccept, LatePayment::kRefund, LatePayment::kReject}) {
    SCOPED_TRACE(static_cast<int>(late));
    Scenario s = expiring(Duration::seconds(130), late, /*close_at_channel=*/true);
    s.channels[0].cancel.supported = false;
    s.channels[0].callback.drop_probability = 0.0;
    World world(s);
    const reports::Report& r = world.run();
    ASSERT_GT(r.orders.charged, 100u);
    EXPECT_EQ(r.orders.paid, late == LatePayment::kAccept ? r.orders.charged : 0u);
    EXPECT_EQ(r.orders.refunded, late == LatePayment::kRefund ? r.orders.charged : 0u);
    EXPECT_EQ(r.refunds.late_payment, late == LatePayment::kRefund ? r.orders.charged : 0u);
    EXPECT_EQ(r.dropped.final, late == LatePayment::kReject ? r.orders.charged : 0u);
    EXPECT_EQ(r.duplicates.refunds_issued, 0u)
        << "a late-payment refund is not a duplicate refund (item 7)";
    expect_partition(r);
  }
}

// Every notify fails for the first hour (the order service is down), with no sync retry and no
// MQ: every success is an internal drop (内部掉单).
Scenario internal_drops() {
  Scenario s = testing::minimal_scenario(2, Duration::minutes(5));
  s.system.order_service.outages.push_back({sim::Time(), Duration::hours(1)});
  s.system.notify.sync_retries = 0;
  s.system.notify.async_mq = false;
  return s;
}

// Item 2. The order asks about itself at 70 minutes (after the outage): the payment service
// knows the payment succeeded and notifies the order again. Before the fix the order query only
// re-queried payments still PAYING at the channel, so every order stayed dropped.
TEST(Issue12, OrderQueryRecoversAnInternalDrop) {
  Scenario s = internal_drops();
  s.system.order_service.order_timeout = Duration::zero();
  s.system.order_query.enabled = true;
  s.system.order_query.at_ages = {Duration::minutes(70)};
  World world(s);
  const reports::Report& r = world.run();
  ASSERT_GT(r.orders.charged, 300u);
  EXPECT_EQ(r.dropped.final, 0u);
  EXPECT_EQ(r.resolved_by.order_query, r.orders.charged);
  EXPECT_EQ(r.cost.channel_queries, 0u) << "the records knew: no channel query needed";
  expect_partition(r);
}

// Item 3. The same internal drops with the default 30-minute order timeout: the orders expire
// CLOSED while their payments are SUCCESS. Reconciliation every hour must put every one right
// (paid in time: the order re-opens PAID). Before the fix a SUCCESS payment on a CLOSED order
// was not a difference, and every order stayed dropped.
TEST(Issue12, ReconciliationPutsRightInternalDropsOnExpiredOrders) {
  Scenario s = internal_drops();
  s.system.compensation.reconciliation.enabled = true;
  s.system.compensation.reconciliation.every = Duration::hours(1);
  s.system.compensation.reconciliation.lag = Duration::minutes(10);
  World world(s);
  const reports::Report& r = world.run();
  ASSERT_GT(r.orders.charged, 300u);
  EXPECT_EQ(r.dropped.final, 0u);
  EXPECT_EQ(r.resolved_by.reconciliation, r.orders.charged);
  EXPECT_EQ(r.reconciliation.notifies_resent, r.orders.charged);
  EXPECT_EQ(r.reconciliation.runs, 1u)
      << "the run drains until a statement has covered every difference";
  expect_partition(r);
}

// Item 3, money held on a CLOSED order: late payments refused (late_payment: reject) keep the
// money, a drop; reconciliation, the last safety net, sends it back.
TEST(Issue12, ReconciliationRefundsMoneyHeldOnAClosedOrder) {
  Scenario s = expiring(Duration::seconds(130), LatePayment::kReject, /*close_at_channel=*/false);
  s.channels[0].callback.drop_probability = 0.0;
  s.system.compensation.reconciliation.enabled = true;
  s.system.compensation.reconciliation.every = Duration::hours(1);
  World world(s);
  const reports::Report& r = world.run();
  ASSERT_GT(r.orders.charged, 100u);
  EXPECT_EQ(r.dropped.final, 0u);
  EXPECT_EQ(r.orders.refunded, r.orders.charged);
  EXPECT_EQ(r.refunds.late_payment, r.orders.charged);
  EXPECT_EQ(r.reconciliation.refunds_requested + r.reconciliation.notifies_resent,
            r.orders.charged);
  expect_partition(r);
}

// Item 4. A card (sync) channel: half the users leave the card form, a fifth of the rest are
// declined. Before the fix pay_probability was ignored for sync channels and declined cards
// counted as abandoned. Binomial bounds at 5 sigma.
TEST(Issue12, CardOrdersFallIntoExactlyOneOutcomeClass) {
  Scenario s = testing::minimal_scenario(10, Duration::minutes(10));
  s.channels[0].mode = channels::ChannelMode::kSync;
  s.channels[0].success_probability = 0.8;
  s.user.pay_probability = 0.5;
  World world(s);
  const reports::Report& r = world.run();
  const double n = static_cast<double>(r.orders.created);
  ASSERT_GT(n, 5000);
  const auto within = [n](uint64_t count, double p) {
    return std::abs(static_cast<double>(count) - n * p) < 5 * std::sqrt(n * p * (1 - p));
  };
  EXPECT_TRUE(within(r.orders.abandoned, 0.5)) << r.orders.abandoned << " of " << n;
  EXPECT_TRUE(within(r.orders.failed, 0.5 * 0.2)) << r.orders.failed;
  EXPECT_TRUE(within(r.orders.paid, 0.5 * 0.8)) << r.orders.paid;
  EXPECT_EQ(r.orders.charged, r.orders.paid);
  EXPECT_EQ(r.resolved_by.sync, r.orders.paid);
  expect_partition(r);
}

// Items 5 and 8. Repeat clicks, a little callback loss, refund_duplicates and reconciliation every
// 10 minutes. Before the fix reconciliation kept the first success of the order, not the one that
// paid it, and refunded the paying one too (the order ended PAID with nothing charged, wrong
// refunds, exit 1), and it counted every fix as a resolution (resolved_by above orders.paid).
TEST(Issue12, ReconciliationNeverRefundsThePaymentThatPaidTheOrder) {
  for (double refund_failure : {0.0, 1.0}) {
    SCOPED_TRACE(refund_failure);
    Scenario s = testing::minimal_scenario(20, Duration::minutes(20));
    s.user.pay_delay = Distribution::exponential(Duration::seconds(20));
    s.user.repeat_click_probability = 0.3;
    s.user.pay_both_probability = 1.0;
    s.user.repay_if_unpaid_probability = 0.5;
    s.channels[0].callback.drop_probability = 0.05;
    s.channels[0].refund.failure_probability = refund_failure;
    s.system.dedup.refund_duplicates = true;
    s.system.compensation.reconciliation.enabled = true;
    s.system.compensation.reconciliation.every = Duration::minutes(10);
    s.system.compensation.reconciliation.lag = Duration::minutes(1);
    World world(s);
    const reports::Report& r = world.run();
    ASSERT_GT(r.duplicates.charged_orders, 100u);
    EXPECT_EQ(r.duplicates.wrong_refunds, 0u);
    EXPECT_GT(r.reconciliation.payments_found, 0u);
    if (refund_failure == 0.0) {
      EXPECT_EQ(r.duplicates.unresolved, 0u);
      EXPECT_EQ(r.dropped.final, 0u);
    } else {
      EXPECT_EQ(r.refunds.gave_up, r.refunds.requested) << "every refund fails for good";
    }
    expect_partition(r);
  }
}

// Item 6. Compare-and-set alone: the order is paid (its payment SUCCESS) but the user, shown
// "unpaid" by a slow notify, pays again. The storage guard must refuse a second payment on a
// paid order, as `INSERT ... WHERE NOT EXISTS` an active or successful payment does. Before the
// fix it only refused while a payment was in flight.
TEST(Issue12, CompareAndSetRefusesASecondPaymentOnAPaidOrder) {
  Scenario s = testing::minimal_scenario(2, Duration::minutes(5));
  s.user.repay_if_unpaid_probability = 1.0;
  s.user.repay_delay = Distribution::fixed(Duration::seconds(1));
  s.system.order_service.notify_latency = Distribution::fixed(Duration::seconds(60));  // PAID late
  s.system.dedup.check_paid = false;  // the read-side guard off: only compare-and-set stands
  s.system.dedup.compare_and_set = true;
  World world(s);
  const reports::Report& r = world.run();
  ASSERT_GT(r.orders.charged, 300u);
  EXPECT_EQ(world.channel(0).stats().creates, r.orders.created) << "one payment per order";
  EXPECT_EQ(r.duplicates.charged_orders, 0u);
  expect_partition(r);
}

// PaymentState::kCancelled is what cancel_in_flight leaves: a payment closed at our request to
// make way for a new one (the channel calls it closed either way). It was never set before.
TEST(Issue12, CancelInFlightCancelsThePaymentItReplaces) {
  Scenario s = testing::minimal_scenario(2, Duration::minutes(2));
  s.user.repeat_click_probability = 1.0;
  s.user.repeat_click_gap = Distribution::fixed(Duration::seconds(1));
  s.system.dedup.cancel_in_flight = true;
  struct CountStates final : sut::SystemObserver {
    uint64_t cancelled = 0, closed = 0;
    void on_payment_state(const sut::PaymentRecord& record, sut::PaymentState, sut::Resolution,
                          sim::Time) override {
      cancelled += record.state == sut::PaymentState::kCancelled;
      closed += record.state == sut::PaymentState::kClosed;
    }
  } states;
  World world(s, nullptr, &states);
  const reports::Report& r = world.run();
  ASSERT_GT(r.orders.created, 100u);
  EXPECT_EQ(world.channel(0).stats().closes, r.orders.created);
  EXPECT_EQ(states.cancelled, r.orders.created) << "every first payment made way for the second";
  EXPECT_EQ(states.closed, 0u);
  EXPECT_EQ(r.duplicates.charged_orders, 0u);
  expect_partition(r);
}

}  // namespace
}  // namespace harness
