// IdMap, HashIdMap and DenseIdMap against std::map on long random operation sequences (the
// backward-shift erase, the grow/shrink rehashes, and pages dissolving into the overflow are where
// they would go wrong), with move-only values, and their memory following the live entries.
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
    case 0:
      return rng.below(5000);  // dense, sequential-like
    case 1:
      return (rng.below(2000) << 8) ^ rng.below(4);  // (payment << 8) ^ small
    case 2:
      return rng.below(64) * (uint64_t{1} << 20);  // same low 20 bits
    case 4:
      return rng.below(200'000);  // many pages, some thin: pages dissolve into the overflow
    default: {
      static constexpr uint64_t kEdges[] = {0, 1, UINT64_MAX, UINT64_MAX - 1, uint64_t{1} << 63};
      return kEdges[rng.below(5)];
    }
  }
}

template <template <class> class Map>
void behaves_like_std_map(int shape) {
  RandomStream rng(11, static_cast<uint64_t>(shape), purpose("id_map_test"));
  Map<std::unique_ptr<uint64_t>> map;
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

class IdMapRandomOps : public testing::TestWithParam<int> {};

TEST_P(IdMapRandomOps, HashIdMapBehavesLikeStdMap) { behaves_like_std_map<HashIdMap>(GetParam()); }
TEST_P(IdMapRandomOps, PagedIdMapBehavesLikeStdMap) { behaves_like_std_map<IdMap>(GetParam()); }
TEST_P(IdMapRandomOps, DenseIdMapBehavesLikeStdMap) {
  behaves_like_std_map<DenseIdMap>(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Shapes, IdMapRandomOps, testing::Values(0, 1, 2, 3, 4));

// Orders arrive and retire in roughly creation order: 1,000 live at any time out of `ids`.
// Returns the peak capacity.
template <class Map>
size_t slide_window(Map& map, uint64_t ids) {
  size_t peak = 0;
  for (uint64_t id = 1; id <= ids; ++id) {
    map.insert(id, id);
    if (id > 1000) {
      EXPECT_TRUE(map.erase(id - 1000));
    }
    peak = std::max(peak, map.capacity());
  }
  EXPECT_EQ(map.size(), 1000u);
  for (uint64_t id = ids - 999; id <= ids; ++id) EXPECT_EQ(*map.find(id), id);
  return peak;
}

TEST(IdMap, MemoryFollowsLiveEntriesInASlidingWindow) {
  IdMap<uint64_t> map;
  EXPECT_LE(slide_window(map, 1'000'000), 4096u);  // ~17 pages of 64 for 1,000 live ids
}

TEST(HashIdMap, MemoryFollowsLiveEntriesInASlidingWindow) {
  HashIdMap<uint64_t> map;
  EXPECT_LE(slide_window(map, 100'000), 4096u);  // at most half full: 2,048 or 4,096 slots
}

TEST(DenseIdMap, MemoryFollowsLiveEntriesInASlidingWindow) {
  DenseIdMap<uint64_t> map;
  EXPECT_LE(slide_window(map, 100'000), 2048u);  // the packed entries: 1,000 to 1,024
}

// A vector that doubles would hold up to 2x the entries (131,072 for 100,000) and, while it grows,
// the old array and the new one at once: with millions of orders in flight, gigabytes at the peak.
TEST(DenseIdMap, GrowsAndShrinksAChunkAtATime) {
  DenseIdMap<uint64_t> map;
  for (uint64_t id = 1; id <= 100'000; ++id) {
    map.insert(id * 7919, id);
    ASSERT_LE(map.capacity(), map.size() + 2 * 1024) << id;
  }
  for (uint64_t id = 1; id <= 100'000; ++id) {
    if (id % 1000 != 0) {
      ASSERT_TRUE(map.erase(id * 7919));
      ASSERT_LE(map.capacity(), map.size() + 2 * 1024) << id;
    }
  }
  EXPECT_EQ(map.size(), 100u);
  EXPECT_LE(map.capacity(), 4 * map.size());  // below a chunk, a vector that shrinks
  for (uint64_t id = 1000; id <= 100'000; id += 1000) EXPECT_EQ(*map.find(id * 7919), id);
}

TEST(IdMap, ShrinksWhenEmptied) {
  IdMap<uint64_t> map;
  for (uint64_t id = 0; id < 100'000; ++id) map.insert(id, id);
  const size_t full = map.capacity();
  EXPECT_GE(full, map.size());
  for (uint64_t id = 0; id < 100'000; ++id) {
    if (id % 10'000 != 0) {
      ASSERT_TRUE(map.erase(id));
    }
  }
  EXPECT_EQ(map.size(), 10u);
  EXPECT_LE(map.capacity(), 8 * 64 + 64u);  // the spare pages kept for reuse, and the overflow
  for (uint64_t id = 0; id < 100'000; id += 10'000) EXPECT_EQ(*map.find(id), id);
}

TEST(IdMap, ThinnedPagesDissolveSoMemoryFollowsLiveEntries) {
  // The pipeline's pattern: ids in sequence, most retire soon, every tenth lives 50x longer (an
  // order left unpaid until it expires). Kept as pages, those stragglers would pin a page each
  // for the whole 50,000-id window (~50k slots); dissolved into the overflow, they cost what they
  // are.
  IdMap<uint64_t> map;
  std::map<uint64_t, uint64_t> reference;
  size_t peak = 0;
  size_t peak_live = 0;
  for (uint64_t id = 1; id <= 400'000; ++id) {
    map.insert(id, id * 3);
    reference.emplace(id, id * 3);
    if (id > 1000 && (id - 1000) % 10 != 0) {
      ASSERT_TRUE(map.erase(id - 1000));
      reference.erase(id - 1000);
    }
    if (id > 50'000 && (id - 50'000) % 10 == 0) {
      ASSERT_TRUE(map.erase(id - 50'000));
      reference.erase(id - 50'000);
    }
    if (id % 997 == 0) {  // the long-lived and the recent are all still there
      for (uint64_t probe : {id - 49'990, id - 12'340, id - 999, id - 1}) {
        const auto it = reference.find(probe);
        const uint64_t* found = map.find(probe);
        ASSERT_EQ(found != nullptr, it != reference.end()) << probe;
        if (found != nullptr) {
          ASSERT_EQ(*found, it->second) << probe;
        }
      }
    }
    peak = std::max(peak, map.capacity());
    peak_live = std::max(peak_live, map.size());
  }
  EXPECT_EQ(map.size(), reference.size());
  EXPECT_LE(peak_live, 6'000u);
  // 64 recent pages (4,096 slots), 8 spare pages, an overflow at most half full for ~5,000
  // stragglers.
  EXPECT_LE(peak, 4'096u + 8 * 64 + 16'384);
  for (const auto& [id, value] : reference) {
    ASSERT_EQ(*map.find(id), value) << id;
  }
}

}  // namespace
}  // namespace sim
