// FaultPlan: a test seam that fails chosen calls at named points, counted in the order they
// happen (Boost.Beast's test::fail_count, one counter per point).
//
// A component that offers a point keeps a `FaultPlan*` that is null unless a test installs one,
// so a run without a plan pays one pointer test per call. At each call it asks
// `should_fail(point)`, which counts the call and says whether to fail it. A test runs a scenario
// once with an empty plan to count the calls of a point, then once per n with `fail_nth(point,
// n)`: "fail every step once". Points are names hashed like random purposes (sim::purpose), so
// the kernel knows nothing of what they mean; the component that offers a point documents it.
//
// Deterministic: calls are counted in simulation order, which is the same on every run of the
// same scenario and seed.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string_view>

#include "sim/random.h"

namespace sim {

class FaultPlan {
 public:
  // A fault point, named at compile time: FaultPlan::point("channel.query").
  static constexpr uint64_t point(std::string_view name) { return purpose(name); }

  // Fails calls number first .. first + count - 1 (1-based) at `point`, replacing any earlier
  // rule for it. REQUIRES: first >= 1.
  void fail(uint64_t point, uint64_t first, uint64_t count = 1) {
    Counter& c = counters_[point];
    c.first = first;
    c.last = count > std::numeric_limits<uint64_t>::max() - first
                 ? std::numeric_limits<uint64_t>::max()
                 : first + count - 1;
  }
  void fail_nth(uint64_t point, uint64_t n) { fail(point, n, 1); }
  void fail_all(uint64_t point) { fail(point, 1, std::numeric_limits<uint64_t>::max()); }

  // Counts one call at `point`; true when the plan says this call fails.
  bool should_fail(uint64_t point) {
    Counter& c = counters_[point];
    const uint64_t n = ++c.calls;
    if (c.first == 0 || n < c.first || n > c.last) return false;
    ++c.failed;
    return true;
  }

  // Calls counted so far at `point`, and how many of them were failed.
  uint64_t calls(uint64_t point) const {
    const auto it = counters_.find(point);
    return it == counters_.end() ? 0 : it->second.calls;
  }
  uint64_t failed(uint64_t point) const {
    const auto it = counters_.find(point);
    return it == counters_.end() ? 0 : it->second.failed;
  }

 private:
  struct Counter {
    uint64_t calls = 0;
    uint64_t failed = 0;
    uint64_t first = 0;  // 0: fail nothing
    uint64_t last = 0;
  };
  std::map<uint64_t, Counter> counters_;
};

}  // namespace sim
