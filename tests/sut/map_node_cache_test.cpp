// MapNodeCache: the map it serves behaves as if it used plain map operations (checked against a
// std::map on random operations), a value is destroyed when its entry is erased (not when its
// node is reused), and spare nodes are bounded.
#include "system_under_test/internal/map_node_cache.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>

#include "sim/random.h"

namespace sut::internal {
namespace {

TEST(MapNodeCacheTest, BehavesLikePlainMapOperations) {
  using Map = std::map<uint64_t, uint64_t>;
  Map map;
  Map reference;
  MapNodeCache<Map> cache(16);
  sim::RandomStream rng(5, 1, sim::purpose("map_node_cache_test"));
  for (int step = 0; step < 50'000; ++step) {
    const uint64_t key = rng.below(200);
    const uint64_t value = rng.below(1'000'000);
    switch (rng.below(4)) {
      case 0: {
        const bool inserted = cache.try_emplace(map, key, uint64_t{value}).second;
        EXPECT_EQ(inserted, reference.try_emplace(key, value).second);
        break;
      }
      case 1:
        cache.insert_or_assign(map, key, uint64_t{value});
        reference.insert_or_assign(key, value);
        break;
      case 2:
        EXPECT_EQ(cache.erase(map, key), reference.erase(key) == 1);
        break;
      default:
        if (auto it = map.find(key); it != map.end()) {
          cache.erase(map, it);
          reference.erase(key);
        }
        break;
    }
    ASSERT_LE(cache.spare(), 16u);
  }
  EXPECT_EQ(map, reference);
}

TEST(MapNodeCacheTest, ErasingDestroysTheValueAtOnce) {
  using Map = std::map<uint64_t, std::shared_ptr<int>>;
  Map map;
  MapNodeCache<Map> cache;
  auto value = std::make_shared<int>(1);
  std::weak_ptr<int> watch = value;
  cache.try_emplace(map, 3, std::move(value));
  EXPECT_FALSE(watch.expired());
  cache.erase(map, uint64_t{3});
  EXPECT_TRUE(watch.expired());  // released with the entry, though its node is kept
  EXPECT_EQ(cache.spare(), 1u);

  // The kept node is reused, with the new key and value.
  cache.try_emplace(map, 9, std::make_shared<int>(2));
  EXPECT_EQ(cache.spare(), 0u);
  ASSERT_EQ(map.size(), 1u);
  EXPECT_EQ(*map.at(9), 2);
}

TEST(MapNodeCacheTest, AssigningAnExistingKeyKeepsItsEntry) {
  using Map = std::map<uint64_t, uint64_t>;
  Map map;
  MapNodeCache<Map> cache;
  EXPECT_TRUE(cache.try_emplace(map, 1, 10).second);
  EXPECT_FALSE(cache.try_emplace(map, 1, 20).second);
  EXPECT_EQ(map.at(1), 10u);
  cache.insert_or_assign(map, 1, 30);
  EXPECT_EQ(map.at(1), 30u);
  EXPECT_FALSE(cache.erase(map, uint64_t{2}));
  EXPECT_EQ(map.size(), 1u);
}

}  // namespace
}  // namespace sut::internal
