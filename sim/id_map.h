// IdMap: a map from 64-bit ids to values, open addressing with linear probing.
//
// The table is kept at most half full: linear probing at 3/4 load walks about 8 slots to find a
// free one (every insert, every miss, and the backward shift after an erase), at 1/2 about 2.5.
// Ids are spread by Fibonacci hashing (one multiply; the top bits of the product index the
// table), which scatters sequential and strided ids evenly.
//
// The model looks orders and payments up by id on every event, so this must be fast, and it
// must never make the simulation depend on memory addresses or hash order: it deliberately has
// no iteration. Code that needs to visit entries keeps its own ordered index of ids.
// Memory follows the number of live entries (the table shrinks when it becomes sparse).
#pragma once

#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace sim {

template <class T>
class IdMap {
 public:
  IdMap() { rehash(16); }

  T* find(uint64_t id) {
    size_t i = index_of(id);
    while (slots_[i].has_value()) {
      if (slots_[i]->first == id) return &slots_[i]->second;
      i = (i + 1) & mask_;
    }
    return nullptr;
  }
  const T* find(uint64_t id) const { return const_cast<IdMap*>(this)->find(id); }
  bool contains(uint64_t id) const { return find(id) != nullptr; }

  // Returns the value for `id`, default-constructing it when absent.
  T& find_or_insert(uint64_t id) {
    if (T* found = find(id)) return *found;
    return insert(id, T{});
  }

  // REQUIRES: `id` is absent.
  T& insert(uint64_t id, T value) {
    assert(find(id) == nullptr);
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    size_t i = index_of(id);
    while (slots_[i].has_value()) i = (i + 1) & mask_;
    slots_[i].emplace(id, std::move(value));
    ++size_;
    return slots_[i]->second;
  }

  // Sets the value for `id`, inserting it when absent.
  T& insert_or_assign(uint64_t id, T value) {
    if (T* found = find(id)) {
      *found = std::move(value);
      return *found;
    }
    return insert(id, std::move(value));
  }

  // Removes `id` if present (backward-shift deletion: no tombstones). Returns whether it was.
  bool erase(uint64_t id) {
    size_t i = index_of(id);
    while (slots_[i].has_value() && slots_[i]->first != id) i = (i + 1) & mask_;
    if (!slots_[i].has_value()) return false;
    slots_[i].reset();
    --size_;
    size_t hole = i;
    for (size_t j = (i + 1) & mask_; slots_[j].has_value(); j = (j + 1) & mask_) {
      const size_t home = index_of(slots_[j]->first);
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const bool home_between = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (!home_between) {
        slots_[hole] = std::move(slots_[j]);
        slots_[j].reset();
        hole = j;
      }
    }
    if (slots_.size() > 64 && size_ * 8 < slots_.size()) rehash(slots_.size() / 2);
    return true;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Slots allocated (a power of two): at most ~4x size() once the table has shrunk after erases.
  size_t capacity() const { return slots_.size(); }

 private:
  size_t index_of(uint64_t id) const {
    return static_cast<size_t>((id * 0x9e3779b97f4a7c15ULL) >> shift_);
  }

  void rehash(size_t capacity) {
    std::vector<std::optional<std::pair<uint64_t, T>>> old = std::move(slots_);
    slots_ = std::vector<std::optional<std::pair<uint64_t, T>>>(capacity);
    assert(capacity >= 2 && (capacity & (capacity - 1)) == 0);
    mask_ = capacity - 1;
    shift_ = static_cast<unsigned>(std::countl_zero(static_cast<uint64_t>(mask_)));
    size_ = 0;
    for (auto& slot : old) {
      if (slot.has_value()) insert(slot->first, std::move(slot->second));
    }
  }

  std::vector<std::optional<std::pair<uint64_t, T>>> slots_;
  size_t mask_ = 0;
  unsigned shift_ = 64;  // 64 - log2(capacity): index_of keeps the top bits of the product
  size_t size_ = 0;
};

}  // namespace sim
