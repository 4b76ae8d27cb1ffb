#include "reports/histogram.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace reports {
namespace internal {

// Built at compile time (constant initialisation: usable from other static initialisers).
extern constexpr std::array<std::uint16_t, 63 * kSubrangesPerOctave> kFirstBucketOfSubrange = [] {
  std::array<std::uint16_t, 63 * kSubrangesPerOctave> table{};
  for (int exponent = 0; exponent < 63; ++exponent) {
    for (std::size_t sub = 0; sub < kSubrangesPerOctave; ++sub) {
      // The smallest integer whose exponent and sub-range bits are these: exact for exponent >=
      // kSubrangeBits; below that a sub-range holds at most one integer, this one rounded up.
      const std::uint64_t smallest =
          exponent >= kSubrangeBits
              ? (std::uint64_t{1} << exponent) + (sub << (exponent - kSubrangeBits))
              : (((kSubrangesPerOctave + sub) << exponent) + kSubrangesPerOctave - 1) >>
                    kSubrangeBits;
      table[static_cast<std::size_t>(exponent) * kSubrangesPerOctave + sub] =
          static_cast<std::uint16_t>(bucket_index_by_search(static_cast<std::int64_t>(smallest)));
    }
  }
  return table;
}();

}  // namespace internal

namespace {

using internal::kBucketCount;
using internal::kTables;

// Rank (1-based) of quantile q among count values: ceil(q * count), within [1, count]. The product
// is shrunk by one part in 10^12 first so that q * count landing a rounding error above an integer
// (0.7 * 10 = 7.000000000000001) does not skip to the next rank.
std::uint64_t rank_of(double q, std::uint64_t count) {
  if (!(q > 0.0)) return 1;  // also catches NaN
  if (q >= 1.0) return count;
  const double product = q * static_cast<double>(count);
  const auto rank = static_cast<std::uint64_t>(std::ceil(product * (1.0 - 1e-12)));
  return std::clamp<std::uint64_t>(rank, 1, count);
}

std::size_t last_nonempty(const std::vector<std::uint64_t>& counts) {
  std::size_t end = counts.size();
  while (end > 0 && counts[end - 1] == 0) --end;
  return end;
}

}  // namespace

void LogHistogram::merge(const LogHistogram& other) {
  if (other.count_ == 0) return;
  count_ += other.count_;
  // Unsigned addition wraps instead of being undefined; the sum is exact while it fits int64.
  sum_ = static_cast<std::int64_t>(static_cast<std::uint64_t>(sum_) +
                                   static_cast<std::uint64_t>(other.sum_));
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  zero_count_ += other.zero_count_;
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
}

double LogHistogram::quantile(double q) const {
  if (count_ == 0) return 0.0;
  const std::uint64_t rank = rank_of(q, count_);
  if (rank == 1) return static_cast<double>(min_);
  if (rank == count_) return static_cast<double>(max_);
  std::uint64_t seen = zero_count_;
  if (rank <= seen) return 0.0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (rank <= seen) {
      return std::clamp(kTables.representative[i], static_cast<double>(min_),
                        static_cast<double>(max_));
    }
  }
  return static_cast<double>(max_);  // unreachable while the counts add up to count_
}

std::vector<HistogramBucket> LogHistogram::nonempty_buckets() const {
  std::vector<HistogramBucket> buckets;
  if (zero_count_ > 0) buckets.push_back({0, 0, 0.0, zero_count_});
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    const std::int64_t lower = i == 0 ? 1 : kTables.upper_bound[i - 1] + 1;
    buckets.push_back({lower, kTables.upper_bound[i], kTables.representative[i], counts_[i]});
  }
  return buckets;
}

nlohmann::ordered_json LogHistogram::to_json() const {
  const std::size_t end = last_nonempty(counts_);
  std::size_t begin = 0;
  while (begin < end && counts_[begin] == 0) ++begin;
  nlohmann::ordered_json j;
  j["relative_accuracy"] = kRelativeAccuracy;
  j["count"] = count_;
  j["sum"] = sum_;
  j["min"] = min();
  j["max"] = max();
  j["zero"] = zero_count_;
  j["offset"] = begin;
  auto& counts = j["counts"] = nlohmann::ordered_json::array();
  for (std::size_t i = begin; i < end; ++i) counts.push_back(counts_[i]);
  return j;
}

