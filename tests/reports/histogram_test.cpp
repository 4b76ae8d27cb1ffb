#include "reports/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

namespace reports {
namespace {

// A small deterministic generator (splitmix64) so the samples are the same on every machine.
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

// The exact value at rank ceil(q * n) of sorted samples, ranks from 1 (the histogram's contract).
std::int64_t exact_quantile(const std::vector<std::int64_t>& sorted, double q) {
  const auto n = static_cast<double>(sorted.size());
  auto rank = static_cast<std::size_t>(std::ceil(q * n * (1.0 - 1e-12)));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

void expect_within_one_percent(const LogHistogram& h, std::vector<std::int64_t> samples) {
  std::sort(samples.begin(), samples.end());
  for (double q : {0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 0.9999, 1.0}) {
    const double exact = static_cast<double>(exact_quantile(samples, q));
    const double reported = h.quantile(q);
    if (exact == 0.0) {
      EXPECT_EQ(reported, 0.0) << "q=" << q;
    } else {
      EXPECT_LE(std::abs(reported - exact) / exact, 0.01 + 1e-12)
          << "q=" << q << " exact=" << exact << " reported=" << reported;
    }
  }
}

TEST(LogHistogram, EmptyReportsZeros) {
  LogHistogram h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.quantile(0.5), 0.0);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_TRUE(h.nonempty_buckets().empty());
}

TEST(LogHistogram, ExactCountSumMeanMinMax) {
  LogHistogram h;
  for (std::int64_t v : {0, 1, 7, 1000, 123456789}) h.record(v);
  h.record_n(50, 3);
  EXPECT_EQ(h.count(), 8u);
  EXPECT_EQ(h.sum(), 0 + 1 + 7 + 1000 + 123456789 + 150);
  EXPECT_DOUBLE_EQ(h.mean(), (1.0 + 7 + 1000 + 123456789 + 150) / 8.0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 123456789);
  EXPECT_EQ(h.quantile(1.0), 123456789.0);
  EXPECT_EQ(h.quantile(0.0), 0.0);
}

TEST(LogHistogram, EveryValueUpToTenThousandIsWithinOnePercent) {
  // Each value alone in a histogram with a 0 below and a large value above, so the reported
  // median is the bucket representative, not the exact min or max.
  for (std::int64_t v = 1; v <= 10000; ++v) {
    LogHistogram h;
    h.record(0);
    h.record(v);
    h.record(v);
    h.record(1'000'000'000);
    const double reported = h.quantile(0.5);
    ASSERT_LE(std::abs(reported - static_cast<double>(v)) / static_cast<double>(v), 0.01 + 1e-12)
        << "v=" << v << " reported=" << reported;
  }
}

TEST(LogHistogram, FastBucketIndexMatchesTheDefinitionAtEveryBoundary) {
  using internal::bucket_index;
  using internal::bucket_index_by_search;
  using internal::kTables;
  for (std::size_t i = 0; i < internal::kBucketCount; ++i) {
    const std::int64_t bound = kTables.upper_bound[i];
    for (std::int64_t delta : {-1, 0, 1}) {
      if ((delta < 0 && bound <= 1) || (delta > 0 && bound == INT64_MAX)) continue;
      const std::int64_t v = bound + delta;
      ASSERT_EQ(bucket_index(v), bucket_index_by_search(v)) << "v=" << v;
    }
  }
  for (std::int64_t v = 1; v <= 100000; ++v) {
    ASSERT_EQ(bucket_index(v), bucket_index_by_search(v)) << "v=" << v;
  }
  EXPECT_EQ(bucket_index(1), 0u);
  EXPECT_EQ(bucket_index(2), 35u);  // gamma^34 < 2 <= gamma^35
  EXPECT_EQ(bucket_index(INT64_MAX), internal::kBucketCount - 1);
}

TEST(LogHistogram, BucketsPartitionTheIntegers) {
  LogHistogram h;
  for (std::int64_t v = 1; v <= 5000; ++v) h.record(v);
  const auto buckets = h.nonempty_buckets();
  ASSERT_FALSE(buckets.empty());
  EXPECT_EQ(buckets.front().lower, 1);
  EXPECT_EQ(buckets.back().upper >= 5000, true);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (i > 0) {
      EXPECT_EQ(buckets[i].lower, buckets[i - 1].upper + 1);
    }
    // Within a bucket every value is within 1% of the representative.
    EXPECT_LE(buckets[i].representative / static_cast<double>(buckets[i].lower), 1.01 + 1e-12);
    EXPECT_GE(buckets[i].representative / static_cast<double>(buckets[i].upper), 0.99 - 1e-12);
    total += buckets[i].count;
  }
  EXPECT_EQ(total, 5000u);
}

TEST(LogHistogram, RelativeErrorAcrossSixOrdersOfMagnitude) {
  // Log-uniform over [1, 10^7], plus zeros and ones, as latencies in microseconds look.
  SplitMix64 rng{42};
  LogHistogram h;
  std::vector<std::int64_t> samples;
  for (int k = 0; k < 200000; ++k) {
    std::int64_t v;
    const auto pick = rng.next() % 100;
    if (pick == 0) {
      v = 0;
    } else if (pick == 1) {
      v = 1;
    } else {
      v = static_cast<std::int64_t>(std::pow(10.0, 7.0 * rng.unit()));
    }
    samples.push_back(v);
    h.record(v);
  }
  EXPECT_EQ(h.count(), samples.size());
  expect_within_one_percent(h, samples);
}

TEST(LogHistogram, RelativeErrorForHugeValues) {
  SplitMix64 rng{7};
  LogHistogram h;
  std::vector<std::int64_t> samples;
  for (int k = 0; k < 20000; ++k) {
    // Up to 2^62: exercises the rounded int64 -> double conversion in the index.
    const auto v = static_cast<std::int64_t>(rng.next() >> (2 + rng.next() % 50));
    samples.push_back(v);
    h.record(v);
  }
  expect_within_one_percent(h, samples);
  h.record(INT64_MAX);
  EXPECT_EQ(h.max(), INT64_MAX);
}

TEST(LogHistogram, MergeEqualsRecordingAllIntoOne) {
  SplitMix64 rng{3};
  LogHistogram a, b, all;
  for (int k = 0; k < 50000; ++k) {
    const auto v = static_cast<std::int64_t>(std::pow(10.0, 6.0 * rng.unit())) - 1;
    ((k % 3 == 0) ? a : b).record(v);
    all.record(v);
  }
  LogHistogram merged = a;
  merged.merge(b);
  EXPECT_EQ(merged, all);
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.sum(), all.sum());
  EXPECT_EQ(merged.to_json().dump(), all.to_json().dump());
  for (double q : {0.0, 0.5, 0.9, 0.99, 0.999, 1.0}) EXPECT_EQ(merged.quantile(q), all.quantile(q));
  // Merging is order-independent.
  LogHistogram other_order = b;
  other_order.merge(a);
  EXPECT_EQ(other_order, all);
  // Merging an empty histogram changes nothing.
  merged.merge(LogHistogram{});
  EXPECT_EQ(merged, all);
}

TEST(LogHistogram, JsonRoundTripIsExact) {
  LogHistogram h;
  for (std::int64_t v : {0, 0, 3, 1000, 1001, 250000, 999999999}) h.record(v);
  const auto j = h.to_json();
  EXPECT_EQ(j["count"], 7);
  EXPECT_EQ(j["zero"], 2);
  EXPECT_EQ(j["min"], 0);
  EXPECT_EQ(j["max"], 999999999);
  std::string error;
  const auto back = LogHistogram::from_json(j, &error);
  ASSERT_TRUE(back.has_value()) << error;
  EXPECT_EQ(*back, h);
  EXPECT_EQ(back->to_json().dump(), j.dump());
  // Through text and the unordered json type too, as a shard file on disk is read.
  const auto reparsed = LogHistogram::from_json(nlohmann::json::parse(j.dump()), &error);
  ASSERT_TRUE(reparsed.has_value()) << error;
  EXPECT_EQ(*reparsed, h);
  EXPECT_EQ(reparsed->quantile(0.5), h.quantile(0.5));
  // An empty histogram round-trips to an empty one.
  const auto empty = LogHistogram::from_json(LogHistogram{}.to_json(), &error);
  ASSERT_TRUE(empty.has_value()) << error;
  EXPECT_TRUE(empty->empty());
}

TEST(LogHistogram, FromJsonRejectsInconsistentInput) {
  LogHistogram h;
  h.record(10);
  h.record(20);
  std::string error;

  auto wrong_count = h.to_json();
  wrong_count["count"] = 3;
  EXPECT_FALSE(LogHistogram::from_json(wrong_count, &error).has_value());
  EXPECT_NE(error.find("add up to 2, not 3"), std::string::npos) << error;

  auto wrong_accuracy = h.to_json();
  wrong_accuracy["relative_accuracy"] = 0.02;
  EXPECT_FALSE(LogHistogram::from_json(wrong_accuracy, &error).has_value());
  EXPECT_NE(error.find("relative_accuracy"), std::string::npos) << error;

  auto wrong_max = h.to_json();
  wrong_max["max"] = 5000;
  EXPECT_FALSE(LogHistogram::from_json(wrong_max, &error).has_value());

  auto missing = h.to_json();
  missing.erase("counts");
  EXPECT_FALSE(LogHistogram::from_json(missing, &error).has_value());
  EXPECT_NE(error.find("counts"), std::string::npos) << error;

  EXPECT_FALSE(LogHistogram::from_json(nlohmann::json::array(), &error).has_value());
}

TEST(LatencySummary, ConvertsMicrosecondsToMilliseconds) {
  LogHistogram h;
  for (int k = 1; k <= 1000; ++k) h.record(k * 1000);  // 1 ms .. 1000 ms
  const LatencySummary s = summarize_us_as_ms(h);
  EXPECT_EQ(s.count, 1000u);
  EXPECT_DOUBLE_EQ(s.mean_ms, 500.5);
  EXPECT_NEAR(s.p50_ms, 500.0, 5.0);
  EXPECT_NEAR(s.p90_ms, 900.0, 9.0);
  EXPECT_NEAR(s.p99_ms, 990.0, 9.9);
  EXPECT_NEAR(s.p999_ms, 999.0, 9.99);
  EXPECT_DOUBLE_EQ(s.max_ms, 1000.0);
  EXPECT_EQ(summarize_us_as_ms(LogHistogram{}), LatencySummary{});
}

}  // namespace
}  // namespace reports
