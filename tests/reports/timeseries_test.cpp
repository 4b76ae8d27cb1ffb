#include "reports/timeseries.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace reports {
namespace {

TEST(MinuteSeries, CountersGaugesAndGapFilling) {
  MinuteSeries series({"pending_payments", "queries"});
  EXPECT_TRUE(series.empty());
  series.add(0, 1, 3);
  series.add(0, 1, 4);
  series.set_max(0, 0, 10);
  series.set_max(0, 0, 6);  // a smaller sample does not lower the peak
  series.set(3, 0, 2);
  series.set(3, 0, 1);  // last write wins
  EXPECT_EQ(series.minute_count(), 4);
  EXPECT_EQ(series.at(0, 1), 7);
  EXPECT_EQ(series.at(0, 0), 10);
  EXPECT_EQ(series.at(3, 0), 1);
  EXPECT_EQ(series.at(1, 0), 0);
  EXPECT_EQ(series.at(99, 0), 0);
  EXPECT_EQ(series.column_index("queries"), 1u);
  EXPECT_EQ(series.column_index("nope"), 2u);
  EXPECT_EQ(
      series.to_json().dump(),
      R"({"columns":["pending_payments","queries"],"rows":[[0,10,7],[1,0,0],[2,0,0],[3,1,0]]})");
}

TEST(MinuteSeries, ExtendToCoversTheWholeRun) {
  MinuteSeries series({"orders_paid"});
  series.add(1, 0, 5);
  series.extend_to(4);
  EXPECT_EQ(series.minute_count(), 4);
  series.extend_to(2);  // never shrinks
  EXPECT_EQ(series.minute_count(), 4);
  EXPECT_EQ(series.to_json()["rows"].dump(), "[[0,0],[1,5],[2,0],[3,0]]");
}

TEST(MinuteSeries, EmptySeriesWritesNoRows) {
  MinuteSeries series({"a"});
  EXPECT_EQ(series.to_json().dump(), R"({"columns":["a"],"rows":[]})");
}

}  // namespace
}  // namespace reports
