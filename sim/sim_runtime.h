// SimRuntime: the Runtime of a simulation, forwarding to a Simulator it does not own.
#pragma once

#include <cstdint>

#include "sim/runtime.h"
#include "sim/simulator.h"

namespace sim {

class SimRuntime final : public Runtime {
 public:
  // REQUIRES: `sim` outlives this runtime.
  SimRuntime(Simulator& sim, uint64_t seed) : sim_(sim), seed_(seed) {}

  Time now() const override { return sim_.now(); }
  TimerId schedule_after(Duration delay, Callback&& fn) override {
    return sim_.schedule_after(delay, std::move(fn));
  }
  bool cancel(TimerId id) override { return sim_.cancel(id); }
  uint64_t seed() const override { return seed_; }

  Simulator& simulator() const { return sim_; }

 private:
  Simulator& sim_;
  uint64_t seed_;
};

}  // namespace sim
