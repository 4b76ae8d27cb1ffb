// MapNodeCache: reuses the nodes of erased std::map entries, so that a map whose size follows
// what is in flight (pending rows, delay queries waiting for an answer) stops allocating once it
// has reached its working size. The map itself is unchanged: same order, same iteration, same
// destruction order; only where a node's memory comes from differs.
//
// Erasing through the cache unlinks the entry and resets its value to a default-constructed one
// at once (so a sim::Hold in it is released exactly when erase would have released it), then keeps
// the empty node. At most `max_spare` nodes are kept: memory stays bounded by what is in flight
// plus a constant.
#pragma once

#include <cassert>
#include <cstddef>
#include <utility>
#include <vector>

namespace sut::internal {

template <class Map>
class MapNodeCache {
 public:
  using Key = typename Map::key_type;
  using Mapped = typename Map::mapped_type;

  explicit MapNodeCache(size_t max_spare = 1024) : max_spare_(max_spare) {}

  // map.try_emplace(key, value), with a spare node if there is one.
  std::pair<typename Map::iterator, bool> try_emplace(Map& map, const Key& key, Mapped&& value) {
    auto it = map.lower_bound(key);
    if (it != map.end() && !(map.key_comp()(key, it->first))) return {it, false};
    if (spare_.empty()) return {map.emplace_hint(it, key, std::move(value)), true};
    typename Map::node_type node = std::move(spare_.back());
    spare_.pop_back();
    node.key() = key;
    node.mapped() = std::move(value);
    return {map.insert(it, std::move(node)), true};
  }

  // map.insert_or_assign(key, value), with a spare node if there is one.
  void insert_or_assign(Map& map, const Key& key, Mapped&& value) {
    auto [it, inserted] = try_emplace(map, key, std::move(value));
    if (!inserted) it->second = std::move(value);
  }

  // map.erase(it), keeping the node. REQUIRES: it is a valid, dereferenceable iterator of map.
  void erase(Map& map, typename Map::iterator it) {
    typename Map::node_type node = map.extract(it);
    node.mapped() = Mapped{};  // destroys what the value held, as erase would, now
    if (spare_.size() < max_spare_) spare_.push_back(std::move(node));
  }

  // map.erase(key); returns whether it was there.
  bool erase(Map& map, const Key& key) {
    auto it = map.find(key);
    if (it == map.end()) return false;
    erase(map, it);
    return true;
  }

  size_t spare() const { return spare_.size(); }

 private:
  std::vector<typename Map::node_type> spare_;
  size_t max_spare_;
};

}  // namespace sut::internal
