#include "harness/internal/value_readers.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace harness::internal {
namespace {

constexpr std::string_view kDurationHint =
    "a duration with a unit (us, ms, s, m, h, d), e.g. 250ms, 10s or 1h30m";

// The whole of `text` as a number; from_chars so "1e3" works but "1,5" and " 1" do not.
template <class T>
std::optional<T> parse_whole(std::string_view text) {
  T value{};
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::string format_number(double value) { return fmt::format("{}", value); }

}  // namespace

std::optional<std::string> decode_string(Decoder& d, const Cursor& at) {
  if (!at.node.IsScalar()) {
    d.error(at, "expected a string, got " + describe(at.node));
    return std::nullopt;
  }
  return at.node.Scalar();
}

std::optional<bool> decode_bool(Decoder& d, const Cursor& at) {
  bool value = false;
  if (at.node.IsScalar() && YAML::convert<bool>::decode(at.node, value)) return value;
  d.error(at, "expected true or false, got " + describe(at.node));
  return std::nullopt;
}

std::optional<double> decode_number(Decoder& d, const Cursor& at) {
  std::optional<double> value;
  if (at.node.IsScalar()) value = parse_whole<double>(at.node.Scalar());
  if (!value || !std::isfinite(*value)) {
    d.error(at, "expected a number, got " + describe(at.node));
    return std::nullopt;
  }
  return value;
}

std::optional<double> decode_probability(Decoder& d, const Cursor& at) {
  std::optional<double> value;
  if (at.node.IsScalar()) value = parse_whole<double>(at.node.Scalar());
  if (!value || !std::isfinite(*value)) {
    d.error(at, "expected a probability in [0, 1], got " + describe(at.node));
    return std::nullopt;
  }
  if (*value < 0.0 || *value > 1.0) {
    d.error(at, "probability must be in [0, 1], got " + at.node.Scalar());
    return std::nullopt;
  }
  return value;
}

std::optional<uint64_t> decode_uint64(Decoder& d, const Cursor& at) {
  std::optional<uint64_t> value;
  if (at.node.IsScalar()) value = parse_whole<uint64_t>(at.node.Scalar());
  if (!value) {
    d.error(at, "expected an integer in [0, 18446744073709551615], got " + describe(at.node));
  }
  return value;
}

std::optional<int> IntInRange::operator()(Decoder& d, const Cursor& at) const {
  std::optional<int64_t> value;
  if (at.node.IsScalar()) value = parse_whole<int64_t>(at.node.Scalar());
  if (!value) {
    d.error(at, "expected an integer, got " + describe(at.node));
    return std::nullopt;
  }
  if (*value < min) {
    d.error(at, fmt::format("must be at least {}, got {}", min, *value));
    return std::nullopt;
  }
  if (*value > max) {
    d.error(at, fmt::format("must be at most {}, got {}", max, *value));
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

std::optional<int64_t> decode_int64_at_least_zero(Decoder& d, const Cursor& at) {
  std::optional<int64_t> value;
  if (at.node.IsScalar()) value = parse_whole<int64_t>(at.node.Scalar());
  if (!value) {
    d.error(at, "expected an integer, got " + describe(at.node));
    return std::nullopt;
  }
  if (*value < 0) {
    d.error(at, fmt::format("must be at least 0, got {}", *value));
    return std::nullopt;
  }
  return value;
}

std::optional<sim::Duration> decode_duration(Decoder& d, const Cursor& at) {
  if (!at.node.IsScalar()) {
    d.error(at, fmt::format("expected {}, got {}", kDurationHint, describe(at.node)));
    return std::nullopt;
  }
  std::string_view text = at.node.Scalar();
  if (std::optional<sim::Duration> value = sim::parse_duration(text)) return value;
  if (!text.empty() && text.front() == '-' && sim::parse_duration(text.substr(1))) {
    d.error(at, "duration must not be negative, got '" + std::string(text) + "'");
  } else {
    d.error(at, fmt::format("expected {}, got '{}'", kDurationHint, text));
  }
  return std::nullopt;
}

std::optional<sim::Duration> decode_positive_duration(Decoder& d, const Cursor& at) {
  std::optional<sim::Duration> value = decode_duration(d, at);
  if (value && *value <= sim::Duration::zero()) {
    d.error(at, "duration must be greater than 0, got '" + at.node.Scalar() + "'");
    return std::nullopt;
  }
  return value;
}

std::optional<sim::Time> decode_time(Decoder& d, const Cursor& at) {
  std::optional<sim::Duration> since_start = decode_duration(d, at);
  if (!since_start) return std::nullopt;
  return sim::Time::from_us(since_start->us());
}

std::optional<std::vector<sim::Duration>> decode_durations(Decoder& d, const Cursor& at) {
  std::vector<sim::Duration> out;
  size_t errors_before = d.error_count();
  if (at.node.IsScalar()) {
    d.error(at,
            fmt::format("expected a list of durations, e.g. [10s, 1m], got {}", describe(at.node)));
    return std::nullopt;
  }
  size_t count = for_each_item(d, at, [&](const Cursor& item) {
    if (out.size() >= kMaxListLength) return;
    if (std::optional<sim::Duration> value = decode_duration(d, item)) out.push_back(*value);
  });
  if (count > kMaxListLength) {
    d.error(at, fmt::format("at most {} entries allowed, got {}", kMaxListLength, count));
  }
  if (d.error_count() != errors_before) return std::nullopt;
  return out;
}

std::optional<double> parse_rate_per_s(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  // Digits with an optional fraction, as the JSON Schema's pattern says: no sign, no exponent.
  std::string_view number = text.substr(0, slash);
  size_t point = number.find('.');
  auto all_digits = [](std::string_view part) {
    return !part.empty() && part.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (!all_digits(number.substr(0, point)) ||
      (point != std::string_view::npos && !all_digits(number.substr(point + 1)))) {
    return std::nullopt;
  }
  std::optional<double> count = parse_whole<double>(number);
  if (!count || !std::isfinite(*count)) return std::nullopt;
  std::string_view unit = text.substr(slash + 1);
  if (unit == "s") return *count;
  if (unit == "m") return *count / 60.0;
  if (unit == "h") return *count / 3600.0;
  return std::nullopt;
}

std::optional<double> decode_rate(Decoder& d, const Cursor& at) {
  std::optional<double> rate;
  if (at.node.IsScalar()) rate = parse_rate_per_s(at.node.Scalar());
  if (!rate) {
    d.error(at, "expected a rate like 100/s, 6000/m or 360000/h, got " + describe(at.node));
    return std::nullopt;
  }
  if (*rate <= 0.0) {
    d.error(at, "rate must be greater than 0, got '" + at.node.Scalar() + "'");
    return std::nullopt;
  }
  return rate;
}

namespace {

enum class DistKind { kFixed, kUniform, kExponential, kLognormal, kEmpirical };

std::optional<std::vector<sim::Distribution::Knot>> decode_knots(Decoder& d, const Cursor& at) {
  std::vector<sim::Distribution::Knot> knots;
  size_t errors_before = d.error_count();
  for_each_item(d, at, [&](const Cursor& item) {
    if (!item.node.IsSequence() || item.node.size() != 2) {
      d.error(item,
              "expected a point [duration, cumulative probability], got " + describe(item.node));
      return;
    }
    std::optional<sim::Duration> value =
        decode_duration(d, d.child(item, item.node[0], item.path + "[0]"));
    std::optional<double> probability =
        decode_probability(d, d.child(item, item.node[1], item.path + "[1]"));
    if (value && probability) knots.emplace_back(*value, *probability);
  });
  if (d.error_count() != errors_before) return std::nullopt;
  if (knots.size() > kMaxListLength) {
    d.error(at, fmt::format("at most {} points allowed", kMaxListLength));
    return std::nullopt;
  }
  if (std::optional<std::string> problem = sim::Distribution::validate_empirical(knots)) {
    d.error(at, "invalid empirical points: " + *problem);
    return std::nullopt;
  }
  return knots;
}

// Reads a required parameter of a distribution; reports it missing otherwise.
template <class Decode>
auto required(MapReader& reader, std::string_view key, std::string_view kind, Decode&& decode)
    -> decltype(decode(reader.decoder(), reader.cursor())) {
  std::optional<Cursor> at = reader.get(key);
  if (!at) {
    reader.decoder().error(reader.cursor(), fmt::format("a {} distribution needs '{}'", kind, key));
    return std::nullopt;
  }
  return decode(reader.decoder(), *at);
}

}  // namespace

std::optional<sim::Distribution> decode_distribution(Decoder& d, const Cursor& at) {
  if (at.node.IsScalar()) {
    // Shorthand: a bare duration is a fixed distribution.
    if (std::optional<sim::Duration> value = sim::parse_duration(at.node.Scalar())) {
      return sim::Distribution::fixed(*value);
    }
    d.error(at,
            "expected a distribution ({dist: exponential, mean: 20s}, ...) or a duration, got " +
                describe(at.node));
    return std::nullopt;
  }
  MapReader reader(d, at);
  if (!reader.is_map()) return std::nullopt;
  std::optional<Cursor> kind_at = reader.get("dist");
  if (!kind_at) {
    d.error(
        at,
        "a distribution needs 'dist': one of fixed, uniform, exponential, lognormal, empirical");
    // Mark the parameters known so they are not also reported as unknown keys.
    for (std::string_view key : {"value", "min", "max", "mean", "median", "sigma", "points"})
      reader.has(key);
    return std::nullopt;
  }
  EnumOf<DistKind> kinds{{{"fixed", DistKind::kFixed},
                          {"uniform", DistKind::kUniform},
                          {"exponential", DistKind::kExponential},
                          {"lognormal", DistKind::kLognormal},
                          {"empirical", DistKind::kEmpirical}}};
  std::optional<DistKind> kind = kinds(d, *kind_at);
  if (!kind) {
    for (std::string_view key : {"value", "min", "max", "mean", "median", "sigma", "points"})
      reader.has(key);
    return std::nullopt;
  }
  switch (*kind) {
    case DistKind::kFixed: {
      auto value = required(reader, "value", "fixed", decode_duration);
      if (!value) return std::nullopt;
      return sim::Distribution::fixed(*value);
    }
    case DistKind::kUniform: {
      auto min = required(reader, "min", "uniform", decode_duration);
      auto max = required(reader, "max", "uniform", decode_duration);
      if (!min || !max) return std::nullopt;
      if (*min > *max) {
        d.error(at, fmt::format("uniform min ({}) is greater than max ({})",
                                sim::format_duration(*min), sim::format_duration(*max)));
        return std::nullopt;
      }
      return sim::Distribution::uniform(*min, *max);
    }
    case DistKind::kExponential: {
      auto mean = required(reader, "mean", "exponential", decode_positive_duration);
      if (!mean) return std::nullopt;
      return sim::Distribution::exponential(*mean);
    }
    case DistKind::kLognormal: {
      auto median = required(reader, "median", "lognormal", decode_positive_duration);
      std::optional<Cursor> sigma_at = reader.get("sigma");
      if (!sigma_at) d.error(at, "a lognormal distribution needs 'sigma'");
      std::optional<double> sigma = sigma_at ? decode_number(d, *sigma_at) : std::nullopt;
      if (sigma && *sigma < 0.0) {
        d.error(*sigma_at, "lognormal sigma must be >= 0, got " + format_number(*sigma));
        return std::nullopt;
      }
      if (!median || !sigma) return std::nullopt;
      return sim::Distribution::lognormal(*median, *sigma);
    }
    case DistKind::kEmpirical: {
      auto points = required(reader, "points", "empirical", decode_knots);
      if (!points) return std::nullopt;
      return sim::Distribution::empirical(std::move(*points));
    }
  }
  return std::nullopt;
}

}  // namespace harness::internal
