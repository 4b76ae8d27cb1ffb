// The Runtime conformance suite (runtime_conformance.h) for the simulated runtime, plus a check
// that the suite's stale-id case really makes SimRuntime reuse a slot.
#include "tests/sim/runtime_conformance.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "sim/sim_runtime.h"
#include "sim/simulator.h"

namespace sim::conformance {

// SimRuntime over its own Simulator: time jumps from one event to the next.
class SimulatedRuntimeAdapter {
 public:
  explicit SimulatedRuntimeAdapter(uint64_t seed) : runtime_(simulator_, seed) {}

  Runtime& runtime() { return runtime_; }
  void run_until_idle() { simulator_.run_until_idle(); }
  void run_until(Time end) { simulator_.run_until(end); }
  void clear() { simulator_.clear(); }

 private:
  Simulator simulator_;  // declared first: destroyed last, with the callbacks still pending
  SimRuntime runtime_;
};

static_assert(RuntimeAdapter<SimulatedRuntimeAdapter>);

INSTANTIATE_TYPED_TEST_SUITE_P(Simulated, RuntimeConformance, SimulatedRuntimeAdapter);

namespace {

uint32_t slot_of(TimerId id) { return static_cast<uint32_t>(id.value); }  // see event_id.h

// AStaleIdNeverCancelsANewerTimer would pass vacuously if the newer timer took a fresh slot.
TEST(SimulatedRuntimeConformance, TheStaleIdCaseReusesTheSlot) {
  SimulatedRuntimeAdapter adapter(1);
  Runtime& rt = adapter.runtime();
  const TimerId fired = rt.schedule_after(Duration::millis(1), [] {});
  adapter.run_until_idle();
  const TimerId after_fired = rt.schedule_after(Duration::millis(1), [] {});
  EXPECT_EQ(slot_of(after_fired), slot_of(fired));
  EXPECT_NE(after_fired, fired);
  EXPECT_TRUE(rt.cancel(after_fired));
  const TimerId after_cancelled = rt.schedule_after(Duration::millis(1), [] {});
  EXPECT_EQ(slot_of(after_cancelled), slot_of(after_fired));
  EXPECT_NE(after_cancelled, after_fired);
}

}  // namespace
}  // namespace sim::conformance
