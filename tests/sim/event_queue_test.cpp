// The raw queues against a reference ordering: random pushes (many equal times), pops, peeks
// that run ahead of the clock, and pushes into the gap after a peek, as run_until produces.
#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>
#include <vector>

#include "sim/internal/binary_heap_queue.h"
#include "sim/internal/radix_heap_queue.h"
#include "sim/random.h"

namespace sim::internal {
namespace {

template <class Q>
class EventQueueTest : public ::testing::Test {};

using Queues = ::testing::Types<BinaryHeapQueue, RadixHeapQueue>;
TYPED_TEST_SUITE(EventQueueTest, Queues);

struct Ref {
  int64_t time_us;
  uint64_t seq;
  uint64_t id;
  friend bool operator<(const Ref& a, const Ref& b) {
    return std::tie(a.time_us, a.seq) < std::tie(b.time_us, b.seq);
  }
};

TYPED_TEST(EventQueueTest, MatchesReferenceOrder) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    TypeParam queue;
    std::vector<Ref> reference;  // kept sorted
    RandomStream rng(seed, 0, purpose("queue_test"));
    int64_t clock_us = 0;  // the last popped time: pushes never go below it
    uint64_t seq = 1;
    const int64_t spread_us = static_cast<int64_t>(1) << rng.below(40);
    for (int step = 0; step < 20'000; ++step) {
      const uint64_t action = rng.below(10);
      if (action < 5 || reference.empty()) {
        const int64_t time_us =
            clock_us + (rng.bernoulli(0.3) ? 0 : static_cast<int64_t>(rng.below(spread_us)));
        const Ref r{time_us, seq, seq * 7};
        ++seq;
        queue.push(r.time_us, r.seq, r.id);
        reference.insert(std::upper_bound(reference.begin(), reference.end(), r), r);
      } else if (action < 9) {
        ASSERT_EQ(queue.top().id, reference.front().id) << "seed " << seed << " step " << step;
        ASSERT_EQ(queue.top().time_us, reference.front().time_us);
        clock_us = reference.front().time_us;
        queue.pop();
        reference.erase(reference.begin());
      } else {
        // Peek only: the clock does not move, so later pushes may land before the peeked time.
        ASSERT_EQ(queue.top().id, reference.front().id);
      }
      ASSERT_EQ(queue.size(), reference.size());
    }
    // Drop every third id, then drain.
    const IdPredicate dead{[](const void*, uint64_t id) { return (id / 7) % 3 == 0; }, nullptr};
    queue.remove_if(dead);
    std::erase_if(reference, [](const Ref& r) { return (r.id / 7) % 3 == 0; });
    ASSERT_EQ(queue.size(), reference.size());
    for (const Ref& r : reference) {
      ASSERT_EQ(queue.top().id, r.id) << "seed " << seed;
      queue.pop();
    }
    EXPECT_TRUE(queue.empty());
  }
}

// Timers far ahead fill a high bucket over a long stretch and it drains at once: the queue must
// give that memory back rather than hold its peak for the rest of the run.
TEST(RadixHeapQueueMemory, ADrainedBucketGivesItsMemoryBack) {
  RadixHeapQueue queue;
  constexpr uint64_t kTimers = 1'000'000;
  for (uint64_t i = 0; i < kTimers; ++i) {
    queue.push(int64_t{1} << 30 | static_cast<int64_t>(i * 7919 % kTimers), i + 1, i + 1);
  }
  EXPECT_GE(queue.bucket_capacity(), kTimers);
  while (!queue.empty()) queue.pop();
  // Each of the 64 buckets may keep a small buffer (no allocation in the steady state).
  EXPECT_LE(queue.bucket_capacity(), 64u * 4096u) << "kept " << queue.bucket_capacity();
}

}  // namespace
}  // namespace sim::internal
