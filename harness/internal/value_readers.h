// Decoders for the scalar and composite values of a scenario: numbers, probabilities,
// durations, rates, enums and distributions. Each takes the node at `at`, and returns the value
// or reports what was expected (with `at`'s location and key path) and returns nullopt.
// They fit MapReader::read: `reader.read("share", config.share, decode_probability)`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/internal/yaml_reader.h"
#include "sim/distribution.h"
#include "sim/time.h"

namespace harness::internal {

// Upper bound on the length of any list in a scenario (retry schedules, outages, points...).
inline constexpr size_t kMaxListLength = 10'000;
// Upper bound on the orders one run may expect to create (traffic rate x duration): beyond this a
// run takes hours (~17 events per order; an hour of a big wallet's peak, 72 M orders, took 46
// minutes of one core: docs/performance.md, "Peak day"); the loader refuses such a scenario up
// front. What is in flight at once, which is what takes memory, is bounded while the run goes
// (run_limits.h).
inline constexpr int64_t kMaxOrdersPerRun = 100'000'000;

std::optional<std::string> decode_string(Decoder& d, const Cursor& at);
std::optional<bool> decode_bool(Decoder& d, const Cursor& at);
std::optional<double> decode_number(Decoder& d, const Cursor& at);       // finite
std::optional<double> decode_probability(Decoder& d, const Cursor& at);  // in [0, 1]
std::optional<uint64_t> decode_uint64(Decoder& d, const Cursor& at);

// An integer in [min, max].
struct IntInRange {
  int64_t min;
  int64_t max;
  std::optional<int> operator()(Decoder& d, const Cursor& at) const;
};
std::optional<int64_t> decode_int64_at_least_zero(Decoder& d, const Cursor& at);

// A duration string with units ("250ms", "1h30m"), >= 0.
std::optional<sim::Duration> decode_duration(Decoder& d, const Cursor& at);
// As decode_duration, and > 0.
std::optional<sim::Duration> decode_positive_duration(Decoder& d, const Cursor& at);
// A point in simulated time, written as the duration since the run started.
std::optional<sim::Time> decode_time(Decoder& d, const Cursor& at);
// A list of durations >= 0, e.g. [4m, 10m, 1h].
std::optional<std::vector<sim::Duration>> decode_durations(Decoder& d, const Cursor& at);

// A rate "100/s", "6000/m", "360000/h", in events per second; must be > 0.
std::optional<double> decode_rate(Decoder& d, const Cursor& at);
// Parses rate text; nullopt unless it is <digits[.digits]>/<s|m|h>. The number may be zero.
std::optional<double> parse_rate_per_s(std::string_view text);

// A distribution map ({dist: exponential, mean: 20s}, ...) or a bare duration (fixed).
std::optional<sim::Distribution> decode_distribution(Decoder& d, const Cursor& at);

// A window {start: 20m, duration: 5m} (both required) as any struct with `start` (sim::Time)
// and `duration` (sim::Duration). `what` names it in messages: "an outage".
template <class Window>
std::optional<Window> decode_window(Decoder& d, const Cursor& at, std::string_view what) {
  MapReader reader(d, at);
  if (!reader.is_map() && !(at.node.IsNull())) return std::nullopt;
  std::optional<Cursor> start_at = reader.get("start");
  std::optional<Cursor> duration_at = reader.get("duration");
  if (!start_at) d.error(at, std::string(what) + " needs 'start'");
  if (!duration_at) d.error(at, std::string(what) + " needs 'duration'");
  if (!start_at || !duration_at) return std::nullopt;
  std::optional<sim::Time> start = decode_time(d, *start_at);
  std::optional<sim::Duration> duration = decode_duration(d, *duration_at);
  if (!start || !duration) return std::nullopt;
  Window window{};
  window.start = *start;
  window.duration = *duration;
  return window;
}

// One spelling of an enum value.
template <class E>
struct EnumName {
  std::string_view name;
  E value;
};

// Decodes one of the given spellings; anything else is an error listing them all.
template <class E>
struct EnumOf {
  std::vector<EnumName<E>> names;

  std::optional<E> operator()(Decoder& d, const Cursor& at) const {
    std::vector<std::string> spellings;
    for (const EnumName<E>& name : names) spellings.emplace_back(name.name);
    if (at.node.IsScalar()) {
      const std::string& text = at.node.Scalar();
      for (const EnumName<E>& name : names) {
        if (name.name == text) return name.value;
      }
      d.error(at, "unknown value '" + text + "'; expected one of: " + join(spellings) +
                      did_you_mean(text, spellings));
      return std::nullopt;
    }
    d.error(at, "expected one of: " + join(spellings) + "; got " + describe(at.node));
    return std::nullopt;
  }
};

}  // namespace harness::internal
