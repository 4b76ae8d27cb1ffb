// The default event queue: a radix heap (Ahuja, Mehlhorn, Orlin & Tarjan) keyed on the monotone
// event time, with FIFO buckets.
//
// Bucket b > 0 holds keys whose highest bit differing from `last_` (the last minimum) is bit b-1;
// bucket 0 holds keys equal to `last_`. When bucket 0 runs dry the lowest non-empty bucket is
// redistributed around its minimum, and every key moves to a strictly lower bucket, so each entry
// moves at most 64 times and in practice a handful. Pushes and redistribution both append, and a
// bucket receiving a redistribution is always empty first, so every bucket stays sorted by
// insertion sequence: equal times pop in insertion order without storing the sequence at all
// (entries are 16 bytes).
//
// Peeking (top) redistributes too, which moves `last_` up to the earliest pending time even though
// the simulator's clock may then stop short of it (run_until ends before that event), and an event
// may later be scheduled in between. Such a push, earlier than `last_`, goes to `early_`, a small
// binary heap: all its keys are below `last_` and so below every key in the buckets, and it is
// drained first. In steady running it stays empty.
#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdint>
#include <vector>

#include "sim/internal/binary_heap_queue.h"
#include "sim/internal/event_queue.h"

namespace sim::internal {

class RadixHeapQueue {
 public:
  static const char* name() { return "RadixHeapQueue"; }

  void push(int64_t time_us, uint64_t seq, uint64_t id) {
    const uint64_t key = to_key(time_us);
    if (key < last_) [[unlikely]] {
      early_.push(time_us, seq, id);
      return;
    }
    const unsigned bucket = bucket_of(key);
    if (bucket == 0) {
      front_.push_back({key, id});
    } else {
      buckets_[bucket - 1].push_back({key, id});
      nonempty_mask_ |= uint64_t{1} << (bucket - 1);
    }
    ++size_;
  }

  QueueEntry top() {
    if (!early_.empty()) [[unlikely]]
      return early_.top();
    assert(size_ > 0);
    if (front_head_ == front_.size()) refill_front(kNoVisit);
    const Entry& e = front_[front_head_];
    return {from_key(e.key), e.id};
  }

  void pop() {
    if (!early_.empty()) [[unlikely]] {
      early_.pop();
      return;
    }
    assert(size_ > 0);
    if (front_head_ == front_.size()) refill_front(kNoVisit);
    ++front_head_;
    --size_;
  }

  // Entries that will pop soon, for prefetching. Refills bucket 0 ahead of time when it is empty
  // (safe: pushes that then land before last_ go to early_). A refill drains the lowest bucket,
  // whose entries all pop before anything else in the buckets; when it is small they are all
  // visited, which gives the caller a lead of several events rather than one.
  template <class F>
  void visit_upcoming(F&& f) {
    if (!early_.empty()) {
      early_.visit_upcoming(f);
    } else if (size_ > 0 && front_head_ == front_.size()) {
      refill_front(f);
    }
  }

  bool empty() const { return size_ == 0 && early_.empty(); }
  // Entries the buckets can hold without allocating (tests of the queue's memory).
  size_t bucket_capacity() const {
    size_t total = front_.capacity();
    for (const std::vector<Entry>& bucket : buckets_) total += bucket.capacity();
    return total;
  }
  size_t size() const { return size_ + early_.size(); }

  void remove_if(IdPredicate dead) {
    early_.remove_if(dead);
    size_t kept = 0;
    for (size_t i = front_head_; i < front_.size(); ++i) {
      if (!dead(front_[i].id)) front_[kept++] = front_[i];
    }
    front_.resize(kept);
    front_head_ = 0;
    size_ = kept;
    for (unsigned b = 0; b < 64; ++b) {
      std::erase_if(buckets_[b], [&](const Entry& e) { return dead(e.id); });
      if (buckets_[b].empty()) {
        nonempty_mask_ &= ~(uint64_t{1} << b);
      }
      size_ += buckets_[b].size();
    }
  }

 private:
  struct Entry {
    uint64_t key;
    uint64_t id;
  };

  // Maps signed time to unsigned keys preserving order.
  static uint64_t to_key(int64_t time_us) {
    return static_cast<uint64_t>(time_us) ^ (uint64_t{1} << 63);
  }
  static int64_t from_key(uint64_t key) { return static_cast<int64_t>(key ^ (uint64_t{1} << 63)); }

  unsigned bucket_of(uint64_t key) const {
    return key == last_ ? 0 : 64 - static_cast<unsigned>(std::countl_zero(key ^ last_));
  }

  static constexpr auto kNoVisit = [](uint64_t) {};

  // REQUIRES: bucket 0 is exhausted and the queue is not empty. Visits the moved entries if few.
  template <class F>
  void refill_front(F&& visit) {
    front_.clear();
    front_head_ = 0;
    assert(nonempty_mask_ != 0);
    const unsigned index = static_cast<unsigned>(std::countr_zero(nonempty_mask_));
    nonempty_mask_ &= ~(uint64_t{1} << index);
    std::vector<Entry>& source = buckets_[index];
    if (source.size() <= 64) {
      for (const Entry& e : source) visit(e.id);
    }
    if (source.size() == 1) {
      // Half of all refills in the payment pipeline: the entry is the new minimum, so the bucket
      // becomes bucket 0 as it is (the swap hands the source front_'s emptied buffer).
      last_ = source.front().key;
      front_.swap(source);
      return;
    }
    const Entry* const begin = source.data();
    const Entry* const end = begin + source.size();
    uint64_t minimum = begin->key;
    for (const Entry* e = begin + 1; e != end; ++e) minimum = e->key < minimum ? e->key : minimum;
    last_ = minimum;
    // Locals, not members, in the loop: push_back may allocate, so the compiler would otherwise
    // store and reload the mask around every push.
    uint64_t mask = nonempty_mask_;
    for (const Entry* e = begin; e != end; ++e) {
      const uint64_t diff = e->key ^ minimum;
      if (diff == 0) {
        front_.push_back(*e);
      } else {
        const unsigned bucket = 63 - static_cast<unsigned>(std::countl_zero(diff));
        assert(bucket < index);
        buckets_[bucket].push_back(*e);
        mask |= uint64_t{1} << bucket;
      }
    }
    nonempty_mask_ = mask;
    // A high bucket fills over a long stretch of simulated time (every timer that far ahead) and
    // drains at once: keeping its buffer would hold the queue's peak in memory for good (most of
    // the queue's memory in a long run). Small buffers are kept, so the steady state does not
    // allocate.
    if (source.capacity() > kKeptBucketCapacity) {
      std::vector<Entry>().swap(source);
    } else {
      source.clear();
    }
  }

  static constexpr size_t kKeptBucketCapacity = 4096;  // entries (64 KB)

  std::vector<Entry> front_;  // bucket 0: keys equal to last_, consumed from front_head_
  size_t front_head_ = 0;
  std::vector<Entry> buckets_[64];  // buckets_[b - 1] is bucket b
  uint64_t nonempty_mask_ = 0;      // bit b - 1 set iff bucket b is non-empty
  uint64_t last_ = 0;               // key of the last minimum; every stored key is >= last_
  size_t size_ = 0;                 // entries in front_ (unconsumed) and buckets_
  BinaryHeapQueue early_;           // pushes earlier than last_; see the header comment
};

static_assert(EventQueue<RadixHeapQueue>);

}  // namespace sim::internal
