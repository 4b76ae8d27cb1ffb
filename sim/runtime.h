// Runtime: the small interface the payment model is written against, so the same model code runs
// in simulation (SimRuntime, sim_runtime.h) and later in live mode (Asio timers, a real clock).
// Nothing here may assume a simulator: time is whatever now() says, timers fire "after" a delay.
#pragma once

#include <cstdint>
#include <utility>

#include "sim/callback.h"
#include "sim/event_id.h"
#include "sim/random.h"
#include "sim/time.h"

namespace sim {

using TimerId = EventId;

class Runtime {
 public:
  virtual ~Runtime() = default;

  virtual Time now() const = 0;
  // Runs `fn` once, `delay` from now, taking it over (a lambda argument binds as a temporary).
  // By rvalue reference, so the callback is moved once, straight into the implementation's
  // storage, rather than once per layer. REQUIRES: delay >= 0, fn is not empty.
  virtual TimerId schedule_after(Duration delay, Callback&& fn) = 0;
  // schedule_after for per-order paths: `fn` must fit Callback's inline buffer, checked at compile
  // time, so scheduling it never allocates and a capture that grows is a build error.
  template <class F>
  TimerId schedule_after_inline(Duration delay, F&& fn) {
    static_assert(Callback::stores_inline<F>(), "the capture outgrew sim::Callback's inline buffer");
    return schedule_after(delay, Callback(std::forward<F>(fn)));
  }
  // Cancels a timer that has not fired; true if it was pending.
  virtual bool cancel(TimerId id) = 0;
  // The scenario seed; every random stream is keyed by it.
  virtual uint64_t seed() const = 0;

  // The random stream for (seed, entity, purpose, index); see random.h.
  RandomStream random(uint64_t entity, uint64_t purpose, uint64_t index = 0) const {
    return RandomStream(seed(), entity, purpose, index);
  }
};

}  // namespace sim
