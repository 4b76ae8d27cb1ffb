// The Runtime conformance suite (tests/sim/runtime_conformance.h) for live mode's real-time
// runtime, plus what only a real clock can show: time scaling and catching up with the clock.
#include "live/real_time_runtime.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "tests/sim/runtime_conformance.h"

namespace sim::conformance {

// RealTimeRuntime on its own io_context, 100 times faster than real time: the suite's delays of
// tens of milliseconds take a fraction of a millisecond.
class RealTimeRuntimeAdapter {
 public:
  static constexpr double kTimeScale = 100.0;

  explicit RealTimeRuntimeAdapter(uint64_t seed) : runtime_(io_, seed, kTimeScale) {}

  Runtime& runtime() { return runtime_; }
  void run_until_idle() { runtime_.run_until_idle(); }
  void run_until(Time end) { runtime_.run_until(end); }
  void clear() { runtime_.clear(); }

 private:
  boost::asio::io_context io_;  // declared first: outlives the runtime
  live::RealTimeRuntime runtime_;
};

static_assert(RuntimeAdapter<RealTimeRuntimeAdapter>);

INSTANTIATE_TYPED_TEST_SUITE_P(RealTime, RuntimeConformance, RealTimeRuntimeAdapter);

namespace {

using Clock = std::chrono::steady_clock;

TEST(RealTimeRuntime, ScaledDelaysTakeTheirScaledRealTime) {
  boost::asio::io_context io;
  live::RealTimeRuntime runtime(io, 1, /*time_scale=*/50.0);
  const Clock::time_point begin = Clock::now();
  std::optional<Time> ran_at;
  runtime.schedule_after(Duration::seconds(1), [&] { ran_at = runtime.now(); });  // 20 ms real
  runtime.run_until_idle();
  const auto real_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - begin).count();
  EXPECT_EQ(ran_at, Time::zero() + Duration::seconds(1));
  EXPECT_GE(real_ms, 19);
  EXPECT_LT(real_ms, 1000) << "the time scale was not applied";
  EXPECT_GE(runtime.now(), Time::zero() + Duration::seconds(1)) << "caught up with the clock";
}

TEST(RealTimeRuntime, AdvanceRunsWhatIsDueAndCatchesUpWithTheClock) {
  boost::asio::io_context io;
  live::RealTimeRuntime runtime(io, 1, /*time_scale=*/1000.0);
  std::vector<Time> seen;
  runtime.schedule_after(Duration::millis(1), [&] { seen.push_back(runtime.now()); });
  runtime.schedule_after(Duration::hours(1), [&] { seen.push_back(runtime.now()); });
  EXPECT_EQ(runtime.now(), Time::zero()) << "now() moves only when the runtime runs";
  const Clock::time_point wait_until = Clock::now() + std::chrono::milliseconds(5);
  while (Clock::now() < wait_until) {
  }
  runtime.advance();  // 5 ms real = 5 s of channel time: the first is due, the second is not
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], Time::zero() + Duration::millis(1));
  EXPECT_GE(runtime.now(), Time::zero() + Duration::seconds(5));
  EXPECT_LT(runtime.now(), Time::zero() + Duration::hours(1));
  EXPECT_EQ(runtime.pending(), 1u);
}

}  // namespace
}  // namespace sim::conformance
