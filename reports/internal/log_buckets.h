// Bucket geometry of reports::LogHistogram, shared by the header's inline hot path and the .cpp.
//
// Bucket i (i >= 0) holds the integers v with gamma^(i-1) < v <= gamma^i, where
// gamma = (1 + a) / (1 - a) and a = kRelativeAccuracy. For integers that is exactly
// kUpperBound[i-1] < v <= kUpperBound[i] with kUpperBound[i] = floor(gamma^i), so the tables below
// define the buckets and the index computation is checked against them (never trusted alone).
// Reporting bucket i as 2 * gamma^i / (gamma + 1) is within a relative error a of every value in
// it (DDSketch, Masson et al. 2019).
//
// The tables are computed at compile time by repeated multiplication, so every binary built from
// this header agrees on them bit for bit: shards written by one build merge exactly in another.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace reports::internal {

inline constexpr double kRelativeAccuracy = 0.01;
inline constexpr double kGamma = (1.0 + kRelativeAccuracy) / (1.0 - kRelativeAccuracy);
inline constexpr double kLn2 = 0.69314718055994530942;
// ln(gamma) to double precision, computed with the series below at compile time.
inline constexpr double kLnGamma = [] {
  // ln(g) = 2 * atanh((g - 1) / (g + 1)); the series converges fast for g close to 1.
  const double t = (kGamma - 1.0) / (kGamma + 1.0);
  double term = t, sum = 0.0;
  for (int k = 1; k < 40; k += 2) {
    sum += term / k;
    term *= t * t;
  }
  return 2.0 * sum;
}();

// Number of buckets needed to cover every positive int64 value.
inline constexpr std::size_t kBucketCount = [] {
  double bound = 1.0;
  std::size_t n = 1;
  while (bound < 9223372036854775807.0) {
    bound *= kGamma;
    ++n;
  }
  return n;
}();

struct BucketTables {
  std::array<std::int64_t, kBucketCount> upper_bound;  // floor(gamma^i), capped at INT64_MAX
  std::array<double, kBucketCount> representative;     // 2 * gamma^i / (gamma + 1)
};

inline constexpr BucketTables kTables = [] {
  BucketTables tables{};
  double power = 1.0;  // gamma^i
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    tables.upper_bound[i] = power >= 9223372036854775807.0
                                ? std::numeric_limits<std::int64_t>::max()
                                : static_cast<std::int64_t>(power);
    tables.representative[i] = 2.0 * power / (kGamma + 1.0);
    power *= kGamma;
  }
  return tables;
}();

// The bucket of a value v >= 1. About a dozen floating-point operations and no std::log: the
// binary exponent comes from the bit width, ln of the mantissa m in [1, 2) from two terms of
// ln(m) = 2 atanh((m-1)/(m+1)) (error < 2e-3, a tenth of a bucket), and the guess is then moved to
// the exact bucket by comparing v with the integer bounds (at most one step each way in practice).
inline std::size_t bucket_index(std::int64_t v) {
  const auto u = static_cast<std::uint64_t>(v);
  const int exponent = std::bit_width(u) - 1;
  // Scale into [1, 2): exact for exponent <= 52, otherwise rounded, which the fix-up absorbs.
  const double mantissa =
      static_cast<double>(u) / static_cast<double>(std::uint64_t{1} << exponent);
  const double t = (mantissa - 1.0) / (mantissa + 1.0);
  const double ln_v = exponent * kLn2 + 2.0 * t * (1.0 + t * t * (1.0 / 3.0));
  double guess = ln_v / kLnGamma + 1.0;  // +1 then truncation = ceil, with slack for the fix-up
  if (guess < 0.0) guess = 0.0;
  auto i = static_cast<std::size_t>(guess);
  if (i >= kBucketCount) i = kBucketCount - 1;
  while (v > kTables.upper_bound[i]) ++i;
  while (i > 0 && v <= kTables.upper_bound[i - 1]) --i;
  return i;
}

}  // namespace reports::internal
