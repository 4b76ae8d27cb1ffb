// Issue 16 item 9: refunds that are accepted, finish later, and may fail. A channel answers a
// refund call "accepted" and gives the money back `completion_delay` later, or fails it with
// probability p (DOMAIN.md: "Refunds are requests: the response means accepted, the result must
// be queried; retry with the same refund number"). A refund job that takes "accepted" for done
// leaves every failed refund's money with the shop while its records say REFUNDED; one that
// confirms (asks the same refund again, or reads the refund notice) starts each failed refund over
// until the money is back.
//
// Every order here is paid twice (a repeat click, both QR codes paid) and the second success is
// refunded (`refund_duplicates`), so each order needs exactly one refund that reaches the ledger.
// Ground truth is the ledger (duplicates.unresolved counts orders still holding two charges) and
// the channel's own counts: refunds accepted, finished, failed later, and refund calls.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "harness/scenario_loader.h"
#include "harness/world.h"
#include "test_scenarios.h"

namespace harness {
namespace {

using sim::Distribution;
using sim::Duration;
using OnAccepted = sut::RefundConfig::OnAccepted;

constexpr double kFailure = 0.2;

Scenario paid_twice_refunded_later(OnAccepted on_accepted, double failure = kFailure) {
  Scenario s = testing::minimal_scenario(20, Duration::minutes(10));
  s.user.repeat_click_probability = 1.0;
  s.user.pay_both_probability = 1.0;
  s.system.dedup.refund_duplicates = true;
  s.system.refund.on_accepted = on_accepted;
  channels::RefundProfile& refund = s.channels[0].refund;
  refund.completion_delay = Distribution::fixed(Duration::seconds(30));
  refund.completion_failure_probability = failure;
  return s;
}

struct Outcome {
  reports::Report report;
  channels::ChannelStats channel;
  uint64_t ledger_refunds = 0;
};

Outcome run(const Scenario& s) {
  World world(s);
  Outcome o{world.run(), world.channel(0).stats(), world.ledger().total_refunds()};
  const reports::Report& r = o.report;
  EXPECT_EQ(r.invariants.violations, 0u);
  // Every order was charged twice and one refund was asked for each.
  EXPECT_GT(r.orders.created, 10'000u);
  EXPECT_EQ(r.duplicates.charged_orders, r.orders.created);
  EXPECT_EQ(r.refunds.duplicate, r.orders.created);
  EXPECT_EQ(r.refunds.gave_up, 0u);
  // The channel's own books: every accepted refund finished one way or the other, and only the
  // ones that gave money back are in the ledger.
  EXPECT_EQ(o.channel.refunds_accepted,
            o.channel.refunds_completed + o.channel.refunds_failed_later);
  EXPECT_EQ(o.ledger_refunds, o.channel.refunds_completed);
  // The report's duplicates agree with the ledger: an order is resolved when its money came back.
  EXPECT_EQ(r.duplicates.refunded + r.duplicates.unresolved, r.duplicates.charged_orders);
  EXPECT_EQ(r.duplicates.refunded, o.ledger_refunds);
  // The measured numbers, in the test's XML output (--gtest_output=xml).
  ::testing::Test::RecordProperty("orders", std::to_string(r.orders.created));
  ::testing::Test::RecordProperty("refunds_accepted", std::to_string(o.channel.refunds_accepted));
  ::testing::Test::RecordProperty("refunds_failed_later",
                                  std::to_string(o.channel.refunds_failed_later));
  ::testing::Test::RecordProperty("refund_calls", std::to_string(o.channel.refunds));
  ::testing::Test::RecordProperty("duplicates_unresolved", std::to_string(r.duplicates.unresolved));
  return o;
}

// `count` is within four standard deviations of a binomial(n, p) count.
void expect_binomial(uint64_t count, double n, double p) {
  EXPECT_NEAR(static_cast<double>(count), n * p, 4 * std::sqrt(n * p * (1 - p)))
      << count << ", expected about " << n * p;
}

TEST(RefundAccepted, TrustingAcceptedLeavesEveryRefundThatFailedLaterUnrefunded) {
  const Outcome o = run(paid_twice_refunded_later(OnAccepted::kTrust));
  const double orders = static_cast<double>(o.report.orders.created);
  // One refund per order, never asked again: each fails with p, and each failure is an order
  // still charged twice, although the records call its second payment REFUNDED.
  EXPECT_EQ(o.channel.refunds_accepted, o.report.orders.created);
  EXPECT_EQ(o.channel.refunds, o.report.orders.created);
  expect_binomial(o.channel.refunds_failed_later, orders, kFailure);
  EXPECT_EQ(o.report.duplicates.unresolved, o.channel.refunds_failed_later);
  EXPECT_GT(o.report.duplicates.unresolved, 0u);
}

TEST(RefundAccepted, TrustingAcceptedIsHarmlessWhileNoRefundFails) {
  const Outcome o = run(paid_twice_refunded_later(OnAccepted::kTrust, 0.0));
  EXPECT_EQ(o.channel.refunds_failed_later, 0u);
  EXPECT_EQ(o.report.duplicates.unresolved, 0u);
  EXPECT_EQ(o.ledger_refunds, o.report.orders.created);
}

TEST(RefundAccepted, ConfirmingStartsEveryFailedRefundOverUntilTheMoneyIsBack) {
  const Outcome o = run(paid_twice_refunded_later(OnAccepted::kConfirm));
  const double orders = static_cast<double>(o.report.orders.created);
  EXPECT_EQ(o.report.duplicates.unresolved, 0u);
  EXPECT_EQ(o.ledger_refunds, o.report.orders.created);
  // Tries per refund are geometric: p / (1 - p) failures per order on average.
  const double failures = orders * kFailure / (1 - kFailure);
  EXPECT_NEAR(static_cast<double>(o.channel.refunds_failed_later), failures,
              4 * std::sqrt(failures / (1 - kFailure)));
  EXPECT_EQ(o.channel.refunds_accepted, o.report.orders.created + o.channel.refunds_failed_later);
  // The job learns each result by asking again a minute later (the refund finishes in 30 s): one
  // call per try, and one more that answers "already refunded".
  EXPECT_EQ(o.channel.refunds, o.channel.refunds_accepted + o.report.orders.created);
}

TEST(RefundAccepted, ConfirmingByTheRefundNoticeSavesTheLastCall) {
  Scenario s = paid_twice_refunded_later(OnAccepted::kConfirm);
  s.channels[0].refund.notify = true;
  const Outcome o = run(s);
  EXPECT_EQ(o.report.duplicates.unresolved, 0u);
  EXPECT_EQ(o.ledger_refunds, o.report.orders.created);
  EXPECT_EQ(o.channel.refund_notices_sent, o.channel.refunds_accepted);
  // A notice of success ends the refund; a failure is started over by the next check.
  EXPECT_EQ(o.channel.refunds, o.channel.refunds_accepted);
}

TEST(RefundAccepted, ConfirmingWithEveryNoticeLostFallsBackOnAskingAgain) {
  Scenario s = paid_twice_refunded_later(OnAccepted::kConfirm);
  s.channels[0].refund.notify = true;
  s.channels[0].refund.notify_drop_probability = 1.0;
  const Outcome o = run(s);
  EXPECT_EQ(o.channel.refund_notices_dropped, o.channel.refund_notices_sent);
  EXPECT_EQ(o.report.duplicates.unresolved, 0u);
  EXPECT_EQ(o.channel.refunds, o.channel.refunds_accepted + o.report.orders.created);
}

TEST(RefundAccepted, KeysThatNeedARefundFinishingLaterAreRefusedWithoutOne) {
  const LoadResult loaded =
      load_scenario_text("channels:\n  - name: a\n    refund: {notify: true}\n", "refund.yaml");
  ASSERT_EQ(loaded.errors.size(), 1u);
  const ScenarioError& error = loaded.errors[0];
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.column, 13);
  EXPECT_EQ(error.key_path, "channels[a].refund");
  EXPECT_NE(error.message.find("need a refund.completion_delay"), std::string::npos)
      << error.to_string();
  EXPECT_TRUE(load_scenario_text("channels:\n  - name: a\n    refund: {notify: true, "
                                 "completion_delay: 1m}\n",
                                 "refund.yaml")
                  .ok());
}

}  // namespace
}  // namespace harness
