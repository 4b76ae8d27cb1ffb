// IdMap: a map from 64-bit ids to values, laid out for ids that are handed out in sequence
// (orders, payments, requests, messages) and retire in roughly the same order.
//
// The model looks orders and payments up by id on every event, so this must be fast, and it
// must never make the simulation depend on memory addresses or hash order: neither map here has
// iteration. Code that needs to visit entries keeps its own ordered index of ids.
//
// HashIdMap: open addressing with linear probing, at most half full (at 3/4 load a miss walks
// about 8 slots, at 1/2 about 2.5), ids spread by Fibonacci hashing (one multiply; the top bits
// of the product index the table). It scatters neighbouring ids over the whole table, so in a
// large table every look-up is a cache miss of its own.
//
// DenseIdMap: the same map for entries that are many and rarely looked up (IdMap's overflow:
// the long-lived ids of old pages). The entries are packed in an array of chunks of 1,024, an
// erase moving the last entry into the hole, and the open-addressing table holds 4-byte indexes
// into it, at most half full. An entry costs its id and value once plus ~12 bytes of table, where
// HashIdMap's slots cost ~2.8x (id, flag and value): for the model's records (40-150 bytes) a half
// to a third of the memory. Chunks, not one vector, so that growing never copies the entries nor
// holds the old and the new array at once (millions of orders in flight: a vector's doubling
// would add a transient of twice the map to the peak), and at most one chunk and one spare are
// unused. A look-up reads the table and then the entry, one cache miss more than HashIdMap.
//
// IdMap: neighbouring ids share memory. Ids are grouped in pages of 64 (a page: a 64-bit
// occupancy mask and 64 value slots), and a small HashIdMap finds the page. Orders created a
// moment apart are worked on a moment apart, so the pages of the recent ids stay in cache: in
// the pipeline this cuts the cache misses of a whole run by ~40% (docs/performance.md, "Pipeline").
// So that memory still follows the live entries rather than the id range, a page that is no
// longer among the newest and has thinned out (a few long-lived ids among many retired ones,
// e.g. orders left unpaid until they expire) is dissolved: its last entries move to an overflow
// DenseIdMap, and ids of such old pages are stored there from then on.
//
// Pointers and references returned by either map are valid until the next insert or erase.
#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <utility>
#include <vector>

namespace sim {

namespace internal {
// Open addressing as HashIdMap and DenseIdMap do it. Fibonacci hashing: the top bits of the
// product index the table, `shift` being 64 - log2(table size).
inline unsigned hash_shift(size_t mask) {
  return static_cast<unsigned>(std::countl_zero(static_cast<uint64_t>(mask)));
}
inline size_t home_slot(uint64_t id, unsigned shift) {
  return static_cast<size_t>((id * 0x9e3779b97f4a7c15ULL) >> shift);
}
// Backward-shift deletion (no tombstones): the entry in slot `j`, whose home is `home`, moves
// into the hole unless its home lies cyclically in (hole, j].
inline bool fills_hole(size_t hole, size_t home, size_t j) {
  const bool home_between = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
  return !home_between;
}

// What the maps build on their own find and insert.
template <class Map, class T>
class IdMapOps {
 public:
  bool contains(uint64_t id) const { return static_cast<const Map&>(*this).find(id) != nullptr; }

  // Returns the value for `id`, default-constructing it when absent.
  T& find_or_insert(uint64_t id) {
    if (T* found = self().find(id)) return *found;
    return self().insert(id, T{});
  }

  // Sets the value for `id`, inserting it when absent.
  T& insert_or_assign(uint64_t id, T value) {
    if (T* found = self().find(id)) {
      *found = std::move(value);
      return *found;
    }
    return self().insert(id, std::move(value));
  }

 private:
  Map& self() { return static_cast<Map&>(*this); }
};
}  // namespace internal

template <class T>
class HashIdMap : public internal::IdMapOps<HashIdMap<T>, T> {
 public:
  HashIdMap() { rehash(16); }

