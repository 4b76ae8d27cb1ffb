// Storage for pending callbacks: a slab of slots with a free list and per-slot generations.
//
// Slots live in fixed-size chunks that never move, so a callback can run in place while it
// schedules more events (which may add chunks). A slot's generation changes whenever the event in
// it stops being pending (it starts running or is cancelled), so an id minted for an earlier
// occupant never matches the slot again (until 2^32 reuses of that one slot). Memory grows with the
// peak number of pending events, not with the number of events run.
#pragma once

#include <cassert>
#include <cstdint>
#include <memory>
#include <vector>

#include "sim/callback.h"

namespace sim::internal {

// One cache line: running an event touches exactly one line of the slab.
struct alignas(64) Slot {
  Callback fn;              // non-empty iff an event is pending or running in this slot
  uint32_t generation = 1;  // never 0, so an id built from it is never 0
  uint32_t next_free = 0;   // free-list link, meaningful only while the slot is free
};

static_assert(sizeof(Slot) == 64);

class SlotSlab {
 public:
  static constexpr uint32_t kNoSlot = UINT32_MAX;

  // Returns the index of a free slot (its `fn` is empty). The slot stays taken until release().
  uint32_t acquire() {
    if (free_head_ == kNoSlot) add_chunk();
    const uint32_t index = free_head_;
    free_head_ = (*this)[index].next_free;
    return index;
  }

  // Makes every id minted for the slot's current generation stale.
  void retire(uint32_t index) {
    Slot& slot = (*this)[index];
    if (++slot.generation == 0) slot.generation = 1;
  }

  // Destroys the slot's callback and returns the slot to the free list.
  void release(uint32_t index) {
    Slot& slot = (*this)[index];
    slot.fn.reset();
    slot.next_free = free_head_;
    free_head_ = index;
  }

  Slot& operator[](uint32_t index) {
    assert(index < capacity());
    return chunks_[index >> kChunkBits][index & (kChunkSize - 1)];
  }
  const Slot& operator[](uint32_t index) const {
    assert(index < capacity());
    return chunks_[index >> kChunkBits][index & (kChunkSize - 1)];
  }
  uint32_t capacity() const { return static_cast<uint32_t>(chunks_.size()) << kChunkBits; }

 private:
  static constexpr uint32_t kChunkBits = 10;
  static constexpr uint32_t kChunkSize = uint32_t{1} << kChunkBits;

  void add_chunk() {
    assert(chunks_.size() < (size_t{1} << (32 - kChunkBits)) - 1 && "too many pending events");
    const uint32_t base = capacity();
    chunks_.push_back(std::make_unique<Slot[]>(kChunkSize));
    // Link the new slots in index order so that fresh slots are handed out lowest first.
    for (uint32_t i = kChunkSize; i-- > 0;) {
      Slot& slot = chunks_.back()[i];
      slot.next_free = free_head_;
      free_head_ = base + i;
    }
  }

  std::vector<std::unique_ptr<Slot[]>> chunks_;
  uint32_t free_head_ = kNoSlot;
};

}  // namespace sim::internal
