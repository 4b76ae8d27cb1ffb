// A notify sent again is a new call (found by the swarm, issue 18, seeds 4 and 189): its order
// service failure is drawn afresh, not copied from the first round. Before the fix, the draws
// were keyed by (payment, retry) only, so reconciliation's re-notifies of an order whose first
// notify failed all failed too, and reconciliation, the last safety net, could never settle it.
//
// Half the notifies fail, with no retry and no MQ. Orders arrive in the first 10 minutes and
// expire after 30; reconciliation runs every 20 minutes. The run at 20 minutes re-notifies every
// drop while its order is still open; the order then expires, retires, and waits in the
// discrepancy pool for Reconciliation::kMaxRunsPerOrder more runs, each re-notifying it. A charged
// order stays dropped only if its first notify and all 1 + kMaxRunsPerOrder re-notifies fail:
// N * p^5 of the N charged orders (~1/32), against N * p (every first failure) when the rounds
// repeat the first draw.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "harness/world.h"
#include "system_under_test/reconciliation.h"
#include "test_scenarios.h"

namespace harness {
namespace {

using sim::Duration;

TEST(NotifyRounds, EachRenotifyIsDrawnAfresh) {
  constexpr double kFail = 0.5;
  Scenario s = testing::minimal_scenario(20, Duration::minutes(10));
  s.drain = Duration::hours(6);
  s.system.order_service.notify_failure_probability = kFail;
  s.system.notify.sync_retries = 0;
  s.system.notify.async_mq = false;
  s.system.compensation.reconciliation.enabled = true;
  s.system.compensation.reconciliation.every = Duration::minutes(20);
  s.system.compensation.reconciliation.lag = Duration::minutes(1);
  World world(s);
  const reports::Report& r = world.run();
  EXPECT_EQ(r.invariants.violations, 0u);
  // Every user pays and is charged once; a charged order ends PAID or dropped.
  ASSERT_EQ(r.orders.charged, r.orders.created);
  EXPECT_EQ(r.orders.paid + r.dropped.final, r.orders.charged);
  // The payment service knew of every charge (the callbacks arrive): internal drops only.
  EXPECT_EQ(r.dropped.final_internal, r.dropped.final);
  const double n = static_cast<double>(r.orders.charged);
  const double p = std::pow(kFail, 2 + sut::Reconciliation::kMaxRunsPerOrder);
  const double sd = std::sqrt(n * p * (1 - p));
  EXPECT_NEAR(static_cast<double>(r.dropped.final), n * p, 5 * sd)
      << "repeating the first round's draw leaves ~" << n * kFail << " dropped";
  EXPECT_GT(r.resolved_by.callback, 0u);
  ::testing::Test::RecordProperty("dropped_final", std::to_string(r.dropped.final));
  ::testing::Test::RecordProperty("expected", std::to_string(n * p));
}

}  // namespace
}  // namespace harness