  T* find(uint64_t id) {
    size_t i = index_of(id);
    while (slots_[i].has_value()) {
      if (slots_[i]->first == id) return &slots_[i]->second;
      i = (i + 1) & mask_;
    }
    return nullptr;
  }
  const T* find(uint64_t id) const { return const_cast<HashIdMap*>(this)->find(id); }

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

  // Removes `id` if present (backward-shift deletion: no tombstones). Returns whether it was.
  bool erase(uint64_t id) {
    size_t i = index_of(id);
    while (slots_[i].has_value() && slots_[i]->first != id) i = (i + 1) & mask_;
    if (!slots_[i].has_value()) return false;
    slots_[i].reset();
    --size_;
    size_t hole = i;
    for (size_t j = (i + 1) & mask_; slots_[j].has_value(); j = (j + 1) & mask_) {
      if (internal::fills_hole(hole, index_of(slots_[j]->first), j)) {
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
  size_t index_of(uint64_t id) const { return internal::home_slot(id, shift_); }

  void rehash(size_t capacity) {
    std::vector<std::optional<std::pair<uint64_t, T>>> old = std::move(slots_);
    slots_ = std::vector<std::optional<std::pair<uint64_t, T>>>(capacity);
    assert(capacity >= 2 && (capacity & (capacity - 1)) == 0);
    mask_ = capacity - 1;
    shift_ = internal::hash_shift(mask_);
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

template <class T>
class DenseIdMap : public internal::IdMapOps<DenseIdMap<T>, T> {
 public:
  DenseIdMap() { rehash(16); }

  T* find(uint64_t id) {
    const uint32_t index = slots_[slot_of(id)];
    return index == kEmpty ? nullptr : &entry(index).second;
  }
  const T* find(uint64_t id) const { return const_cast<DenseIdMap*>(this)->find(id); }

  // REQUIRES: `id` is absent.
  T& insert(uint64_t id, T value) {
    assert(find(id) == nullptr);
    assert(size_ < kEmpty);
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    const size_t chunk = size_ >> kChunkBits;
    if (chunk == chunks_.size()) {
      chunks_.emplace_back();
      // The first chunk grows as a vector does (a small map stays small); the others are whole.
      if (chunk > 0) chunks_.back().reserve(kChunkEntries);
    }
    slots_[slot_of(id)] = static_cast<uint32_t>(size_);
    ++size_;
    return chunks_[chunk].emplace_back(id, std::move(value)).second;
  }

  // Removes `id` if present. Returns whether it was.
  bool erase(uint64_t id) {
    const size_t slot = slot_of(id);
    const uint32_t index = slots_[slot];
    if (index == kEmpty) return false;
    const uint32_t last = static_cast<uint32_t>(size_ - 1);
    if (index != last) {
      slots_[slot_of(entry(last).first)] = index;
      entry(index) = std::move(entry(last));
    }
    chunks_[last >> kChunkBits].pop_back();
    --size_;
    remove_slot(slot);
    // One empty chunk is kept at the end, so a size that goes back and forth across a chunk's
    // edge does not allocate and free a chunk each time; a second one is freed.
    const size_t chunks_in_use = (size_ + kChunkEntries - 1) >> kChunkBits;
    if (chunks_.size() > chunks_in_use + 1) chunks_.pop_back();
    if (size_ <= kChunkEntries / 2 && chunks_.size() > 1) chunks_.resize(1);  // small again
    if (slots_.size() > 64 && size_ * 8 < slots_.size()) rehash(slots_.size() / 2);
    if (chunks_.size() == 1 && chunks_[0].capacity() > 64 && size_ * 4 < chunks_[0].capacity()) {
      chunks_[0].shrink_to_fit();
    }
    return true;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Entries allocated: size() plus at most two chunks' worth (the one being filled and a spare),
  // or, below one chunk, at most ~4x size() once the array has shrunk after erases.
  size_t capacity() const {
    size_t total = 0;
    for (const std::vector<Entry>& chunk : chunks_) total += chunk.capacity();
    return total;
  }

 private:
  using Entry = std::pair<uint64_t, T>;
  static constexpr uint32_t kEmpty = UINT32_MAX;
  static constexpr unsigned kChunkBits = 10;
  static constexpr size_t kChunkEntries = size_t{1} << kChunkBits;

  Entry& entry(uint32_t index) { return chunks_[index >> kChunkBits][index & (kChunkEntries - 1)]; }
  size_t home_of(uint64_t id) const { return internal::home_slot(id, shift_); }
  // The slot holding `id`, or the empty slot that ends its probe sequence.
  size_t slot_of(uint64_t id) {
    size_t i = home_of(id);
    while (slots_[i] != kEmpty && entry(slots_[i]).first != id) i = (i + 1) & mask_;
    return i;
  }

  // Empties slot `i` (backward-shift deletion, as HashIdMap::erase).
  void remove_slot(size_t i) {
    slots_[i] = kEmpty;
    size_t hole = i;
    for (size_t j = (i + 1) & mask_; slots_[j] != kEmpty; j = (j + 1) & mask_) {
      if (internal::fills_hole(hole, home_of(entry(slots_[j]).first), j)) {
        slots_[hole] = slots_[j];
        slots_[j] = kEmpty;
        hole = j;
      }
    }
  }

  void rehash(size_t capacity) {
    assert(capacity >= 2 && (capacity & (capacity - 1)) == 0);
    slots_.assign(capacity, kEmpty);
    slots_.shrink_to_fit();
    mask_ = capacity - 1;
    shift_ = internal::hash_shift(mask_);
    for (uint32_t index = 0; index < size_; ++index) {
      size_t i = home_of(entry(index).first);
      while (slots_[i] != kEmpty) i = (i + 1) & mask_;
      slots_[i] = index;
    }
  }

  // Packed: entry i is chunks_[i / 1024][i % 1024]; an erase moves the last into the hole.
  std::vector<std::vector<Entry>> chunks_;
  size_t size_ = 0;
  std::vector<uint32_t> slots_;  // index of an entry, or kEmpty
  size_t mask_ = 0;
  unsigned shift_ = 64;
};

template <class T>
class IdMap : public internal::IdMapOps<IdMap<T>, T> {
 public:
  IdMap() = default;
  IdMap(IdMap&&) noexcept = default;
  IdMap& operator=(IdMap&&) noexcept = default;

  T* find(uint64_t id) {
    if (std::unique_ptr<Page>* page = pages_.find(id >> kPageBits)) {
      const unsigned i = slot_of(id);
      return (*page)->has(i) ? (*page)->at(i) : nullptr;
    }
    return overflow_.empty() ? nullptr : overflow_.find(id);
  }
  const T* find(uint64_t id) const { return const_cast<IdMap*>(this)->find(id); }

  // REQUIRES: `id` is absent.
  T& insert(uint64_t id, T value) {
    assert(find(id) == nullptr);
    const uint64_t page_number = id >> kPageBits;
    std::unique_ptr<Page>* page = pages_.find(page_number);
    if (page == nullptr) {
      // An id of a page that is gone and old joins its fellows in the overflow.
      if (!is_recent(page_number)) {
        ++size_;
        return overflow_.insert(id, std::move(value));
      }
      if (page_number > newest_page_) advance_newest(page_number);
      page = &pages_.insert(page_number, take_page());
    }
    ++size_;
    return (*page)->emplace(slot_of(id), std::move(value));
  }

  // Removes `id` if present. Returns whether it was.
  bool erase(uint64_t id) {
    const uint64_t page_number = id >> kPageBits;
    std::unique_ptr<Page>* page = pages_.find(page_number);
    if (page == nullptr) {
      if (!overflow_.erase(id)) return false;
      --size_;
      return true;
    }
    const unsigned i = slot_of(id);
    if (!(*page)->has(i)) return false;
    (*page)->destroy(i);
    --size_;
    const int live = (*page)->live();
    if (live == 0) {
      keep_page(std::move(*page));
      pages_.erase(page_number);
    } else if (live <= kThinPage && !is_recent(page_number)) {
      dissolve(page_number, *page);
    }
    return true;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Value slots allocated: pages (kept pages hold 64 each) plus the overflow table's slots.
  size_t capacity() const {
    return ((pages_.size() + spares_.size()) << kPageBits) + overflow_.capacity();
  }

 private:
  static constexpr unsigned kPageBits = 6;  // 64 ids a page: one occupancy word
  // A page with at most this many entries left is dissolved once it is no longer recent.
  static constexpr int kThinPage = 16;
  // Pages within this many of the newest are recent: they are still filling up, or their ids
  // are still being worked on, and are never dissolved.
  static constexpr uint64_t kRecentPages = 64;
  static constexpr size_t kSparePages = 8;

  class Page {
   public:
    Page() {}  // NOLINT(modernize-use-equals-default): storage stays uninitialised
    Page(const Page&) = delete;
    Page& operator=(const Page&) = delete;
    ~Page() {
      for (uint64_t rest = used_; rest != 0; rest &= rest - 1) {
        at(static_cast<unsigned>(std::countr_zero(rest)))->~T();
      }
    }
    bool has(unsigned i) const { return (used_ >> i) & 1; }
    int live() const {
      return live_;
    }  // kept, not counted: std::popcount is a libgcc call without -mpopcnt
    uint64_t used() const { return used_; }
    T* at(unsigned i) { return std::launder(reinterpret_cast<T*>(storage_ + i * sizeof(T))); }
    T& emplace(unsigned i, T&& value) {
      T* slot = ::new (static_cast<void*>(storage_ + i * sizeof(T))) T(std::move(value));
      used_ |= uint64_t{1} << i;
      ++live_;
      return *slot;
    }
    void destroy(unsigned i) {
      at(i)->~T();
      used_ &= ~(uint64_t{1} << i);
      --live_;
    }

   private:
    uint64_t used_ = 0;
    int live_ = 0;
    alignas(T) unsigned char storage_[sizeof(T) << kPageBits];
  };

  static unsigned slot_of(uint64_t id) {
    return static_cast<unsigned>(id & ((uint64_t{1} << kPageBits) - 1));
  }
  bool is_recent(uint64_t page_number) const { return page_number + kRecentPages >= newest_page_; }

  // Pages are created (new ids) and emptied or dissolved (old ids) at the same pace, so a few
  // spare pages make the steady state allocation-free.
  std::unique_ptr<Page> take_page() {
    if (spares_.empty()) return std::make_unique<Page>();
    std::unique_ptr<Page> page = std::move(spares_.back());
    spares_.pop_back();
    return page;
  }
  void keep_page(std::unique_ptr<Page> page) {
    if (spares_.size() < kSparePages) spares_.push_back(std::move(page));
  }

  // Pages that stop being recent are dissolved if they are already thin (their ids may have
  // retired while the page was recent, and no later erase would look at it again).
  void advance_newest(uint64_t page_number) {
    const uint64_t was_recent_from = newest_page_ >= kRecentPages ? newest_page_ - kRecentPages : 0;
    newest_page_ = page_number;
    const uint64_t recent_from = newest_page_ >= kRecentPages ? newest_page_ - kRecentPages : 0;
    // No page above the old newest exists, so at most kRecentPages + 1 pages to look at.
    const uint64_t end = std::min(recent_from, was_recent_from + kRecentPages + 1);
    for (uint64_t old = was_recent_from; old < end; ++old) {
      std::unique_ptr<Page>* page = pages_.find(old);
      if (page != nullptr && (*page)->live() <= kThinPage) dissolve(old, *page);
    }
  }

  void dissolve(uint64_t page_number, std::unique_ptr<Page>& page) {
    for (uint64_t rest = page->used(); rest != 0; rest &= rest - 1) {
      const unsigned i = static_cast<unsigned>(std::countr_zero(rest));
      overflow_.insert((page_number << kPageBits) | i, std::move(*page->at(i)));
      page->destroy(i);
    }
    keep_page(std::move(page));
    pages_.erase(page_number);
  }

  HashIdMap<std::unique_ptr<Page>> pages_;     // page number -> page
  DenseIdMap<T> overflow_;                     // ids whose page was dissolved
  std::vector<std::unique_ptr<Page>> spares_;  // empty pages kept for reuse
  uint64_t newest_page_ = 0;
  size_t size_ = 0;
};

}  // namespace sim
