#include "reports/minute_quantile.h"

#include <cassert>
#include <cmath>

namespace reports {

MinuteQuantile::MinuteQuantile(MinuteSeries& series, std::size_t column, double q)
    : series_(series), column_(column), q_(q) {}

void MinuteQuantile::record(std::int64_t minute, std::int64_t value) {
  assert(minute >= minute_ && "samples must arrive in time order");
  if (minute > minute_) {
    finish();
    current_ = LogHistogram();
    minute_ = minute;
  }
  current_.record(value);
}

void MinuteQuantile::finish() {
  if (current_.empty()) return;
  series_.set(minute_, column_, std::llround(current_.quantile(q_)));
}

}  // namespace reports
