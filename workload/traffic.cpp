#include "workload/traffic.h"

#include <algorithm>
#include <cmath>

namespace workload {

Traffic::Traffic(sim::Runtime& runtime, const TrafficConfig& config, sim::Duration window,
                 ArrivalHandler on_arrival)
    : runtime_(runtime), config_(config), window_(window), on_arrival_(std::move(on_arrival)) {}

double Traffic::rate_at(sim::Time at) const {
  if (config_.profile.empty()) return config_.rate_per_s;
  const sim::Duration time_of_day = sim::Duration::micros(at.us() % sim::Duration::days(1).us());
  double rate = config_.profile.front().rate_per_s;
  for (const RatePoint& point : config_.profile) {
    if (point.time_of_day <= time_of_day) rate = point.rate_per_s;
  }
  return rate;
}

double Traffic::max_rate() const {
  if (config_.profile.empty()) return config_.rate_per_s;
  double rate = 0;
  for (const RatePoint& point : config_.profile) rate = std::max(rate, point.rate_per_s);
  return rate;
}

void Traffic::start() {
  if (max_rate() <= 0 || window_ <= sim::Duration::zero()) {
    finished_ = true;
    return;
  }
  schedule_next();
}

void Traffic::schedule_next() {
  // Poisson with a time-varying rate by thinning: candidates at the peak rate, each kept with
  // probability rate(t)/peak. Every draw has its own keyed stream (index = draw number).
  const double peak = max_rate();
  sim::Time t = runtime_.now();
  while (true) {
    sim::RandomStream rng = runtime_.random(0, sim::purpose("traffic.arrival"), draws_++);
    double gap_s;
    if (config_.arrival == TrafficConfig::Arrival::kPoisson) {
      gap_s = -std::log(1.0 - rng.uniform01()) / peak;
    } else {
      gap_s = 1.0 / peak;
    }
    t = t + sim::Duration::micros(std::max<int64_t>(0, std::llround(gap_s * 1e6)));
    if (t >= sim::Time() + window_) {
      finished_ = true;
      return;
    }
    const double keep = rate_at(t) / peak;
    if (keep >= 1.0 || rng.uniform01() < keep) break;
  }
  runtime_.schedule_after(t - runtime_.now(), [this] {
    const uint64_t order = ++arrivals_;
    on_arrival_(order);
    schedule_next();
  });
}

}  // namespace workload
