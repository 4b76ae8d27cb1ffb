// Issue 16 item 5: the countdown page. After fast polling gives up, the app keeps checking the
// order more slowly before it shows "unpaid" (a pay-result page the user leaves open), so a
// callback that comes late no longer reaches the screen as a drop.
//
// The analytic case: every user is back 3 s after the charge and the callback comes 20 s after
// it (PAID at charge + 20.015 s: a 5 ms step and a 10 ms notify). Polls and their answers take no
// simulated time, so fast polling (1 s apart, 10 s) polls at charge + 3, 4, ..., 13 s and gives up
// at 13 s. A countdown page every 5 s polls at charge + 18 s (unpaid) and 23 s (PAID), the
// second only if the timeout (from 13 s) reaches 10 s: the user sees PAID 20 s after returning.
#include <gtest/gtest.h>

#include "harness/run.h"
#include "test_scenarios.h"

namespace harness {
namespace {

using sim::Distribution;
using sim::Duration;
using testing::minimal_scenario;

reports::Report run_with_countdown(bool on, Duration timeout) {
  Scenario s = minimal_scenario(5, Duration::minutes(10));
  s.channels[0].callback.delay = Distribution::fixed(Duration::seconds(20));
  s.system.client.countdown_enabled = on;
  s.system.client.countdown_interval = Duration::seconds(5);
  s.system.client.countdown_timeout = timeout;
  return run_scenario(s).report;
}

TEST(Countdown, WithoutItEveryLateCallbackIsSeenUnpaid) {
  const reports::Report r = run_with_countdown(false, Duration::minutes(1));
  ASSERT_GT(r.orders.charged, 2000u);
  EXPECT_EQ(r.dropped.user_visible, r.orders.charged);
  EXPECT_EQ(r.latency.client_visible_us.count(), 0u);
  EXPECT_EQ(r.dropped.final, 0u);
}

TEST(Countdown, TheSecondPhaseShowsTheLateCallbackAtItsNextPoll) {
  const reports::Report r = run_with_countdown(true, Duration::minutes(1));
  EXPECT_EQ(r.dropped.user_visible, 0u);
  EXPECT_EQ(r.latency.client_visible_us.count(), r.orders.charged);
  EXPECT_EQ(r.latency.client_visible_us.min(), Duration::seconds(20).us());
  EXPECT_EQ(r.latency.client_visible_us.max(), Duration::seconds(20).us());
  EXPECT_EQ(r.invariants.violations, 0u);
}

TEST(Countdown, ItsTimeoutBoundsTheSecondPhase) {
  // A 9 s countdown sends one poll (at 5 s); the next would go out at 10 s, past it.
  const reports::Report short_page = run_with_countdown(true, Duration::seconds(9));
  EXPECT_EQ(short_page.dropped.user_visible, short_page.orders.charged);
  // A 10 s countdown sends the second poll, which finds the order PAID.
  const reports::Report long_enough = run_with_countdown(true, Duration::seconds(10));
  EXPECT_EQ(long_enough.dropped.user_visible, 0u);
}

}  // namespace
}  // namespace harness
