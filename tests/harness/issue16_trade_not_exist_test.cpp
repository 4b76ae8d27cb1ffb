// Issue 16 item 7: "trade does not exist" before the user opens the wallet (Alipay, before the QR
// code is scanned), and strategies that mark a payment FAILED on that answer or when their query
// schedule runs out (Hyperswitch). The user then pays after all, and the charge lands on a FAILED
// payment: a drop unless a guard catches it (the closed-loop refund, a late acceptance,
// reconciliation).
//
// Two channels split the users in half: on `fast` every user pays 5 s after the code is shown, on
// `slow` 60 s after. The one re-query goes out 20 s after the payment is created, so it finds
// every fast payment paid and every slow one unscanned (or still pending). Ground truth is the
// channels' own counts (charges per channel, NOT_FOUND answers) and the ledger: every slow
// charge is the one the strategy's decision affects, and the report must account for each.
#include <gtest/gtest.h>

#include <string>

#include "harness/world.h"
#include "test_scenarios.h"

namespace harness {
namespace {

using sim::Distribution;
using sim::Duration;
using sut::CompensationConfig;
using OnNotFound = CompensationConfig::OnNotFound;
using OnExhausted = CompensationConfig::OnExhausted;
using SuccessAfterFailed = CompensationConfig::SuccessAfterFailed;

Scenario fast_and_slow_payers(bool not_found_before_scan) {
  Scenario s = testing::minimal_scenario(20, Duration::minutes(10));
  channels::ChannelConfig slow = s.channels[0];
  s.channels[0].name = "fast";
  s.channels[0].share = 0.5;
  s.channels[0].has_pay_delay = true;
  s.channels[0].pay_delay = Distribution::fixed(Duration::seconds(5));
  slow.name = "slow";
  slow.share = 0.5;
  slow.has_pay_delay = true;
  slow.pay_delay = Distribution::fixed(Duration::seconds(60));
  s.channels.push_back(slow);
  for (channels::ChannelConfig& channel : s.channels) {
    channel.query.not_found_before_scan = not_found_before_scan;
  }
  s.system.compensation.strategy = sut::Strategy::kDelayMessage;
  s.system.compensation.delay_message.schedule = {Duration::seconds(20)};
  return s;
}

struct Outcome {
  reports::Report report;
  uint64_t fast_charges = 0;
  uint64_t slow_charges = 0;
  uint64_t not_found_answers = 0;
  uint64_t refunds = 0;
};

Outcome run(const Scenario& s) {
  World world(s);
  Outcome o{world.run()};
  o.fast_charges = world.channel(0).stats().charges;
  o.slow_charges = world.channel(1).stats().charges;
  o.not_found_answers =
      world.channel(0).stats().queries_not_scanned + world.channel(1).stats().queries_not_scanned;
  o.refunds = world.ledger().total_refunds();
  const reports::Report& r = o.report;
  EXPECT_EQ(r.invariants.violations, 0u);
  // Every user pays once and every payment succeeds: one charge per order.
  EXPECT_EQ(o.fast_charges + o.slow_charges, r.orders.created);
  EXPECT_EQ(r.orders.charged, r.orders.created);
  EXPECT_GT(o.fast_charges, 4'000u);
  EXPECT_GT(o.slow_charges, 4'000u);
  // The measured numbers, in the test's XML output (--gtest_output=xml).
  ::testing::Test::RecordProperty("orders", std::to_string(r.orders.created));
  ::testing::Test::RecordProperty("slow_charges", std::to_string(o.slow_charges));
  ::testing::Test::RecordProperty("not_found_answers", std::to_string(o.not_found_answers));
  ::testing::Test::RecordProperty("dropped_final", std::to_string(r.dropped.final));
  ::testing::Test::RecordProperty("refunds", std::to_string(o.refunds));
  return o;
}

Scenario marked_failed_on_not_found(SuccessAfterFailed policy) {
  Scenario s = fast_and_slow_payers(true);
  s.system.compensation.on_not_found = OnNotFound::kMarkFailed;
  s.system.compensation.success_after_failed = policy;
  return s;
}

TEST(TradeNotExist, EveryUnscannedTradeIsAnsweredNotFoundAndWaitingPaysEveryOrder) {
  const Outcome o = run(fast_and_slow_payers(true));
  // One delay query per slow payment, and the fast ones were paid (scanned) before theirs.
  EXPECT_EQ(o.not_found_answers, o.slow_charges);
  EXPECT_EQ(o.report.orders.paid, o.report.orders.created);
  EXPECT_EQ(o.refunds, 0u);
}

TEST(TradeNotExist, MarkedFailedAndTheLateSuccessIgnoredEverySlowChargeIsADrop) {
  const Outcome o = run(marked_failed_on_not_found(SuccessAfterFailed::kIgnore));
  EXPECT_EQ(o.not_found_answers, o.slow_charges);
  EXPECT_EQ(o.report.dropped.final, o.slow_charges);
  // The records hold no SUCCESS for them: the payment service never took the channel's word.
  EXPECT_EQ(o.report.dropped.final_external, o.slow_charges);
  EXPECT_EQ(o.report.orders.paid, o.fast_charges);
  EXPECT_EQ(o.refunds, 0u);
}

TEST(TradeNotExist, MarkedFailedTheClosedLoopRefundsEverySlowCharge) {
  const Outcome o = run(marked_failed_on_not_found(SuccessAfterFailed::kRefund));
  EXPECT_EQ(o.report.dropped.final, 0u);
  EXPECT_EQ(o.refunds, o.slow_charges);
  EXPECT_EQ(o.report.orders.refunded, o.slow_charges);
  EXPECT_EQ(o.report.orders.paid, o.fast_charges);
}

TEST(TradeNotExist, MarkedFailedALateAcceptancePaysEveryOrder) {
  const Outcome o = run(marked_failed_on_not_found(SuccessAfterFailed::kAccept));
  EXPECT_EQ(o.report.dropped.final, 0u);
  EXPECT_EQ(o.refunds, 0u);
  EXPECT_EQ(o.report.orders.paid, o.report.orders.created);
}

TEST(TradeNotExist, ReconciliationRefundsWhatIgnoringLeft) {
  Scenario s = marked_failed_on_not_found(SuccessAfterFailed::kIgnore);
  s.system.compensation.reconciliation.enabled = true;
  s.system.compensation.reconciliation.every = Duration::minutes(30);
  const Outcome o = run(s);
  EXPECT_EQ(o.report.dropped.final, 0u);
  EXPECT_EQ(o.refunds, o.slow_charges);
  EXPECT_EQ(o.report.orders.paid, o.fast_charges);
}

TEST(QueryScheduleExhausted, MarkedFailedOnTheLastQueryEverySlowChargeIsADropWhenIgnored) {
  // No NOT_FOUND answers here: the slow trades answer PENDING, and the schedule (one query) ends.
  Scenario s = fast_and_slow_payers(false);
  s.system.compensation.on_exhausted = OnExhausted::kMarkFailed;
  s.system.compensation.success_after_failed = SuccessAfterFailed::kIgnore;
  const Outcome o = run(s);
  EXPECT_EQ(o.not_found_answers, 0u);
  EXPECT_EQ(o.report.dropped.final, o.slow_charges);
  EXPECT_EQ(o.report.orders.paid, o.fast_charges);
}

TEST(QueryScheduleExhausted, GivenUpWithoutMarkingTheCallbackStillPaysEveryOrder) {
  Scenario s = fast_and_slow_payers(false);
  s.system.compensation.success_after_failed = SuccessAfterFailed::kIgnore;
  const Outcome o = run(s);
  EXPECT_EQ(o.report.dropped.final, 0u);
  EXPECT_EQ(o.report.orders.paid, o.report.orders.created);
}

}  // namespace
}  // namespace harness
