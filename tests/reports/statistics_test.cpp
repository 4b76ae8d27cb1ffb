// Confidence intervals across replications: exact Student-t quantiles, checked against published
// t-table values (NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.6.7.2, "Critical
// values of the Student's t distribution", upper-tail 0.025 column), not against our own formula.
#include "reports/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace reports {
namespace {

TEST(Statistics, TQuantilesMatchThePublishedTable) {
  // Tables give 3-4 decimals; 6e-5 is half a unit in the last place of 4-decimal entries.
  constexpr double kTableTolerance = 6e-5;
  const std::vector<std::pair<std::size_t, double>> table = {
      {1, 12.7062}, {2, 4.3027},  {3, 3.1824},  {5, 2.5706},  {10, 2.2281},  {20, 2.0860},
      {29, 2.0452}, {30, 2.0423}, {40, 2.0211}, {60, 2.0003}, {100, 1.9840}, {120, 1.9799}};
  for (const auto& [df, t] : table)
    EXPECT_NEAR(t_quantile_975(df), t, kTableTolerance) << "df " << df;
  // The normal quantile is the limit, approached from above.
  EXPECT_GT(t_quantile_975(100000), 1.959963);
  EXPECT_NEAR(t_quantile_975(100000), 1.959964, 1e-4);
}

// Regression (issue 12): from 29 degrees of freedom on, intervals used the normal 1.96 and were
// about 4% too narrow at 30 replications.
TEST(Statistics, IntervalOfThirtyOneValuesUsesTWithThirtyDegreesOfFreedom) {
  std::vector<double> values;
  for (int i = 0; i <= 30; ++i)
    values.push_back(i % 2 == 0 ? 1.0 : -1.0);  // 16 ones, 15 minus ones
  const MeanInterval m = mean_interval(values);
  ASSERT_EQ(m.n, 31u);
  double mean = 1.0 / 31.0;
  double squares = 16 * (1 - mean) * (1 - mean) + 15 * (-1 - mean) * (-1 - mean);
  const double standard_error = std::sqrt(squares / 30.0) / std::sqrt(31.0);
  EXPECT_NEAR(m.mean, mean, 1e-12);
  EXPECT_NEAR(*m.high - m.mean, 2.0423 * standard_error, 6e-5 * standard_error);
  EXPECT_NEAR(m.mean - *m.low, 2.0423 * standard_error, 6e-5 * standard_error);
}

TEST(Statistics, OneValueHasNoIntervalAndNoValuesMeansNothingMeasured) {
  const MeanInterval one = mean_interval({5.0});
  EXPECT_EQ(one.mean, 5.0);
  EXPECT_FALSE(one.low.has_value());
  EXPECT_FALSE(one.high.has_value());
  const MeanInterval none = mean_interval({});
  EXPECT_EQ(none.n, 0u);
  EXPECT_FALSE(none.low.has_value());
  const MeanInterval two = mean_interval({1.0, 3.0});
  EXPECT_DOUBLE_EQ(two.mean, 2.0);
  EXPECT_NEAR(*two.high - 2.0, 12.7062, 6e-5);  // s = sqrt(2), s / sqrt(2) = 1
}

}  // namespace
}  // namespace reports
