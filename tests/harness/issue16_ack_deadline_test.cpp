// Issue 16 item 6: the acknowledgement deadline. WeChat Pay wants a callback acknowledged within
// 5 s, Adyen within 10 s (DOMAIN.md); a slower handler makes the channel send it again on its
// schedule. The handler's time is exponential with mean m and the deadline d: an attempt
// acknowledged after processing is late with q = exp(-(d - step)/m), independently per attempt
// (keyed draws), so an order whose channel allows k re-sends sees q + q^2 + ... + q^(k+1) late
// acknowledgements and 1 + q + ... + q^k attempts on average. Checked against the channel's own
// counts (what it sent, what it ignored); the duplicate deliveries must never become duplicate
// payments or drops. Acknowledging on receipt (Adyen: "acknowledge, then process") is never late,
// and pays for it in a crash: the callbacks being handled die with the process and the channel,
// which saw them acknowledged, never sends them again.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "harness/world.h"
#include "test_scenarios.h"

namespace harness {
namespace {

using sim::Distribution;
using sim::Duration;
using Ack = sut::CallbackConfig::Ack;

constexpr double kHandlingMeanS = 2.0;
constexpr double kDeadlineS = 5.0;
constexpr double kStepS = 0.005;  // the one service step between the handler's time and its answer
constexpr int kResends = 3;

Scenario slow_handler(Ack ack) {
  Scenario s = testing::minimal_scenario(20, Duration::minutes(10));
  s.system.payment_service.callback_handling =
      Distribution::exponential(Duration::seconds(kHandlingMeanS));
  s.system.callback.ack = ack;
  s.channels[0].callback.ack_deadline = Duration::seconds(kDeadlineS);
  s.channels[0].callback.retries = {Duration::seconds(15), Duration::seconds(15),
                                    Duration::seconds(30)};
  return s;
}

struct Outcome {
  reports::Report report;
  channels::ChannelStats channel;
};

Outcome run(const Scenario& s) {
  World world(s);
  Outcome outcome{world.run(), world.channel(0).stats()};
  const reports::Report& r = outcome.report;
  EXPECT_EQ(r.invariants.violations, 0u);
  EXPECT_EQ(r.duplicates.charged_orders, 0u);
  EXPECT_EQ(r.cost.late_acks, outcome.channel.acks_late);
  // The measured numbers, in the test's XML output (--gtest_output=xml).
  ::testing::Test::RecordProperty("orders", std::to_string(r.orders.created));
  ::testing::Test::RecordProperty("late_acks", std::to_string(r.cost.late_acks));
  ::testing::Test::RecordProperty("callbacks_sent", std::to_string(outcome.channel.callbacks_sent));
  ::testing::Test::RecordProperty("dropped_final", std::to_string(r.dropped.final));
  return outcome;
}

// `count` is about `mean`, within four standard deviations of a count whose variance is at most
// 1.3 times its mean (a geometric number of late answers per order, q < 0.25).
void expect_about(uint64_t count, double mean) {
  EXPECT_NEAR(static_cast<double>(count), mean, 4 * std::sqrt(1.3 * mean))
      << count << ", expected about " << mean;
}

TEST(AckDeadline, ASlowHandlerIsSentTheCallbackAgainAsOftenAsItIsLate) {
  const Outcome o = run(slow_handler(Ack::kAfterProcessing));
  const double orders = static_cast<double>(o.report.orders.created);
  ASSERT_GT(orders, 10'000);
  // Re-sent callbacks are absorbed: every order paid once, nothing dropped.
  EXPECT_EQ(o.report.orders.paid, o.report.orders.created);
  EXPECT_EQ(o.report.dropped.final, 0u);
  const double q = std::exp(-(kDeadlineS - kStepS) / kHandlingMeanS);
  double late_per_order = 0;
  double sent_per_order = 0;
  for (int k = 0; k <= kResends; ++k) {
    sent_per_order += std::pow(q, k);
    late_per_order += std::pow(q, k + 1);
  }
  expect_about(o.report.cost.late_acks, orders * late_per_order);
  expect_about(o.channel.callbacks_sent - o.report.orders.created, orders * (sent_per_order - 1));
  ::testing::Test::RecordProperty("late_acks_expected", std::to_string(orders * late_per_order));
}

TEST(AckDeadline, WithoutADeadlineOnlyAHandlerSlowerThanTheFirstGapIsSentItAgain) {
  Scenario s = slow_handler(Ack::kAfterProcessing);
  s.channels[0].callback.ack_deadline = Duration::zero();
  const Outcome o = run(s);
  EXPECT_EQ(o.report.cost.late_acks, 0u);
  // Still unanswered when the re-send falls due 15 s later: P = exp(-(15 - step)/m), ~6 orders.
  const double orders = static_cast<double>(o.report.orders.created);
  expect_about(o.channel.callbacks_sent - o.report.orders.created,
               orders * std::exp(-(15.0 - kStepS) / kHandlingMeanS));
}

TEST(AckDeadline, AcknowledgedOnReceiptEveryCallbackIsSentOnce) {
  const Outcome o = run(slow_handler(Ack::kOnReceipt));
  EXPECT_EQ(o.report.cost.late_acks, 0u);
  EXPECT_EQ(o.channel.callbacks_sent, o.report.orders.created);
  EXPECT_EQ(o.report.orders.paid, o.report.orders.created);
}

// A crash at 5m (up again 10 s later). Nothing re-queries: only the channel's re-sends can bring a
// callback the crash lost back.
Scenario crash_while_handling(Ack ack) {
  Scenario s = slow_handler(ack);
  s.channels[0].callback.ack_deadline = Duration::zero();
  s.system.payment_service.crashes = {
      {sim::Time::zero() + Duration::minutes(5), Duration::seconds(10)}};
  return s;
}

TEST(AckDeadline, AcknowledgedOnReceiptACrashLosesTheCallbacksBeingHandled) {
  const Outcome o = run(crash_while_handling(Ack::kOnReceipt));
  // Callbacks that arrived within the handler's time before the crash: 20/s over about 2 s.
  EXPECT_GT(o.report.dropped.final, 10u);
  EXPECT_LT(o.report.dropped.final, 100u);
  EXPECT_EQ(o.report.dropped.final_external, o.report.dropped.final);
}

TEST(AckDeadline, AcknowledgedAfterProcessingTheChannelResendsWhatTheCrashLost) {
  const Outcome o = run(crash_while_handling(Ack::kAfterProcessing));
  EXPECT_EQ(o.report.dropped.final, 0u);
  EXPECT_EQ(o.report.orders.paid, o.report.orders.charged);
  EXPECT_GT(o.channel.callbacks_sent, o.report.orders.charged) << "the lost ones were re-sent";
}

}  // namespace
}  // namespace harness
