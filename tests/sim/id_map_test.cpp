// IdMap against std::map on long random operation sequences (the backward-shift erase and the
// grow/shrink rehashes are where open addressing goes wrong), with move-only values, and its
// memory following the live entries.
#include "sim/id_map.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "sim/random.h"

namespace sim {
namespace {

// Key shapes the model produces: sequential order ids, payment ids shifted into a high field,
// a few extremes, and ids a table-size multiple apart (they share low bits).
uint64_t key_for(RandomStream& rng, int shape) {
  switch (shape) {
    case 0: return rng.below(5000);                             // dense, sequential-like
    case 1: return (rng.below(2000) << 8) ^ rng.below(4);       // (payment << 8) ^ small
    case 2: return rng.below(64) * (uint64_t{1} << 20);          // same low 20 bits
    default: {
      static constexpr uint64_t kEdges[] = {0, 1, UINT64_MAX, UINT64_MAX - 1, uint64_t{1} << 63};
      return kEdges[rng.below(5)];
    }
  }
}

class IdMapRandomOps : public testing::TestWithParam<int> {};

TEST_P(IdMapRandomOps, BehavesLikeStdMap) {
  const int shape = GetParam();
  RandomStream rng(11, static_cast<uint64_t>(shape), purpose("id_map_test"));
  IdMap<std::unique_ptr<uint64_t>> map;
  std::map<uint64_t, uint64_t> reference;
  for (int step = 0; step < 200'000; ++step) {
    const uint64_t id = key_for(rng, shape);
    const uint64_t op = rng.below(10);
    if (op < 4) {  // insert or overwrite
      const uint64_t value = rng.next_u64();
      map.insert_or_assign(id, std::make_unique<uint64_t>(value));
      reference[id] = value;
    } else if (op < 7) {
      EXPECT_EQ(map.erase(id), reference.erase(id) == 1) << "step " << step;
    } else if (op < 8) {
      std::unique_ptr<uint64_t>& slot = map.find_or_insert(id);
      if (!slot) slot = std::make_unique<uint64_t>(7);
      reference.try_emplace(id, 7);
    } else {
      const std::unique_ptr<uint64_t>* found = map.find(id);
      const auto it = reference.find(id);
      ASSERT_EQ(found != nullptr, it != reference.end()) << "step " << step;
      if (found != nullptr) {
        ASSERT_EQ(**found, it->second) << "step " << step;
      }
    }
    ASSERT_EQ(map.size(), reference.size()) << "step " << step;
  }
  // Every entry still reachable after all the shifting and rehashing.
  for (const auto& [id, value] : reference) {
    const std::unique_ptr<uint64_t>* found = map.find(id);
    ASSERT_NE(found, nullptr) << id;
    EXPECT_EQ(**found, value);
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, IdMapRandomOps, testing::Values(0, 1, 2, 3));

TEST(IdMap, MemoryFollowsLiveEntriesInASlidingWindow) {
  // Orders arrive and retire in roughly creation order: 1,000 live at any time out of a million.
  IdMap<uint64_t> map;
  size_t peak = 0;
  for (uint64_t id = 1; id <= 1'000'000; ++id) {
    map.insert(id, id);
    if (id > 1000) {
      ASSERT_TRUE(map.erase(id - 1000));
    }
    peak = std::max(peak, map.capacity());
  }
  EXPECT_EQ(map.size(), 1000u);
  EXPECT_LE(peak, 4096u);  // at most half full: 2,048 or 4,096 slots for 1,000 entries
  for (uint64_t id = 999'001; id <= 1'000'000; ++id) ASSERT_EQ(*map.find(id), id);
}

TEST(IdMap, ShrinksWhenEmptied) {
  IdMap<uint64_t> map;
  for (uint64_t id = 0; id < 100'000; ++id) map.insert(id, id);
  const size_t full = map.capacity();
  EXPECT_GE(full, 2 * map.size());  // never more than half full
  for (uint64_t id = 0; id < 100'000; ++id) {
    if (id % 10'000 != 0) {
      ASSERT_TRUE(map.erase(id));
    }
  }
  EXPECT_EQ(map.size(), 10u);
  EXPECT_LE(map.capacity(), 128u);
  for (uint64_t id = 0; id < 100'000; id += 10'000) EXPECT_EQ(*map.find(id), id);
}

}  // namespace
}  // namespace sim
