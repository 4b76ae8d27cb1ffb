// Bucket geometry of reports::LogHistogram, shared by the header's inline hot path and the .cpp.
//
// Bucket i (i >= 0) holds the integers v with gamma^(i-1) < v <= gamma^i, where
// gamma = (1 + a) / (1 - a) and a = kRelativeAccuracy. For integers that is exactly
// upper_bound[i-1] < v <= upper_bound[i] with upper_bound[i] = floor(gamma^i): the tables below
// define the buckets, and the fast index always ends with an integer comparison against them.
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

// The bucket of v >= 1 by binary search over the bounds: the reference definition, used to build
// the lookup table below and by tests; too slow for the hot path.
constexpr std::size_t bucket_index_by_search(std::int64_t v) {
  std::size_t lo = 0, hi = kBucketCount - 1;  // the answer is the first i with v <= bound[i]
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (v <= kTables.upper_bound[mid]) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

// Fast path: the binary exponent of v and the 7 bits below its leading one select a sub-range of
// values whose largest is less than 1 + 2^-7 times its smallest. That ratio is below gamma, so a
// sub-range meets at most two buckets: the table holds the bucket of the sub-range's smallest
// integer, and one comparison with that bucket's bound finishes the job. No floating point, no
// branch but the comparison.
inline constexpr int kSubrangeBits = 7;
inline constexpr std::size_t kSubrangesPerOctave = std::size_t{1} << kSubrangeBits;
static_assert(1.0 + 1.0 / kSubrangesPerOctave < kGamma, "a sub-range must meet at most 2 buckets");

static_assert(kBucketCount <= 65535, "bucket indices are stored as uint16");

// kFirstBucketOfSubrange[exponent * kSubrangesPerOctave + sub]; defined in histogram.cpp.
extern const std::array<std::uint16_t, 63 * kSubrangesPerOctave> kFirstBucketOfSubrange;

inline std::size_t bucket_index(std::int64_t v) {
  const auto u = static_cast<std::uint64_t>(v);
  const int exponent = std::bit_width(u) - 1;
  // Shift the leading one to bit 63; the next kSubrangeBits bits pick the sub-range.
  const std::uint64_t normalized = u << (63 - exponent);
  const std::size_t sub = (normalized >> (63 - kSubrangeBits)) & (kSubrangesPerOctave - 1);
  const std::size_t first =
      kFirstBucketOfSubrange[static_cast<std::size_t>(exponent) * kSubrangesPerOctave + sub];
  return first + (v > kTables.upper_bound[first] ? 1 : 0);
}

}  // namespace reports::internal
