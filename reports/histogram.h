// LogHistogram: a mergeable, log-bucketed histogram of non-negative int64 values (the model records
// durations in microseconds), and LatencySummary, its digest in milliseconds for reports.
//
// Contract:
// - Every quantile is within a relative error of 1% of the exact value at the same rank
//   (DDSketch geometry, see reports/internal/log_buckets.h). count, sum, mean, min and max are
//   exact (sum while it fits int64: about 292,000 years of microseconds).
// - quantile(q) reports the value at rank ceil(q * count) (ranks from 1; q = 0 means rank 1).
//   Rank 1 reports min() and rank count reports max() exactly; other ranks report their bucket's
//   representative clamped to [min, max].
// - merge is exact: merging a and b gives the same buckets, count, sum, min and max as recording
//   all their values into one histogram, so every quantile is identical too. Recording order never
//   matters, which is what keeps reports byte-identical whatever -j says.
// - record is O(1) and allocation-free except when a value lands beyond the largest bucket seen so
//   far (the bucket vector grows once to at most ~2,200 entries).
// - Not thread-safe: one histogram per thread, merged afterwards.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reports/internal/log_buckets.h"

namespace reports {

// One non-empty bucket, for CDF charts: every value counted here lies in [lower, upper]
// (integers), and representative is what quantiles report for it. The zero bucket is {0, 0, 0}.
struct HistogramBucket {
  std::int64_t lower = 0;
  std::int64_t upper = 0;
  double representative = 0.0;
  std::uint64_t count = 0;
};

class LogHistogram {
 public:
  static constexpr double kRelativeAccuracy = internal::kRelativeAccuracy;

  // REQUIRES: v >= 0 (asserted; a negative value is a bug in the caller and counts as 0 in
  // release builds so that count and the buckets stay consistent).
  void record(std::int64_t v) { record_n(v, 1); }

  // Records v n times, as n calls to record(v) would. n == 0 records nothing.
  void record_n(std::int64_t v, std::uint64_t n) {
    assert(v >= 0 && "LogHistogram records non-negative values only");
    if (n == 0) return;
    if (v < 0) v = 0;
    count_ += n;
    // Unsigned arithmetic wraps instead of being undefined; the sum is exact while it fits int64.
    sum_ = static_cast<std::int64_t>(static_cast<std::uint64_t>(sum_) +
                                     static_cast<std::uint64_t>(v) * n);
    if (v < min_) min_ = v;
    if (v > max_) max_ = v;
    if (v == 0) {
      zero_count_ += n;
      return;
    }
    const std::size_t i = internal::bucket_index(v);
    if (i >= counts_.size()) counts_.resize(i + 1, 0);
    counts_[i] += n;
  }

  // Adds every value recorded in other to this histogram, exactly.
  void merge(const LogHistogram& other);

  // The value at rank ceil(q * count()); q is clamped to [0, 1]. 0.0 when empty.
  double quantile(double q) const;

  std::uint64_t count() const { return count_; }
  std::int64_t sum() const { return sum_; }
  // Exact arithmetic mean; 0.0 when empty.
  double mean() const {
    return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_);
  }
  // Exact smallest and largest value recorded; 0 when empty.
  std::int64_t min() const { return count_ == 0 ? 0 : min_; }
  std::int64_t max() const { return count_ == 0 ? 0 : max_; }
  bool empty() const { return count_ == 0; }

  // The non-empty buckets in increasing value order, the zero bucket first if it is non-empty.
  std::vector<HistogramBucket> nonempty_buckets() const;

  // Serialisation of the exact state, for sweep shards that are merged later:
  // {"relative_accuracy", "count", "sum", "min", "max", "zero", "offset", "counts": [...]} where
  // counts[k] is the count of bucket offset + k (leading and trailing empty buckets trimmed).
  nlohmann::ordered_json to_json() const;
  // Rebuilds a histogram written by to_json. Returns nullopt and sets *error (if non-null) when
  // the JSON is malformed, was written with a different accuracy, or is inconsistent (the
  // bucket counts do not add up to count, min > max, ...).
  static std::optional<LogHistogram> from_json(const nlohmann::ordered_json& j, std::string* error);
  static std::optional<LogHistogram> from_json(const nlohmann::json& j, std::string* error);

  // Equal when they hold the same multiset of buckets and the same count, sum, min and max
  // (i.e. every query answers the same).
  friend bool operator==(const LogHistogram& a, const LogHistogram& b);

 private:
  std::uint64_t count_ = 0;
  std::int64_t sum_ = 0;
  std::int64_t min_ = std::numeric_limits<std::int64_t>::max();
  std::int64_t max_ = std::numeric_limits<std::int64_t>::min();
  std::uint64_t zero_count_ = 0;
  std::vector<std::uint64_t> counts_;  // counts_[i] is bucket i; size is 1 + the largest seen
};

// A latency histogram's digest for reports. count is exact; the rest are milliseconds.
struct LatencySummary {
  std::uint64_t count = 0;
  double mean_ms = 0.0;
  double p50_ms = 0.0;
  double p90_ms = 0.0;
  double p99_ms = 0.0;
  double p999_ms = 0.0;
  double max_ms = 0.0;

  friend bool operator==(const LatencySummary&, const LatencySummary&) = default;
};

// Digest of a histogram of microsecond values, in milliseconds (unrounded; writers round).
LatencySummary summarize_us_as_ms(const LogHistogram& histogram_us);

}  // namespace reports
