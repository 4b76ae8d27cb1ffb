// FaultTap: told each time a random fault of the environment strikes, so that a harness can see
// which faults a run exercised and in which state of the model (the fault-coverage matrix,
// harness/fault_coverage.h). It observes; it never causes a fault (that is sim/fault_plan.h).
//
// A component that injects faults keeps a `FaultTap*` that is null unless a harness installs
// one, so a run without a tap pays one pointer test per fault that strikes, and nothing when no
// fault does. Faults are named like FaultPlan points and random purposes ("channel.query.failed",
// hashed at compile time), so the kernel knows nothing of what they mean; the component that
// reports a fault documents it, and the harness keeps the list of the names it knows.
#pragma once

#include <cstdint>
#include <string_view>

#include "sim/random.h"

namespace sim {

class FaultTap {
 public:
  // A fault, named at compile time: FaultTap::fault("channel.callback.dropped").
  static constexpr uint64_t fault(std::string_view name) { return purpose(name); }
  // The entity of a fault that strikes everything in flight at once (a process crash).
  static constexpr uint64_t kEverything = 0;

  virtual ~FaultTap() = default;

  // `fault` struck `entity` (an order), or every entity in flight when it is kEverything.
  virtual void struck(uint64_t fault, uint64_t entity) = 0;
  // Nothing is pending for `entity` any more: no fault can strike it again.
  virtual void retired(uint64_t /*entity*/) {}
};

// The one line a component writes where a fault strikes.
inline void report_fault(FaultTap* tap, uint64_t fault, uint64_t entity) {
  if (tap != nullptr) tap->struck(fault, entity);
}

}  // namespace sim
