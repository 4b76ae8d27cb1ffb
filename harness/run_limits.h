// The limits of one run (harness/world.h enforces them) and the error a run stops with.
#pragma once

#include <cstdint>
#include <stdexcept>

namespace harness {

// What one run may use, whatever its scenario says: the loader refuses traffic that makes too
// many orders (scenarios/README.md), and a run stops with RunLimitError when it holds more orders
// in flight (each ~1 KB: docs/performance.md, "Scale") or has run more
// events than these. Checked between slices of kLimitCheckEvents events, so a run overshoots a
// limit by at most one slice.
struct RunLimits {
  uint64_t max_events = 5'000'000'000;        // ~10-40 minutes of one core
  uint64_t max_orders_in_flight = 7'500'000;  // ~8 GB at the worst measured ~1.05 KB per order
  static constexpr uint64_t kLimitCheckEvents = uint64_t{1} << 20;
};

// A run stopped at a RunLimits limit; what() names the limit, its value and what to change.
class RunLimitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace harness
