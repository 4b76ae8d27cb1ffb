// MinuteQuantile: one quantile of each simulated minute's samples, written into a column of a
// MinuteSeries (the report's charge_to_paid_p99_us), in the memory of one histogram however long
// the run is.
//
// Contract:
// - Samples arrive in time order, as the events of a discrete-event simulation do, so only the
//   current minute's LogHistogram is kept. When a sample of a later minute arrives, and at
//   finish(), the finished minute's quantile is written into the column and the histogram starts
//   empty: a minute's value depends on that minute's samples only.
// - The value written is LogHistogram::quantile(q) of exactly the minute's samples, rounded to an
//   integer (microseconds for latencies: the whole microseconds report.json's milliseconds show),
//   so it follows the rank and bucket rules of the report's own latency percentiles.
// - A minute without samples is never written and reads 0: "0 = no sample" (a minute whose
//   samples were all 0 reads 0 too).
// - REQUIRES: minutes never decrease (asserted; in release builds a late sample counts in the
//   current minute). The series must outlive this object; column is one of its columns.
#pragma once

#include <cstddef>
#include <cstdint>

#include "reports/histogram.h"
#include "reports/timeseries.h"

namespace reports {

class MinuteQuantile {
 public:
  MinuteQuantile(MinuteSeries& series, std::size_t column, double q);

  // Records value as a sample of minute, first writing the current minute's quantile when minute
  // is a later one.
  void record(std::int64_t minute, std::int64_t value);
  // Writes the current minute's quantile, if it has samples. Call once, after the last sample.
  void finish();

 private:
  MinuteSeries& series_;
  std::size_t column_;
  double q_;
  std::int64_t minute_ = 0;
  LogHistogram current_;  // the samples of minute_ only
};

}  // namespace reports
