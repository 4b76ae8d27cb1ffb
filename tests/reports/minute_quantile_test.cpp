// MinuteQuantile (the timeseries' charge_to_paid_p99_us): each minute's value is the histogram
// quantile of exactly that minute's samples, a minute without samples reads 0, and the last
// minute is written by finish().
#include "reports/minute_quantile.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "reports/histogram.h"
#include "reports/report.h"

namespace reports {
namespace {

// What the report's own p99 says of these samples, in whole units.
std::int64_t p99_of(const std::vector<std::int64_t>& samples) {
  LogHistogram h;
  for (std::int64_t v : samples) h.record(v);
  return std::llround(h.quantile(0.99));
}

TEST(MinuteQuantile, EachMinuteIsThePercentileOfItsOwnSamplesOnly) {
  // Minute 0: 1..100 ms, slow; minute 1: fifty samples of 5 ms; minute 2: none; minute 3: 7 us.
  std::vector<std::int64_t> minute0, minute1(50, 5'000);
  for (std::int64_t k = 1; k <= 100; ++k) minute0.push_back(k * 1'000);
  MinuteSeries series(default_timeseries_columns());
  MinuteQuantile p99(series, kChargeToPaidP99, 0.99);
  for (std::int64_t v : minute0) p99.record(0, v);
  for (std::int64_t v : minute1) p99.record(1, v);
  // Minute 1 is still open: it is written when a later minute's sample arrives, or by finish().
  EXPECT_EQ(series.at(0, kChargeToPaidP99), p99_of(minute0));
  EXPECT_EQ(series.at(1, kChargeToPaidP99), 0);
  p99.record(3, 7);
  p99.finish();

  // Rank ceil(0.99 * 100) = 99 of 1..100 ms: 99 ms within the histogram's 1%.
  EXPECT_NEAR(static_cast<double>(series.at(0, kChargeToPaidP99)), 99'000.0, 990.0);
  // Equal samples: the quantile is clamped to [min, max], exactly 5 ms. Had the slow minute 0
  // stayed in the histogram, rank 149 of 150 would be about 99 ms.
  EXPECT_EQ(series.at(1, kChargeToPaidP99), p99_of(minute1));
  EXPECT_EQ(series.at(1, kChargeToPaidP99), 5'000);
  EXPECT_EQ(series.at(2, kChargeToPaidP99), 0) << "0 = no sample";
  EXPECT_EQ(series.at(3, kChargeToPaidP99), 7);
  EXPECT_EQ(series.minute_count(), 4);
  // Only its own column is written.
  for (std::int64_t m = 0; m < 4; ++m) EXPECT_EQ(series.at(m, kOrdersPaid), 0);
}

TEST(MinuteQuantile, NoSamplesWritesNothing) {
  MinuteSeries series(default_timeseries_columns());
  MinuteQuantile p99(series, kChargeToPaidP99, 0.99);
  p99.finish();
  EXPECT_TRUE(series.empty());
}

}  // namespace
}  // namespace reports
