// Runtime: the small interface the payment model is written against, so the same model code runs
// in simulation (SimRuntime, sim_runtime.h) and later in live mode (Asio timers, a real clock).
// Nothing here may assume a simulator: time is whatever now() says, timers fire "after" a delay.
//
// Exactly what a Runtime guarantees. The model relies on each point, and every runtime must pass
// the conformance suite that pins them (tests/sim/runtime_conformance.h):
//
//  1. Order. Callbacks run one at a time, never on the stack of the schedule_after that queued
//     them (not even with a zero delay), in order of due time (now() when scheduled, plus the
//     delay). Callbacks due at the same time run in the order they were scheduled, whether from
//     outside or from callbacks; so schedule_after(0) from a callback runs after that callback
//     returns and after every callback already due at that time.
//  2. Time. Inside a callback, now() is exactly its due time; now() never goes back.
//  3. Cancellation. cancel(id) returns true only if the timer is pending (scheduled, not started,
//     not cancelled); the callback will then never run, and it (with all it captured) is destroyed
//     before cancel returns. Otherwise cancel returns false and does nothing: for a timer that ran,
//     for one that is running (a callback cancelling itself keeps running, its captures intact),
//     for one already cancelled, and for TimerId{}. A callback may cancel another that is due at
//     the same time and has not run yet.
//  4. Ids. Every timer gets a valid id, distinct from the ids of this runtime's other timers; an id
//     kept after its timer ran or was cancelled never cancels a later timer, even one stored where
//     the old one was (SimRuntime: until one slot is reused 2^32 times; see event_id.h).
//  5. Ownership. The runtime owns a callback from schedule_after on and destroys it exactly once:
//     after it runs and before the next callback runs, inside cancel, or, if it never ran, when
//     the runtime is torn down (for SimRuntime: when its Simulator is destroyed).
//  6. Randomness. seed() never changes, and random(entity, purpose, index) is
//     RandomStream(seed(), entity, purpose, index): equal keys give equal streams, at any time and
//     in any runtime with the same seed.
//
// Not promised: how time passes between callbacks (SimRuntime jumps to the next due time; a
// real-time runtime waits for it), or anything about ids beyond validity and uniqueness.
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
    static_assert(Callback::stores_inline<F>(),
                  "the capture outgrew sim::Callback's inline buffer");
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
