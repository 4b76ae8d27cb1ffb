// Traffic: order arrivals over the traffic window, Poisson (or evenly spaced) at a rate that
// may follow a daily profile. Arrivals come from their own keyed stream (entity 0), so every
// variant of a comparison sees exactly the same orders at the same times.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "sim/runtime.h"
#include "workload/config.h"

namespace workload {

class Traffic {
 public:
  using ArrivalHandler = std::function<void(uint64_t order)>;

  Traffic(sim::Runtime& runtime, const TrafficConfig& config, sim::Duration window,
          ArrivalHandler on_arrival);

  // Schedules the first arrival. Orders are numbered 1, 2, 3... in arrival order.
  void start();

  uint64_t arrivals() const { return arrivals_; }
  // Random draws made: one per arrival, and one for the draw that fell past the window.
  uint64_t draws() const { return draws_; }
  bool finished() const { return finished_; }

  // The arrival rate (per second) at simulated time `at`.
  double rate_at(sim::Time at) const;
  double max_rate() const;

 private:
  void schedule_next();
  std::optional<sim::Time> arrival_after(sim::Time from, double need, sim::Time end) const;

  sim::Runtime& runtime_;
  const TrafficConfig& config_;
  sim::Duration window_;
  ArrivalHandler on_arrival_;
  uint64_t arrivals_ = 0;
  uint64_t draws_ = 0;
  bool finished_ = false;
};

}  // namespace workload
