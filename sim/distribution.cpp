#include "sim/distribution.h"

#include <cassert>
#include <charconv>
#include <cmath>

namespace sim {
namespace {

// Rounds a non-negative real count of microseconds, saturating at Duration::max().
Duration round_to_duration(double us) {
  if (!(us > 0.0)) return Duration::zero();  // also catches NaN
  if (us >= 9.2e18) return Duration::max();
  return Duration::micros(std::llround(us));
}

// Concatenates strings (and avoids a g++ 12 -Wrestrict false positive on `"literal" + string`).
template <class... Parts>
std::string concat(const Parts&... parts) {
  std::string out;
  (out.append(parts), ...);
  return out;
}

std::string format_double(double x) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, x);
  return std::string(buffer, result.ptr);
}

}  // namespace

Distribution Distribution::fixed(Duration value) {
  assert(value >= Duration::zero());
  Distribution d;
  d.kind_ = Kind::kFixed;
  d.a_ = value;
  return d;
}

Distribution Distribution::uniform(Duration min, Duration max) {
  assert(Duration::zero() <= min && min <= max);
  Distribution d;
  d.kind_ = Kind::kUniform;
  d.a_ = min;
  d.b_ = max;
  return d;
}

Distribution Distribution::exponential(Duration mean) {
  assert(mean > Duration::zero());
  Distribution d;
  d.kind_ = Kind::kExponential;
  d.a_ = mean;
  return d;
}

Distribution Distribution::lognormal(Duration median, double sigma) {
  assert(median > Duration::zero() && sigma >= 0.0);
  Distribution d;
  d.kind_ = Kind::kLognormal;
  d.a_ = median;
  d.sigma_ = sigma;
  return d;
}

Distribution Distribution::empirical(std::vector<Knot> points) {
  assert(!validate_empirical(points).has_value());
  Distribution d;
  d.kind_ = Kind::kEmpirical;
  d.points_ = std::move(points);
  return d;
}

std::optional<std::string> Distribution::validate_empirical(const std::vector<Knot>& points) {
  if (points.empty()) return "needs at least one point";
  for (size_t i = 0; i < points.size(); ++i) {
    const auto& [value, probability] = points[i];
    const std::string where = concat("point ", std::to_string(i + 1), ": ");
    if (value < Duration::zero()) return concat(where, "values must not be negative");
    if (!(probability >= 0.0 && probability <= 1.0)) {
      return concat(where, "probabilities must be in [0, 1]");
    }
    if (i > 0 && value <= points[i - 1].first)
      return concat(where, "values must strictly increase");
    if (i > 0 && probability < points[i - 1].second) {
      return concat(where, "probabilities must not decrease");
    }
  }
  if (points.back().second != 1.0) return "the last probability must be 1";
  return std::nullopt;
}

Duration Distribution::sample(RandomStream& rng) const {
  switch (kind_) {
    case Kind::kFixed:
      return a_;
    case Kind::kUniform: {
      // 0 <= min <= max, so the span fits and span + 1 cannot overflow.
      const uint64_t span = static_cast<uint64_t>(b_.us() - a_.us());
      return a_ + Duration::micros(static_cast<int64_t>(rng.below(span + 1)));
    }
    case Kind::kExponential: {
      // 1 - u lies in (0, 1], so the logarithm is finite and the sample is >= 0.
      const double u = rng.uniform01();
      return round_to_duration(-std::log1p(-u) * static_cast<double>(a_.us()));
    }
    case Kind::kLognormal: {
      const double z = rng.normal();
      return round_to_duration(static_cast<double>(a_.us()) * std::exp(sigma_ * z));
    }
    case Kind::kEmpirical: {
      // Invert the piecewise-linear CDF: find the first knot whose probability exceeds u and
      // interpolate inside that segment. Flat segments (zero probability) are never chosen.
      const double u = rng.uniform01();
      double previous_p = 0.0;
      double previous_us = 0.0;
      for (const auto& [value, p] : points_) {
        if (u < p) {
          const double fraction = (u - previous_p) / (p - previous_p);
          const double span_us = static_cast<double>(value.us()) - previous_us;
          return round_to_duration(previous_us + fraction * span_us);
        }
        previous_p = p;
        previous_us = static_cast<double>(value.us());
      }
      return points_.back().first;  // unreachable when the last probability is 1
    }
  }
  return Duration::zero();
}

Duration Distribution::mean() const {
  switch (kind_) {
    case Kind::kFixed:
      return a_;
    case Kind::kUniform:
      return a_ + (b_ - a_) / 2;
    case Kind::kExponential:
      return a_;
    case Kind::kLognormal:
      return round_to_duration(static_cast<double>(a_.us()) * std::exp(sigma_ * sigma_ / 2));
    case Kind::kEmpirical: {
      // Each segment is uniform between its end values, weighted by its probability mass.
      double total_us = 0.0;
      double previous_p = 0.0;
      double previous_us = 0.0;
      for (const auto& [value, p] : points_) {
        total_us += (p - previous_p) * (previous_us + static_cast<double>(value.us())) / 2;
        previous_p = p;
        previous_us = static_cast<double>(value.us());
      }
      return round_to_duration(total_us);
    }
  }
  return Duration::zero();
}

std::string Distribution::describe() const {
  switch (kind_) {
    case Kind::kFixed:
      return concat("fixed(value=", format_duration(a_), ")");
    case Kind::kUniform:
      return concat("uniform(min=", format_duration(a_), ", max=", format_duration(b_), ")");
    case Kind::kExponential:
      return concat("exponential(mean=", format_duration(a_), ")");
    case Kind::kLognormal:
      return concat("lognormal(median=", format_duration(a_), ", sigma=", format_double(sigma_),
                    ")");
    case Kind::kEmpirical: {
      std::string out = "empirical(points=[";
      for (size_t i = 0; i < points_.size(); ++i) {
        if (i > 0) out += ", ";
        out += concat("[", format_duration(points_[i].first), ", ",
                      format_double(points_[i].second), "]");
      }
      out += "])";
      return out;
    }
  }
  return "?";
}

}  // namespace sim
