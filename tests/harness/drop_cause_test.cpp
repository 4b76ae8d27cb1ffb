// Issue 16 item 1: drops split by cause (外部掉单 vs 内部掉单, seed 002). Each test drives one
// cause alone and checks that every drop lands in its part: callbacks lost (external), callbacks
// late (external, seen by the user only), notifies failing (internal) and notifies slow (internal,
// seen by the user only). The parts must always sum to the totals.
#include <gtest/gtest.h>

#include <cmath>

#include "harness/run.h"
#include "test_scenarios.h"

namespace harness {
namespace {

using sim::Distribution;
using sim::Duration;
using testing::minimal_scenario;

enum class Cause { kExternal, kInternal };

// Every drop of the run, final and user-visible, is of `cause`: its parts hold the totals and
// the other cause's parts are 0.
void expect_all_of(const reports::Report& r, Cause cause) {
  const reports::DropCounts& d = r.dropped;
  const bool external = cause == Cause::kExternal;
  EXPECT_EQ(external ? d.final_external : d.final_internal, d.final);
  EXPECT_EQ(external ? d.final_internal : d.final_external, 0u);
  EXPECT_EQ(external ? d.user_visible_external : d.user_visible_internal, d.user_visible);
  EXPECT_EQ(external ? d.user_visible_internal : d.user_visible_external, 0u);
  EXPECT_EQ(r.invariants.violations, 0u);
}

// About `p` of `n`, within four standard deviations.
void expect_share(uint64_t count, uint64_t n, double p) {
  const double share = static_cast<double>(count) / static_cast<double>(n);
  EXPECT_NEAR(share, p, 4 * std::sqrt(p * (1 - p) / static_cast<double>(n)));
}

TEST(DropCause, LostCallbacksAreExternalDrops) {
  Scenario s = minimal_scenario();
  s.channels[0].callback.drop_probability = 0.05;  // one attempt, nothing re-queries
  const reports::Report r = run_scenario(s).report;
  expect_share(r.dropped.final, r.orders.charged, 0.05);
  // Back 3 s after paying, polling for 10 s: every drop was seen "unpaid".
  EXPECT_EQ(r.dropped.user_visible, r.dropped.final);
  expect_all_of(r, Cause::kExternal);
}

TEST(DropCause, LateCallbacksAreExternalOnTheScreenOnly) {
  // The callback comes 20 s after the charge; the user gave up at 13 s. Every order is seen
  // "unpaid" before the payment service knew, and every one is PAID in the end.
  Scenario s = minimal_scenario(5);
  s.channels[0].callback.delay = Distribution::fixed(Duration::seconds(20));
  const reports::Report r = run_scenario(s).report;
  EXPECT_EQ(r.dropped.final, 0u);
  EXPECT_EQ(r.dropped.user_visible, r.orders.charged);
  expect_all_of(r, Cause::kExternal);
}

TEST(DropCause, FailedNotifiesAreInternalDrops) {
  // Every callback arrives; the payment service's one notify fails with probability 0.3 and
  // nothing sends it again (no retries, no MQ message).
  Scenario s = minimal_scenario();
  s.system.order_service.notify_failure_probability = 0.3;
  s.system.notify.sync_retries = 0;
  s.system.notify.async_mq = false;
  const reports::Report r = run_scenario(s).report;
  EXPECT_EQ(r.dropped.callbacks_lost, 0u);
  expect_share(r.dropped.final, r.orders.charged, 0.3);
  EXPECT_EQ(r.dropped.user_visible, r.dropped.final);
  expect_all_of(r, Cause::kInternal);
}

TEST(DropCause, SlowNotifiesAreInternalOnTheScreenOnly) {
  // The callback is handled at once but the order hears 20 s later: the app, polling from 3 s
  // to 13 s after the charge, shows "unpaid" for an order the payment service knew was paid.
  Scenario s = minimal_scenario(5);
  s.system.order_service.notify_latency = Distribution::fixed(Duration::seconds(20));
  s.system.notify.async_mq = false;  // the MQ message would reach the order first
  const reports::Report r = run_scenario(s).report;
  EXPECT_EQ(r.dropped.final, 0u);
  EXPECT_EQ(r.dropped.user_visible, r.orders.charged);
  expect_all_of(r, Cause::kInternal);
}

}  // namespace
}  // namespace harness