std::optional<LogHistogram> LogHistogram::from_json(const nlohmann::ordered_json& j,
                                                    std::string* error) {
  auto fail = [error](std::string message) -> std::optional<LogHistogram> {
    if (error != nullptr) *error = "histogram: " + std::move(message);
    return std::nullopt;
  };
  if (!j.is_object()) return fail("expected an object");
  for (const char* key : {"relative_accuracy", "count", "sum", "min", "max", "zero", "offset"}) {
    if (!j.contains(key) || !j.at(key).is_number()) {
      return fail(std::string("missing number '") + key + "'");
    }
  }
  if (!j.contains("counts") || !j.at("counts").is_array()) return fail("missing array 'counts'");
  if (j.at("relative_accuracy").get<double>() != LogHistogram::kRelativeAccuracy) {
    return fail("written with relative_accuracy " + j.at("relative_accuracy").dump() +
                ", this build uses " + nlohmann::json(LogHistogram::kRelativeAccuracy).dump());
  }
  for (const char* key : {"count", "zero", "offset"}) {
    if (!j.at(key).is_number_integer() || j.at(key).get<std::int64_t>() < 0) {
      return fail(std::string("'") + key + "' must be a non-negative integer");
    }
  }
  for (const char* key : {"sum", "min", "max"}) {
    if (!j.at(key).is_number_integer()) {
      return fail(std::string("'") + key + "' must be an integer");
    }
  }
  const auto count = j.at("count").get<std::uint64_t>();
  const auto offset = j.at("offset").get<std::uint64_t>();
  const auto& counts = j.at("counts");
  if (offset + counts.size() > kBucketCount) return fail("bucket index out of range");

  LogHistogram h;
  h.count_ = count;
  h.zero_count_ = j.at("zero").get<std::uint64_t>();
  h.counts_.assign(offset + counts.size(), 0);
  std::uint64_t total = h.zero_count_;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    if (!counts[k].is_number_integer() || counts[k].get<std::int64_t>() < 0) {
      return fail("counts[" + std::to_string(k) + "] must be a non-negative integer");
    }
    const auto n = counts[k].get<std::uint64_t>();
    const std::size_t i = offset + k;
    // Some small buckets hold no integer at all (bucket 1 is (1, 1.0202]); a count there was not
    // written by to_json.
    if (n > 0 && internal::bucket_index(kTables.upper_bound[i]) != i) {
      return fail("bucket " + std::to_string(i) + " can hold no integer value");
    }
    h.counts_[i] = n;
    total += n;
  }
  if (total != count) {
    return fail("bucket counts add up to " + std::to_string(total) + ", not " +
                std::to_string(count));
  }
  if (count == 0) return LogHistogram{};
  h.sum_ = j.at("sum").get<std::int64_t>();
  h.min_ = j.at("min").get<std::int64_t>();
  h.max_ = j.at("max").get<std::int64_t>();
  // min and max must lie in the first and last non-empty buckets, or quantiles would be clamped
  // to values the buckets contradict.
  const auto buckets = h.nonempty_buckets();
  if (h.min_ < buckets.front().lower || h.min_ > buckets.front().upper ||
      h.max_ < buckets.back().lower || h.max_ > buckets.back().upper) {
    return fail("min and max do not lie in the first and last non-empty buckets");
  }
  return h;
}

std::optional<LogHistogram> LogHistogram::from_json(const nlohmann::json& j, std::string* error) {
  return from_json(nlohmann::ordered_json(j), error);
}

bool operator==(const LogHistogram& a, const LogHistogram& b) {
  if (a.count_ != b.count_ || a.zero_count_ != b.zero_count_) return false;
  if (a.count_ == 0) return true;
  if (a.sum_ != b.sum_ || a.min_ != b.min_ || a.max_ != b.max_) return false;
  const std::size_t end = last_nonempty(a.counts_);
  if (end != last_nonempty(b.counts_)) return false;
  return std::equal(a.counts_.begin(), a.counts_.begin() + static_cast<std::ptrdiff_t>(end),
                    b.counts_.begin());
}

LatencySummary summarize_us_as_ms(const LogHistogram& histogram_us) {
  constexpr double kMsPerUs = 1e-3;
  LatencySummary summary;
  summary.count = histogram_us.count();
  summary.mean_ms = histogram_us.mean() * kMsPerUs;
  summary.p50_ms = histogram_us.quantile(0.5) * kMsPerUs;
  summary.p90_ms = histogram_us.quantile(0.9) * kMsPerUs;
  summary.p99_ms = histogram_us.quantile(0.99) * kMsPerUs;
  summary.p999_ms = histogram_us.quantile(0.999) * kMsPerUs;
  summary.max_ms = static_cast<double>(histogram_us.max()) * kMsPerUs;
  return summary;
}

}  // namespace reports
