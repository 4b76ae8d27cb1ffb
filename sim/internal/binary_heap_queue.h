// The reference event queue: a binary min-heap of (time, sequence, id) on a std::vector.
// O(log n) push and pop, no assumption about time order; simple enough to trust, so the typed
// kernel tests compare the faster queues against the same expectations.
#pragma once

#include <algorithm>
#include <cassert>
#include <vector>

#include "sim/internal/event_queue.h"

namespace sim::internal {

class BinaryHeapQueue {
 public:
  static const char* name() { return "BinaryHeapQueue"; }

  void push(int64_t time_us, uint64_t seq, uint64_t id) {
    heap_.push_back({time_us, seq, id});
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }
  QueueEntry top() const {
    assert(!heap_.empty());
    return {heap_.front().time_us, heap_.front().id};
  }
  void pop() {
    assert(!heap_.empty());
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
  }
  // The root (when called after a pop, the next to run) and its children (one is the one after).
  template <class F>
  void visit_upcoming(F&& f) const {
    for (size_t i = 0; i < 3 && i < heap_.size(); ++i) f(heap_[i].id);
  }

  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }

  void remove_if(IdPredicate dead) {
    std::erase_if(heap_, [&](const Entry& e) { return dead(e.id); });
    std::make_heap(heap_.begin(), heap_.end(), Later{});
  }

 private:
  struct Entry {
    int64_t time_us;
    uint64_t seq;
    uint64_t id;
  };
  // std heap algorithms build a max-heap; "greater" puts the earliest (time, seq) on top.
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.time_us != b.time_us ? a.time_us > b.time_us : a.seq > b.seq;
    }
  };
  std::vector<Entry> heap_;
};

static_assert(EventQueue<BinaryHeapQueue>);

}  // namespace sim::internal
