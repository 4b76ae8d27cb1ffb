// Out-of-line members of BasicSimulator. Included only where the template is instantiated
// (simulator.cpp), so users of simulator.h do not compile them again.
#pragma once

#include <cassert>

#include "sim/simulator.h"

namespace sim {

namespace internal {
inline uint32_t slot_of(uint64_t id) { return static_cast<uint32_t>(id); }
inline uint32_t generation_of(uint64_t id) { return static_cast<uint32_t>(id >> 32); }
inline uint64_t make_id(uint32_t slot, uint32_t generation) {
  return (uint64_t{generation} << 32) | slot;
}
}  // namespace internal

template <internal::EventQueue Queue>
EventId BasicSimulator<Queue>::schedule_at(Time when, Callback&& fn) {
  assert(when >= now_ && "schedule_at: time in the past");
  assert(fn && "schedule_at: empty callback");
  const uint32_t slot = slots_.acquire();
  internal::Slot& s = slots_[slot];
  s.fn = std::move(fn);
  const uint64_t id = internal::make_id(slot, s.generation);
  queue_.push(when.us(), next_sequence_++, id);
  ++pending_;
  return EventId{id};
}

template <internal::EventQueue Queue>
bool BasicSimulator<Queue>::is_live(uint64_t id) const {
  const uint32_t slot = internal::slot_of(id);
  if (slot >= slots_.capacity()) return false;
  const internal::Slot& s = slots_[slot];
  return s.generation == internal::generation_of(id) && s.fn;
}

template <internal::EventQueue Queue>
bool BasicSimulator<Queue>::cancel(EventId id) {
  if (!id.valid() || !is_live(id.value)) return false;
  const uint32_t slot = internal::slot_of(id.value);
  slots_.retire(slot);
  slots_.release(slot);
  --pending_;
  ++dead_keys_;
  compact_if_mostly_dead();
  return true;
}

template <internal::EventQueue Queue>
void BasicSimulator<Queue>::clear() {
  for (uint32_t slot = 0; slot < slots_.capacity(); ++slot) {
    if (!slots_[slot].fn) continue;
    slots_.retire(slot);
    slots_.release(slot);
    --pending_;
  }
  assert(pending_ == 0 && "clear: a callback's destructor scheduled an event");
  const internal::IdPredicate dead{[](const void*, uint64_t) { return true; }, nullptr};
  queue_.remove_if(dead);
  dead_keys_ = 0;
}

template <internal::EventQueue Queue>
void BasicSimulator<Queue>::compact_if_mostly_dead() {
  // Compaction costs O(queue size) and happens only once dead keys are the majority, so it is
  // amortized O(1) per cancel. Small queues just skip their dead keys on pop.
  if (dead_keys_ < 1024 || dead_keys_ * 2 <= queue_.size()) return;
  const internal::IdPredicate dead{[](const void* self, uint64_t id) {
                                     return !static_cast<const BasicSimulator*>(self)->is_live(id);
                                   },
                                   this};
  queue_.remove_if(dead);
  assert(queue_.size() == pending_);
  dead_keys_ = 0;
}

template <internal::EventQueue Queue>
bool BasicSimulator<Queue>::settle_top(internal::QueueEntry& top) const {
  while (!queue_.empty()) {
    top = queue_.top();
    // A queued id always names a slot of ours, so the generation alone tells whether it is live.
    if (slots_[internal::slot_of(top.id)].generation == internal::generation_of(top.id)) {
      return true;
    }
    queue_.pop();
    --dead_keys_;
  }
  return false;
}

template <internal::EventQueue Queue>
void BasicSimulator<Queue>::run_top(internal::QueueEntry top) {
  queue_.pop();
  // The slab is far larger than the cache when many events are pending, so reading an event's slot
  // is usually a miss; start loading the slots of the next few events while this one runs.
  queue_.visit_upcoming(
      [this](uint64_t id) { __builtin_prefetch(&slots_[internal::slot_of(id)]); });
  const uint32_t slot = internal::slot_of(top.id);
  assert(Time::from_us(top.time_us) >= now_);
  now_ = Time::from_us(top.time_us);
  --pending_;
  ++events_processed_;
  // Retire first, so the running event is no longer cancellable; release after, so its slot is not
  // reused while the callback still runs in it (the slab never moves slots).
  slots_.retire(slot);
  struct ReleaseOnExit {
    internal::SlotSlab& slots;
    uint32_t slot;
    ~ReleaseOnExit() { slots.release(slot); }
  } release_on_exit{slots_, slot};
  slots_[slot].fn();
}

template <internal::EventQueue Queue>
bool BasicSimulator<Queue>::run_next() {
  internal::QueueEntry top;
  if (!settle_top(top)) return false;
  run_top(top);
  return true;
}

template <internal::EventQueue Queue>
uint64_t BasicSimulator<Queue>::run_until(Time end, uint64_t max_events) {
  stop_requested_ = false;
  uint64_t ran = 0;
  internal::QueueEntry top;
  while (ran < max_events && !stop_requested_ && settle_top(top) && top.time_us <= end.us()) {
    run_top(top);
    ++ran;
  }
  const bool stopped = stop_requested_ || ran == max_events;
  stop_requested_ = false;
  if (!stopped && end != Time::max() && end > now_) now_ = end;
  return ran;
}

template <internal::EventQueue Queue>
uint64_t BasicSimulator<Queue>::run_until_idle() {
  return run_events(UINT64_MAX);
}

template <internal::EventQueue Queue>
uint64_t BasicSimulator<Queue>::run_events(uint64_t n) {
  stop_requested_ = false;
  uint64_t ran = 0;
  internal::QueueEntry top;
  while (ran < n && !stop_requested_ && settle_top(top)) {
    run_top(top);
    ++ran;
  }
  stop_requested_ = false;
  return ran;
}

template <internal::EventQueue Queue>
std::optional<Time> BasicSimulator<Queue>::next_event_time() const {
  internal::QueueEntry top;
  if (!settle_top(top)) return std::nullopt;
  return Time::from_us(top.time_us);
}

}  // namespace sim
