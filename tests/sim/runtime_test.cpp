#include <gtest/gtest.h>

#include <vector>

#include "sim/sim_runtime.h"

namespace sim {
namespace {

TEST(SimRuntimeTest, ForwardsToTheSimulator) {
  Simulator simulator;
  SimRuntime runtime(simulator, 42);
  Runtime& rt = runtime;
  std::vector<int64_t> fired_us;
  rt.schedule_after(Duration::millis(5), [&] { fired_us.push_back(rt.now().us()); });
  const TimerId cancelled = rt.schedule_after(Duration::millis(7), [&] { fired_us.push_back(-1); });
  EXPECT_TRUE(rt.cancel(cancelled));
  EXPECT_FALSE(rt.cancel(cancelled));
  simulator.run_until_idle();
  EXPECT_EQ(fired_us, (std::vector<int64_t>{5'000}));
  EXPECT_EQ(rt.now(), Time::from_us(5'000));
  EXPECT_EQ(rt.seed(), 42u);
}

TEST(SimRuntimeTest, RandomIsKeyedBySeed) {
  Simulator simulator;
  SimRuntime a(simulator, 1), b(simulator, 1), c(simulator, 2);
  EXPECT_EQ(a.random(17, purpose("p")).next_u64(), RandomStream(1, 17, purpose("p")).next_u64());
  EXPECT_EQ(a.random(17, purpose("p"), 3).next_u64(), b.random(17, purpose("p"), 3).next_u64());
  EXPECT_NE(a.random(17, purpose("p")).next_u64(), c.random(17, purpose("p")).next_u64());
}

}  // namespace
}  // namespace sim
