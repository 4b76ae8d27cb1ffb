// EventId: the handle returned when an event is scheduled, used only to cancel it.
#pragma once

#include <cstdint>

namespace sim {

// 0 means "no event". Otherwise the low 32 bits name a storage slot and the high 32 bits that
// slot's generation, so an id kept after its event ran or was cancelled never cancels a later event
// that reuses the slot.
struct EventId {
  uint64_t value = 0;
  bool valid() const { return value != 0; }
  friend bool operator==(EventId, EventId) = default;
};

}  // namespace sim
