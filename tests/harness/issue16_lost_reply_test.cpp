// Issue 16 item 10: a sync charge whose answer is lost (channels[].create_reply_loss_probability).
// The bank took the money, the payment service heard only a timeout. Checked against ground
// truth: the channel's count of lost answers (each one a charge, the channel's ledger) and the
// drops the report derives from the ledger.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "harness/scenario_loader.h"
#include "harness/world.h"
#include "test_scenarios.h"

namespace harness {
namespace {

using sim::Duration;
using PendingRow = sut::CompensationConfig::PendingRow;

constexpr double kLossProbability = 0.05;

// Every order pays once by card, every charge succeeds, nobody pays again: each lost answer is
// one charged order that only a re-query can find.
Scenario card_with_lost_answers(sut::Strategy strategy, PendingRow row) {
  Scenario s = testing::minimal_scenario(20, Duration::minutes(10));
  s.channels[0].mode = channels::ChannelMode::kSync;
  s.channels[0].create_reply_loss_probability = kLossProbability;
  s.system.compensation.strategy = strategy;
  s.system.compensation.polling.interval = Duration::seconds(10);
  s.system.compensation.pending_row = row;
  return s;
}

struct Outcome {
  reports::Report report;
  uint64_t creates = 0;
  uint64_t lost = 0;
  uint64_t charges = 0;
};

Outcome run(const Scenario& s) {
  World world(s);
  Outcome outcome{world.run()};
  outcome.creates = world.channel(0).stats().creates;
  outcome.lost = world.channel(0).stats().create_replies_lost;
  outcome.charges = world.ledger().total_charges();
  EXPECT_EQ(outcome.report.invariants.violations, 0u);
  // The measured numbers, in the test's XML output (--gtest_output=xml).
  ::testing::Test::RecordProperty("creates", std::to_string(outcome.creates));
  ::testing::Test::RecordProperty("replies_lost", std::to_string(outcome.lost));
  ::testing::Test::RecordProperty("dropped_final", std::to_string(outcome.report.dropped.final));
  return outcome;
}

TEST(LostCreateReply, LostAboutPOfTheCreatesAndEachHadCharged) {
  const Outcome o = run(card_with_lost_answers(sut::Strategy::kNone, PendingRow::kBeforeCall));
  ASSERT_GT(o.creates, 10'000u);
  const double n = static_cast<double>(o.creates);
  EXPECT_NEAR(static_cast<double>(o.lost) / n, kLossProbability,
              4 * std::sqrt(kLossProbability * (1 - kLossProbability) / n));
  // Ground truth: one charge per create, lost answer or not.
  EXPECT_EQ(o.charges, o.creates);
  EXPECT_EQ(o.report.orders.charged, o.creates);
}

TEST(LostCreateReply, WithoutReQueriesEveryLostAnswerIsAnExternalDrop) {
  const Outcome o = run(card_with_lost_answers(sut::Strategy::kNone, PendingRow::kBeforeCall));
  EXPECT_GT(o.lost, 0u);
  EXPECT_EQ(o.report.dropped.final, o.lost);
  EXPECT_EQ(o.report.dropped.final_external, o.lost);
  EXPECT_EQ(o.report.orders.paid + o.lost, o.report.orders.created);
}

TEST(LostCreateReply, RowsWrittenOnAcceptedNeverReQueryALostAnswer) {
  // Polling runs, but a sync payment enters the pending table only with an answer.
  const Outcome o = run(card_with_lost_answers(sut::Strategy::kPolling, PendingRow::kOnAccepted));
  EXPECT_GT(o.lost, 0u);
  EXPECT_EQ(o.report.dropped.final, o.lost);
  EXPECT_EQ(o.report.resolved_by.polling, 0u);
}

TEST(LostCreateReply, RowsWrittenBeforeTheCallFindEveryLostAnswer) {
  const Outcome o = run(card_with_lost_answers(sut::Strategy::kPolling, PendingRow::kBeforeCall));
  EXPECT_GT(o.lost, 0u);
  EXPECT_EQ(o.report.dropped.final, 0u);
  EXPECT_EQ(o.report.resolved_by.polling, o.lost);
  EXPECT_EQ(o.report.orders.paid, o.report.orders.created);
}

TEST(LostCreateReply, AProbabilityOutOfRangeIsAnErrorWithItsPlace) {
  const LoadResult result = load_scenario_text(
      "channels:\n  - {name: card, mode: sync, create_reply_loss_probability: 1.5}\n", "bad.yaml");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].to_string(),
            "bad.yaml:2:61: channels[card].create_reply_loss_probability: probability must be in "
            "[0, 1], got 1.5");
}

}  // namespace
}  // namespace harness
