// The pipeline against analytic results: drops without compensation, channel re-sends, sync
// channels, polling and delay-message latencies, and the ledger as ground truth.
#include <gtest/gtest.h>

#include <cmath>

#include "harness/run.h"
#include "harness/world.h"
#include "reports/json_writer.h"
#include "test_scenarios.h"

namespace harness {
namespace {

using sim::Distribution;
using sim::Duration;
using testing::minimal_scenario;

// Binomial tolerance: `sigmas` standard deviations of a proportion p over n trials.
double tolerance(double p, double n, double sigmas = 4.0) {
  return sigmas * std::sqrt(p * (1 - p) / n);
}

TEST(Pipeline, HealthyChannelPaysEveryOrderByCallback) {
  Scenario s = minimal_scenario();
  const reports::Report r = run_scenario(s).report;
  ASSERT_GT(r.orders.created, 20000u);
  EXPECT_EQ(r.orders.charged, r.orders.created);
  EXPECT_EQ(r.orders.paid, r.orders.created);
  EXPECT_EQ(r.dropped.final, 0u);
  EXPECT_EQ(r.dropped.user_visible, 0u);
  EXPECT_EQ(r.resolved_by.callback, r.orders.paid);
  EXPECT_EQ(r.invariants.violations, 0u);
  // Charge at t, callback 500 ms later, a 5 ms step, a 10 ms notify: 515 ms, to within the
  // histogram's 1%.
  EXPECT_NEAR(r.latency.charge_to_paid_us.quantile(0.5) / 1000.0, 515.0, 515.0 * 0.011);
  EXPECT_NEAR(r.latency.charge_to_paid_us.mean() / 1000.0, 515.0, 0.5);
  // Every user returns 3 s after paying; the order was PAID 2.5 s before: the first poll sees it.
  EXPECT_EQ(r.latency.client_visible_us.max(), 0);
}

TEST(Pipeline, DroppedCallbacksWithoutCompensationArePermanentDrops) {
  Scenario s = minimal_scenario();
  s.channels[0].callback.drop_probability = 0.05;
  const reports::Report r = run_scenario(s).report;
  const double n = static_cast<double>(r.orders.charged);
  const double rate = static_cast<double>(r.dropped.final) / n;
  EXPECT_NEAR(rate, 0.05, tolerance(0.05, n));
  EXPECT_EQ(r.dropped.callbacks_lost, r.dropped.final);  // one attempt each, every loss a drop
  EXPECT_EQ(r.orders.paid + r.dropped.final, r.orders.charged);
  // The user is back 3 s after paying and polls for 10 s: every dropped order is seen "unpaid".
  EXPECT_EQ(r.dropped.user_visible, r.dropped.final);
  EXPECT_EQ(r.invariants.violations, 0u);
}

TEST(Pipeline, ChannelResendsCutDropsAsTheirScheduleSays) {
  Scenario s = minimal_scenario();
  const double p = 0.3;
  s.channels[0].callback.drop_probability = p;
  s.channels[0].callback.retries = {Duration::seconds(15), Duration::seconds(15)};  // 3 attempts
  const reports::Report r = run_scenario(s).report;
  const double n = static_cast<double>(r.orders.charged);
  const double expected = p * p * p;
  EXPECT_NEAR(static_cast<double>(r.dropped.final) / n, expected, tolerance(expected, n));
  // Attempts lost: first attempts p*n, second p*p*n, third p^3*n.
  const double lost = static_cast<double>(r.dropped.callbacks_lost) / n;
  EXPECT_NEAR(lost, p + p * p + p * p * p, 4 * std::sqrt((p + p * p + p * p * p) / n));
}

TEST(Pipeline, SyncChannelDropsNothingThroughCallbacks) {
  Scenario s = minimal_scenario();
  s.channels[0].mode = channels::ChannelMode::kSync;
  s.channels[0].callback.drop_probability = 0.5;  // irrelevant: the answer comes on the call
  const reports::Report r = run_scenario(s).report;
  EXPECT_EQ(r.dropped.final, 0u);
  EXPECT_EQ(r.orders.paid, r.orders.charged);
  EXPECT_EQ(r.resolved_by.sync, r.orders.paid);
}

TEST(Pipeline, PollingLatencyIsUniformOverTheInterval) {
  // Every callback lost: only polling finds payments. A charge lands at a uniformly random
  // phase of the 60 s polling period, so charge->paid = U(0, 60 s) + page read (one step) +
  // query latency + step + notify: mean 30.115 s, p99 59.515 s. (At 5 orders/s a tick's
  // pending rows fit in one page of 500.)
  Scenario s = minimal_scenario(5, Duration::hours(1));
  s.channels[0].callback.drop_probability = 1.0;
  s.system.compensation.strategy = sut::Strategy::kPolling;
  s.system.compensation.polling.interval = Duration::seconds(60);
  s.system.compensation.polling.workers = 512;
  const reports::Report r = run_scenario(s).report;
  EXPECT_EQ(r.dropped.final, 0u);
  EXPECT_EQ(r.resolved_by.polling, r.orders.paid);
  const double n = static_cast<double>(r.latency.charge_to_paid_us.count());
  const double mean_s = r.latency.charge_to_paid_us.mean() / 1e6;
  EXPECT_NEAR(mean_s, 30.115, 4 * 60 / std::sqrt(12 * n));
  EXPECT_NEAR(r.latency.charge_to_paid_us.quantile(0.99) / 1e6, 0.99 * 60 + 0.115,
              0.99 * 60 * 0.011 + 0.6);
  EXPECT_LE(r.latency.charge_to_paid_us.max() / 1e6, 60.115 + 1e-6);
}

TEST(Pipeline, DelayMessageLatencyIsTheNextScheduledQuery) {
  // The payment is written at 15 ms (three 5 ms steps) with its first delay message; the
  // channel accepts at 95 ms and the user, 5 s after getting the QR code, is charged at 5.095 s.
  // The first query leaves at 0.015 + 10 + 0.02 (MQ latency) = 10.035 s, finds SUCCESS 100 ms
  // later, and the notify takes 10 ms: charge->paid = 10.145 - 5.095 = 5.05 s, for every order.
  Scenario s = minimal_scenario();
  s.channels[0].callback.drop_probability = 1.0;
  s.system.compensation.strategy = sut::Strategy::kDelayMessage;
  s.system.compensation.delay_message.schedule = {Duration::seconds(10), Duration::seconds(20)};
  const reports::Report r = run_scenario(s).report;
  EXPECT_EQ(r.dropped.final, 0u);
  EXPECT_EQ(r.resolved_by.delay_message, r.orders.paid);
  EXPECT_EQ(r.latency.charge_to_paid_us.min(), r.latency.charge_to_paid_us.max());
  EXPECT_EQ(r.latency.charge_to_paid_us.max(), Duration::millis(5050).us());
}

TEST(Pipeline, SameSeedGivesByteIdenticalReports) {
  Scenario s = minimal_scenario(10, Duration::minutes(10));
  s.channels[0].callback.drop_probability = 0.1;
  s.channels[0].callback.duplicate_probability = 0.1;
  s.system.compensation.strategy = sut::Strategy::kHybrid;
  s.system.compensation.delay_message.schedule = {Duration::seconds(10), Duration::seconds(30)};
  s.user.pay_delay = Distribution::exponential(Duration::seconds(20));
  reports::Report a = run_scenario(s).report;
  reports::Report b = run_scenario(s).report;
  a.sim.wall_ms = b.sim.wall_ms = 0;
  EXPECT_EQ(reports::render_json(a), reports::render_json(b));
  s.seed = 8;
  reports::Report c = run_scenario(s).report;
  c.sim.wall_ms = 0;
  EXPECT_NE(reports::render_json(a), reports::render_json(c));
}

TEST(Pipeline, MemoryFollowsOrdersInFlight) {
  // Everything resolves within seconds, so at the end of the run nothing is left in flight and
  // every component has freed its records.
  Scenario s = minimal_scenario(50, Duration::minutes(10));
  World world(s);
  world.run();
  EXPECT_EQ(world.orders_in_flight(), 0u);
  EXPECT_EQ(world.ledger().open_orders(), 0u);
  EXPECT_EQ(world.channel(0).open_trades(), 0u);
}

}  // namespace
}  // namespace harness
