// The discrete-event kernel.
//
// A Simulator owns a clock (`now()`, simulated microseconds) and a set of pending events, each a
// Callback to run at a time. Events run in order of (time, insertion sequence): events at the same
// time always run in the order they were scheduled, whatever queue implementation is used.
// Callbacks may schedule and cancel events, including cancelling themselves (a no-op that returns
// false: a running event is no longer pending) and others, and may call stop().
//
// Storage: callbacks live in a slab of slots (internal/slot_slab.h); the queue holds only
// (time, sequence, id) keys. Cancelling destroys the callback at once and leaves its key in the
// queue to be skipped when popped; when dead keys outnumber live ones the queue is compacted, so
// memory grows with what is pending, not with what ran or was cancelled.
//
// Single-threaded: one Simulator must be used from one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "sim/callback.h"
#include "sim/event_id.h"
#include "sim/internal/binary_heap_queue.h"
#include "sim/internal/event_queue.h"
#include "sim/internal/radix_heap_queue.h"
#include "sim/internal/slot_slab.h"
#include "sim/time.h"

namespace sim {

// The kernel over a given queue implementation (see internal/event_queue.h). Use `Simulator`
// unless you are testing or benchmarking queues.
template <internal::EventQueue Queue>
class BasicSimulator {
 public:
  BasicSimulator() = default;
  BasicSimulator(const BasicSimulator&) = delete;
  BasicSimulator& operator=(const BasicSimulator&) = delete;

  Time now() const { return now_; }

  // Schedules `fn` to run at `when`. REQUIRES: when >= now(), fn is not empty.
  // `fn` is taken by rvalue reference so that it is moved exactly once, into its slot.
  EventId schedule_at(Time when, Callback&& fn);
  // Schedules `fn` to run `delay` from now. REQUIRES: delay >= 0, fn is not empty.
  EventId schedule_after(Duration delay, Callback&& fn) {
    assert(delay >= Duration::zero() && "schedule_after: negative delay");
    return schedule_at(now_ + delay, std::move(fn));
  }

  // Cancels a pending event and destroys its callback. Returns true if the event was pending;
  // false if it already ran, is running, was cancelled, or `id` is invalid or foreign. O(1)
  // amortized: it marks, never searches.
  bool cancel(EventId id);
  // Cancels every pending event, destroying the callbacks in slot order, without running any.
  // An owner whose callbacks refer to its other members calls this before those members go
  // (the destructor would otherwise destroy the callbacks last). Destructors run here may cancel
  // events but must not schedule any.
  void clear();

  // Runs the earliest pending event, advancing now() to its time. Returns false when idle.
  bool run_next();
  // Runs every event with time <= end (including those scheduled meanwhile), then advances now()
  // to `end` unless end is Time::max() or the run was stopped. Events after `end` stay pending.
  // Returns the number of events run. With `max_events`, returns after that many instead, with
  // now() at the last event run (a caller that checks limits between slices of a run).
  uint64_t run_until(Time end, uint64_t max_events = UINT64_MAX);
  // Runs until no event is pending (or stop()). Returns the number of events run.
  uint64_t run_until_idle();
  // Runs at most `n` events (fewer if idle first or stopped). Returns the number run.
  uint64_t run_events(uint64_t n);

  // Called from inside an event: the current run_* call returns after this event. Outside a run it
  // has no effect on later runs.
  void stop() { stop_requested_ = true; }

  uint64_t events_processed() const { return events_processed_; }  // events run, ever
  size_t pending() const { return pending_; }  // scheduled and neither run nor cancelled
  // The time of the earliest pending event, if any.
  std::optional<Time> next_event_time() const;

  // For tests and diagnostics: keys held by the queue, including cancelled ones not yet dropped.
  size_t queued_keys() const { return queue_.size(); }

 private:
  // Pops dead keys off the top of the queue; returns false if the queue is then empty, else true
  // with the (live) top entry in `top`.
  bool settle_top(internal::QueueEntry& top) const;
  // Pops and runs `top`. REQUIRES: settle_top(top) just returned true.
  void run_top(internal::QueueEntry top);
  bool is_live(uint64_t id) const;
  void compact_if_mostly_dead();

  Time now_;
  uint64_t next_sequence_ = 1;
  uint64_t events_processed_ = 0;
  size_t pending_ = 0;
  mutable size_t dead_keys_ = 0;  // cancelled keys still in queue_
  bool stop_requested_ = false;
  internal::SlotSlab slots_;
  mutable Queue queue_;  // mutable: peeking may reorganise it and drop dead keys
};

// The kernel, on the fastest queue we have (see docs/performance.md, "Kernel").
class Simulator : public BasicSimulator<internal::RadixHeapQueue> {};

extern template class BasicSimulator<internal::RadixHeapQueue>;
extern template class BasicSimulator<internal::BinaryHeapQueue>;

}  // namespace sim
