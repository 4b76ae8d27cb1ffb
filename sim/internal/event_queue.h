// The contract every event-queue implementation meets, so the simulator (and its typed test suite)
// can run on any of them.
//
// A queue holds small keys only: the event's time, its insertion sequence number and an opaque
// 64-bit id (the simulator's EventId value). It orders them by (time, sequence): the earliest time
// first, and among equal times the one pushed first. Sequence numbers are pushed in increasing
// order. Times pushed are never earlier than the time of the last entry popped (simulated time
// never goes backwards); implementations may rely on that. Cancellation is not the queue's
// business: the simulator skips dead entries on pop and asks the queue to drop them in bulk with
// remove_if.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

namespace sim::internal {

struct QueueEntry {
  int64_t time_us;
  uint64_t id;
};

// A predicate over entry ids, for remove_if.
struct IdPredicate {
  bool (*fn)(const void* context, uint64_t id);
  const void* context;
  bool operator()(uint64_t id) const { return fn(context, id); }
};

template <class Q>
concept EventQueue = std::default_initializable<Q> &&
    requires(Q q, const Q cq, int64_t time_us, uint64_t seq, uint64_t id, IdPredicate dead) {
  q.push(time_us, seq, id);                 // REQUIRES: time_us >= last popped time
  { q.top() } -> std::same_as<QueueEntry>;  // REQUIRES: !empty()
  q.pop();                                  // REQUIRES: !empty()
  { cq.empty() } -> std::same_as<bool>;
  { cq.size() } -> std::same_as<size_t>;
  q.remove_if(dead);  // drops matching entries, keeps the order of the rest
  // Calls f(id) for a few entries likely to be popped soon (a prefetching
  // hint; may visit none). May reorganise, never reorders.
  q.visit_upcoming([](uint64_t) {});
  { Q::name() } -> std::convertible_to<const char*>;
};

}  // namespace sim::internal
