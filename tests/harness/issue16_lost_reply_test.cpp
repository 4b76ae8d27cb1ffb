// Issue 16 item 10: a sync charge whose answer is lost (channels[].create_reply_loss_probability).
// The bank took the money, the payment service heard only a timeout. Checked against ground
// truth: the channel's count of lost answers (each one a charge, the channel's ledger) and the
// drops the report derives from the ledger.
//
// Issue 16 item 11: idempotency keys (Stripe). The payment service retries a create whose answer
// was lost (system.create_retry); with the payment's idempotency key the channel answers a retry
// with the first create's result, without it every retry is a new charge. Checked against the
// ledger and the closed form: with answers lost with p and two retries, an order is charged more
// than once exactly when its first answer was lost (p), and the extra charges number p + p^2 per
// order.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
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

// ---- item 11: retried creates, with and without the idempotency key -----------------------------

constexpr double kRetriedLossProbability = 0.1;
constexpr int kRetries = 2;

// Every create the channel acts on charges, unless it replays an earlier one.
Scenario card_retried(bool idempotency_key) {
  Scenario s = card_with_lost_answers(sut::Strategy::kNone, PendingRow::kBeforeCall);
  s.channels[0].create_reply_loss_probability = kRetriedLossProbability;
  s.system.create_retry.retries = kRetries;
  s.system.create_retry.backoff = Duration::seconds(1);
  s.system.create_retry.idempotency_key = idempotency_key;
  return s;
}

// `count` of `n` is about n·p, within four standard deviations.
void expect_about(uint64_t count, uint64_t n, double p) {
  const double mean = static_cast<double>(n) * p;
  EXPECT_NEAR(static_cast<double>(count), mean, 4 * std::sqrt(mean * (1 - p)))
      << count << " of " << n << ", expected about " << mean;
}

TEST(IdempotencyKey, WithoutAKeyEveryRetryAfterALostAnswerChargesAgain) {
  const Outcome o = run(card_retried(false));
  const uint64_t orders = o.report.orders.created;
  ASSERT_GT(orders, 10'000u);
  // Ground truth: every create charged, retries included.
  EXPECT_EQ(o.charges, o.creates);
  const double p = kRetriedLossProbability;
  expect_about(o.charges - orders, orders, p + p * p);
  expect_about(o.report.duplicates.charged_orders, orders, p);
  // Nothing refunds them: every duplicate stays charged twice or more.
  EXPECT_EQ(o.report.duplicates.unresolved, o.report.duplicates.charged_orders);
  // The answer of a retry says SUCCESS: the order is PAID, unless all three answers were lost.
  expect_about(o.report.dropped.final, orders, std::pow(p, kRetries + 1));
  ::testing::Test::RecordProperty("duplicates", std::to_string(o.report.duplicates.charged_orders));
  ::testing::Test::RecordProperty("extra_charges", std::to_string(o.charges - orders));
}

TEST(IdempotencyKey, WithTheKeyARetryReplaysTheFirstChargeAndChargesNothing) {
  const Outcome o = run(card_retried(true));
  const uint64_t orders = o.report.orders.created;
  ASSERT_GT(orders, 10'000u);
  EXPECT_GT(o.creates, orders + orders / 20) << "the retries were sent";
  EXPECT_EQ(o.charges, orders);
  EXPECT_EQ(o.report.duplicates.charged_orders, 0u);
  expect_about(o.report.dropped.final, orders, std::pow(kRetriedLossProbability, kRetries + 1));
  EXPECT_EQ(o.report.orders.paid + o.report.dropped.final, orders);
}

TEST(IdempotencyKey, WithoutRetriesALostAnswerIsADropNotADuplicate) {
  Scenario s = card_retried(false);
  s.system.create_retry.retries = 0;
  const Outcome o = run(s);
  EXPECT_EQ(o.creates, o.report.orders.created);
  EXPECT_EQ(o.charges, o.creates);
  EXPECT_EQ(o.report.duplicates.charged_orders, 0u);
  EXPECT_EQ(o.report.dropped.final, o.lost);
}

// Counts, per payment, how many times the system reported it moving to PAYING.
struct PayingMoves final : sut::SystemObserver {
  void on_payment_state(const sut::PaymentRecord& record, sut::PaymentState, sut::Resolution,
                        sim::Time) override {
    if (record.state == sut::PaymentState::kPaying) ++moves[record.id];
  }
  std::map<uint64_t, int> moves;
};

// Found by paysim swarm once it drew system.create_retry on async channels (seed 6, shrunk with
// paysim shrink to these two keys): a create whose answer was lost leaves the payment PAYING, and
// the retry's "pending" answer reported a move PAYING -> PAYING, which the invariant check counts
// as a broken state machine. A payment moves to PAYING once, whichever create answered.
TEST(LostCreateReply, ARetriedCreateOnAnAsyncChannelMovesThePaymentToPayingOnce) {
  for (const PendingRow row : {PendingRow::kBeforeCall, PendingRow::kOnAccepted}) {
    Scenario s = testing::minimal_scenario(20, Duration::minutes(10));
    s.channels[0].create_reply_loss_probability = 0.1;
    s.system.create_retry.retries = 2;
    s.system.compensation.strategy = sut::Strategy::kDelayMessage;
    s.system.compensation.pending_row = row;
    PayingMoves paying;
    World world(s, nullptr, &paying);
    const reports::Report& report = world.run();
    EXPECT_EQ(report.invariants.violations, 0u);
    EXPECT_GT(world.channel(0).stats().create_replies_lost, 100u);
    ASSERT_FALSE(paying.moves.empty());
    for (const auto& [payment, moves] : paying.moves) {
      ASSERT_EQ(moves, 1) << "payment " << payment;
    }
    // Nothing stays dropped: every accepted payment entered the re-query schedule once.
    EXPECT_EQ(report.dropped.final, 0u);
  }
}

TEST(LostCreateReply, AProbabilityOutOfRangeIsAnErrorWithItsPlace) {
  const LoadResult result = load_scenario_text(
      "channels:\n  - {name: card, mode: sync, create_reply_loss_probability: 1.5}\n", "bad.yaml");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].to_string(),
            "bad.yaml:2:61: channels[card].create_reply_loss_probability: probability must be in "
            "[0, 1], got 1.5");
}

TEST(IdempotencyKey, RetriesOutOfRangeAreAnErrorWithTheirPlace) {
  const LoadResult result = load_scenario_text(
      "channels: [{name: card}]\nsystem:\n  create_retry: {retries: 101, idempotency_key: maybe}\n",
      "bad.yaml");
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_EQ(result.errors[0].to_string(),
            "bad.yaml:3:27: system.create_retry.retries: must be at most 100, got 101");
  EXPECT_EQ(
      result.errors[1].to_string(),
      "bad.yaml:3:49: system.create_retry.idempotency_key: expected true or false, got 'maybe'");
}

}  // namespace
}  // namespace harness
