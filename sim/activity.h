// Activity: how much pending work each entity (an order) has across the model.
//
// Components call begin(entity) when they schedule work for an entity (a timer, a message in
// flight, a durable row that a job will revisit) and end(entity) when that work is done. When an
// entity's count returns to zero nothing can touch it any more, and the idle handler runs: the
// harness tallies the entity and frees every record of it. This keeps memory proportional to
// what is in flight, whatever the length of the run.
#pragma once

#include <cassert>
#include <cstdint>
#include <functional>
#include <utility>

#include "sim/id_map.h"

namespace sim {

class Activity {
 public:
  using IdleHandler = std::function<void(uint64_t entity)>;

  void set_idle_handler(IdleHandler handler) { on_idle_ = std::move(handler); }

  void begin(uint64_t entity) { ++counts_.find_or_insert(entity); }

  // REQUIRES: a matching begin(entity).
  void end(uint64_t entity) {
    uint32_t* count = counts_.find(entity);
    assert(count != nullptr && *count > 0);
    if (--*count == 0) {
      counts_.erase(entity);
      if (on_idle_) on_idle_(entity);
    }
  }

  bool busy(uint64_t entity) const { return counts_.contains(entity); }
  size_t busy_entities() const { return counts_.size(); }

 private:
  IdMap<uint32_t> counts_;
  IdleHandler on_idle_;
};

// Holds one unit of activity for an entity for as long as it lives; movable, not copyable.
// A timer callback that owns a Hold releases it when the callback is destroyed, whether it ran
// or was cancelled, so counts cannot leak.
class Hold {
 public:
  Hold() = default;
  Hold(Activity& activity, uint64_t entity) : activity_(&activity), entity_(entity) {
    activity_->begin(entity_);
  }
  // Takes over one unit that someone already began for `entity` (e.g. when a call was sent);
  // released like any other Hold.
  static Hold adopt(Activity& activity, uint64_t entity) {
    Hold hold;
    hold.activity_ = &activity;
    hold.entity_ = entity;
    return hold;
  }

  Hold(Hold&& other) noexcept
      : activity_(std::exchange(other.activity_, nullptr)), entity_(other.entity_) {}
  Hold& operator=(Hold&& other) noexcept {
    if (this != &other) {
      release();
      activity_ = std::exchange(other.activity_, nullptr);
      entity_ = other.entity_;
    }
    return *this;
  }
  Hold(const Hold&) = delete;
  Hold& operator=(const Hold&) = delete;
  ~Hold() { release(); }

  void release() {
    if (activity_ != nullptr) std::exchange(activity_, nullptr)->end(entity_);
  }
  uint64_t entity() const { return entity_; }
  bool active() const { return activity_ != nullptr; }

 private:
  Activity* activity_ = nullptr;
  uint64_t entity_ = 0;
};

}  // namespace sim
