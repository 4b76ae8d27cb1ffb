// Mutation tests of the invariant checks (issue 12, "invariants that can fail"): the system under
// test is made to commit one known bug at a time (system_under_test/planted_bug.h) in a scenario
// that exercises every path the bugs live on, and the run must report it, with the order and the
// event that broke it. The same scenario without a planted bug reports nothing, and so does the
// swarm (tests/harness/swarm_test.cpp).
#include <gtest/gtest.h>

#include <string>

#include "harness/world.h"
#include "test_scenarios.h"

namespace harness {
namespace {

using sim::Distribution;
using sim::Duration;

// Repeat clicks paid twice and refunded, declined payments the channel notifies, stale "still
// pending" notices arriving after the success, and delay-message re-queries.
Scenario busy_scenario() {
  Scenario s = testing::minimal_scenario(5, Duration::minutes(5));
  s.user.repeat_click_probability = 0.3;
  s.user.pay_both_probability = 1.0;
  s.channels[0].success_probability = 0.8;
  s.channels[0].callback.notify_failures = true;
  s.channels[0].callback.reorder_probability = 0.2;
  s.system.dedup.refund_duplicates = true;
  s.system.compensation.strategy = sut::Strategy::kDelayMessage;
  s.system.compensation.delay_message.schedule = {Duration::seconds(10), Duration::seconds(60)};
  return s;
}

reports::Report run_with(sut::PlantedBug bug) {
  World world(busy_scenario());
  world.plant_bug(bug);
  return world.run();
}

TEST(PlantedBug, TheCleanModelReportsNothing) {
  const reports::Report r = run_with(sut::PlantedBug::kNone);
  ASSERT_GT(r.duplicates.charged_orders, 50u);
  ASSERT_GT(r.refunds.requested, 50u);
  ASSERT_GT(r.orders.failed, 50u);
  EXPECT_EQ(r.invariants.violations, 0u)
      << (r.invariants.details.empty() ? "" : r.invariants.details[0].message);
}

struct Expected {
  sut::PlantedBug bug;
  const char* event;    // where the first breach must be reported
  const char* message;  // a phrase of its message
};

class EveryPlantedBug : public ::testing::TestWithParam<Expected> {};

TEST_P(EveryPlantedBug, IsReportedWithItsOrderAndEvent) {
  const Expected& e = GetParam();
  const reports::Report r = run_with(e.bug);
  ASSERT_GT(r.invariants.violations, 0u)
      << "planted bug " << sut::to_string(e.bug) << " went unnoticed";
  const reports::InvariantViolation& first = r.invariants.details.front();
  EXPECT_GT(first.order, 0u);
  EXPECT_GT(first.time_us, 0);
  EXPECT_EQ(first.event, e.event) << first.message;
  EXPECT_NE(first.message.find(e.message), std::string::npos) << first.message;
}

INSTANTIATE_TEST_SUITE_P(
    PlantedBug, EveryPlantedBug,
    ::testing::Values(
        Expected{sut::PlantedBug::kPaidWithoutCharge, "order_paid", "holds no money"},
        Expected{sut::PlantedBug::kRefundTwice, "refund", "refund asked twice"},
        Expected{sut::PlantedBug::kLeaveTerminalState, "payment_state", "terminal state left"},
        Expected{sut::PlantedBug::kRecordRefundNotSent, "payment_state", "REFUNDED in the records"},
        Expected{sut::PlantedBug::kNotifyFailedPayment, "order_paid", "holds no money"}),
    [](const ::testing::TestParamInfo<Expected>& info) {
      std::string name(sut::to_string(info.param.bug));
      for (char& c : name) {
        if (c == '-') c = '_';
      }
      return name;
    });

TEST(PlantedBug, EveryBugHasACase) {
  // A bug added to planted_bug.h without a case above would go untested.
  EXPECT_EQ(std::size(sut::kAllPlantedBugs), 5u);
}

}  // namespace
}  // namespace harness
