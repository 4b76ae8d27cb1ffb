// RunLimits (harness/run_limits.h): a run that holds more orders in flight, or runs more events,
// than a run may stops with RunLimitError naming the limit, when it passes it (not at the end),
// and a run inside its limits is the same run as without them.
#include "harness/run_limits.h"

#include <gtest/gtest.h>

#include <string>

#include "harness/scenario_loader.h"
#include "harness/world.h"

namespace harness {
namespace {

Scenario load(const std::string& yaml) {
  LoadResult loaded = load_scenario_text(yaml, "limits.yaml");
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors.front().message);
  return loaded.ok() ? *loaded.scenario : Scenario{};
}

// Users who never pay: every order waits for its 30-minute timeout, so 10 orders a second pile
// up, 600 in flight after a minute.
constexpr const char* kPileUp = R"(name: pile-up
duration: 10m
traffic: {arrival: uniform, rate: 10/s}
user: {pay_probability: 0}
channels: [{name: wallet}]
)";

std::string stop_message(const Scenario& scenario, const RunLimits& limits) {
  World world(scenario);
  world.set_limits(limits);
  try {
    world.run();
  } catch (const RunLimitError& e) {
    return e.what();
  }
  return "";
}

TEST(RunLimits, TooManyOrdersInFlightStopTheRunWhenTheyPassTheLimit) {
  RunLimits limits;
  limits.max_orders_in_flight = 500;
  const std::string message = stop_message(load(kPileUp), limits);
  EXPECT_NE(message.find("orders in flight, more than one run may hold (500;"), std::string::npos)
      << message;
  // Checked at every simulated minute: the first check past 500 is the first minute's (600).
  EXPECT_NE(message.find("the run stopped at simulated 1m: 600 orders in flight"),
            std::string::npos)
      << message;
}

TEST(RunLimits, TooManyEventsStopTheRunWithinOneSliceOfTheLimit) {
  RunLimits limits;
  limits.max_events = 3 * RunLimits::kLimitCheckEvents / 2;
  // Every lost callback is re-queried every millisecond: millions of events in minutes.
  const Scenario s = load(R"(name: busy
duration: 10m
traffic: {rate: 10/s}
channels: [{name: wallet, callback: {drop_probability: 1, retries: []}, query: {failure_probability: 1}}]
system:
  compensation: {strategy: polling, polling: {interval: 1ms, max_attempts: 100000}}
)");
  const std::string message = stop_message(s, limits);
  EXPECT_NE(message.find("events run, more than one run may take (1572864)"), std::string::npos)
      << message;
  // It stopped within one slice past the limit (checked at every slice and simulated minute).
  const size_t end = message.find(" events run");
  ASSERT_NE(end, std::string::npos) << message;
  const size_t start = message.rfind(' ', end - 1) + 1;
  const uint64_t events = std::stoull(message.substr(start, end - start));
  EXPECT_GT(events, limits.max_events);
  EXPECT_LE(events, limits.max_events + RunLimits::kLimitCheckEvents);
}

TEST(RunLimits, ARunInsideItsLimitsIsTheSameRun) {
  const Scenario s = load(kPileUp);
  World plain(s);
  const reports::Report a = plain.run();
  World limited(s);
  RunLimits limits;
  limits.max_orders_in_flight = 6'000;  // the 5,999 orders of the window, all in flight at 10m
  limited.set_limits(limits);
  const reports::Report b = limited.run();
  EXPECT_EQ(a.orders.created, 5'999u);
  EXPECT_EQ(a.sim.events, b.sim.events);
  EXPECT_EQ(a.orders.created, b.orders.created);
}

}  // namespace
}  // namespace harness
