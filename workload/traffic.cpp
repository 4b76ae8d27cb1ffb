#include "workload/traffic.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace workload {
namespace {

// Seconds to whole microseconds, as arrivals have always been rounded.
int64_t llround_nonnegative(double seconds) {
  return std::max<int64_t>(0, std::llround(seconds * 1e6));
}

}  // namespace

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

// The arrival after `from`: the time at which the integral of rate(t) from `from` reaches
// `need` (Exp(1) for Poisson arrivals, 1 for evenly spaced ones), or nullopt when it is not
// reached before `end`. The rate is piecewise constant, so the integral is walked piece by piece
// (a zero-rate piece is skipped whole): the cost is one step per piece crossed, whatever the
// rates, and the arrivals are exactly those of the time-varying process (no thinning at a peak).
std::optional<sim::Time> Traffic::arrival_after(sim::Time from, double need, sim::Time end) const {
  if (config_.profile.empty()) {
    const sim::Time t =
        from + sim::Duration::micros(llround_nonnegative(need / config_.rate_per_s));
    if (t >= end) return std::nullopt;
    return t;
  }
  constexpr int64_t kDayUs = sim::Duration::days(1).us();
  int64_t t_us = from.us();
  while (t_us < end.us()) {
    const int64_t day_start = t_us - t_us % kDayUs;
    const int64_t time_of_day = t_us % kDayUs;
    // The piece holding time_of_day, and where it ends.
    std::size_t i = 0;
    while (i + 1 < config_.profile.size() && config_.profile[i + 1].time_of_day.us() <= time_of_day)
      ++i;
    const int64_t piece_end =
        day_start +
        (i + 1 < config_.profile.size() ? config_.profile[i + 1].time_of_day.us() : kDayUs);
    const double rate = config_.profile[i].rate_per_s;
    const double piece_s = static_cast<double>(piece_end - t_us) / 1e6;
    if (rate > 0 && rate * piece_s >= need) {
      const sim::Time t =
          sim::Time() + sim::Duration::micros(t_us + llround_nonnegative(need / rate));
      if (t >= end) return std::nullopt;
      return t;
    }
    if (rate > 0) need -= rate * piece_s;
    t_us = piece_end;
  }
  return std::nullopt;
}

void Traffic::schedule_next() {
  // Every arrival has its own keyed stream (index = arrival number): the same orders at the same
  // times in every variant of a comparison.
  sim::RandomStream rng = runtime_.random(0, sim::purpose("traffic.arrival"), draws_++);
  const double need =
      config_.arrival == TrafficConfig::Arrival::kPoisson ? -std::log(1.0 - rng.uniform01()) : 1.0;
  const std::optional<sim::Time> next = arrival_after(runtime_.now(), need, sim::Time() + window_);
  if (!next) {
    finished_ = true;
    return;
  }
  const sim::Time t = *next;
  runtime_.schedule_after(t - runtime_.now(), [this] {
    const uint64_t order = ++arrivals_;
    on_arrival_(order);
    schedule_next();
  });
}

}  // namespace workload
