// Statistical checks of every distribution, over fixed seeds so the tests are deterministic.
// Tolerances are a few standard errors wide: enough to be stable, narrow enough that a wrong
// parameterisation (rate for mean, sigma^2 for sigma, mean for median, off-by-one bounds) fails.
#include "sim/distribution.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace sim {
namespace {

constexpr int kDraws = 200'000;

std::vector<int64_t> sample_us(const Distribution& d, uint64_t seed) {
  RandomStream rng(seed, 1, purpose("distribution_test"));
  std::vector<int64_t> out;
  out.reserve(kDraws);
  for (int i = 0; i < kDraws; ++i) out.push_back(d.sample(rng).us());
  return out;
}

double mean_of(const std::vector<int64_t>& xs) {
  double sum = 0;
  for (int64_t x : xs) sum += static_cast<double>(x);
  return sum / static_cast<double>(xs.size());
}

// Fraction of samples <= x: the empirical CDF.
double cdf_at(const std::vector<int64_t>& xs, int64_t x) {
  return static_cast<double>(
             std::count_if(xs.begin(), xs.end(), [x](int64_t v) { return v <= x; })) /
         static_cast<double>(xs.size());
}

TEST(DistributionTest, Fixed) {
  const Distribution d = Distribution::fixed(Duration::millis(100));
  RandomStream rng(1, 1, 1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(d.sample(rng), Duration::millis(100));
  EXPECT_EQ(d.mean(), Duration::millis(100));
  EXPECT_EQ(d.kind(), Distribution::Kind::kFixed);
  EXPECT_EQ(d.describe(), "fixed(value=100ms)");
  EXPECT_EQ(Distribution().sample(rng), Duration::zero());
}

TEST(DistributionTest, UniformBoundsMeanAndMedian) {
  const Distribution d = Distribution::uniform(Duration::seconds(1), Duration::seconds(3));
  const auto xs = sample_us(d, 2);
  const auto [lo, hi] = std::minmax_element(xs.begin(), xs.end());
  EXPECT_GE(*lo, 1'000'000);
  EXPECT_LE(*hi, 3'000'000);
  EXPECT_LT(*lo, 1'000'000 + 100'000);  // reaches near both ends
  EXPECT_GT(*hi, 3'000'000 - 100'000);
  EXPECT_NEAR(mean_of(xs), 2e6, 6'000);  // se ~ 1300us
  EXPECT_NEAR(cdf_at(xs, 1'500'000), 0.25, 0.005);
  EXPECT_EQ(d.mean(), Duration::seconds(2));
  EXPECT_EQ(d.describe(), "uniform(min=1s, max=3s)");
  // Both ends are included for integer ranges.
  const Distribution tiny = Distribution::uniform(Duration::micros(5), Duration::micros(6));
  const auto ys = sample_us(tiny, 3);
  EXPECT_NEAR(cdf_at(ys, 5), 0.5, 0.01);
  EXPECT_EQ(*std::max_element(ys.begin(), ys.end()), 6);
  const Distribution point = Distribution::uniform(Duration::seconds(1), Duration::seconds(1));
  RandomStream rng(1, 1, 1);
  EXPECT_EQ(point.sample(rng), Duration::seconds(1));
}

TEST(DistributionTest, ExponentialMeanAndMedian) {
  const Distribution d = Distribution::exponential(Duration::seconds(20));
  const auto xs = sample_us(d, 4);
  EXPECT_GE(*std::min_element(xs.begin(), xs.end()), 0);
  EXPECT_NEAR(mean_of(xs), 20e6, 20e6 * 0.012);  // se 0.22%
  EXPECT_NEAR(cdf_at(xs, static_cast<int64_t>(20e6 * std::log(2.0))), 0.5, 0.005);
  EXPECT_NEAR(cdf_at(xs, 20'000'000), 1 - std::exp(-1.0), 0.005);
  EXPECT_EQ(d.mean(), Duration::seconds(20));
  EXPECT_EQ(d.describe(), "exponential(mean=20s)");
}

TEST(DistributionTest, LognormalMedianAndMean) {
  const Distribution d = Distribution::lognormal(Duration::seconds(3), 0.5);
  const auto xs = sample_us(d, 5);
  EXPECT_NEAR(cdf_at(xs, 3'000'000), 0.5, 0.005);
  // P(X <= median * e^sigma) = Phi(1).
  EXPECT_NEAR(cdf_at(xs, static_cast<int64_t>(3e6 * std::exp(0.5))), 0.841345, 0.005);
  const double analytic_mean_us = 3e6 * std::exp(0.125);
  EXPECT_NEAR(mean_of(xs), analytic_mean_us, analytic_mean_us * 0.01);
  EXPECT_NEAR(static_cast<double>(d.mean().us()), analytic_mean_us, 1.0);
  EXPECT_EQ(d.describe(), "lognormal(median=3s, sigma=0.5)");
  // sigma = 0 degenerates to the median.
  RandomStream rng(1, 1, 1);
  EXPECT_EQ(Distribution::lognormal(Duration::seconds(3), 0).sample(rng), Duration::seconds(3));
}

TEST(DistributionTest, EmpiricalHitsTheKnots) {
  const std::vector<Distribution::Knot> knots = {
      {Duration::seconds(1), 0.5}, {Duration::seconds(10), 0.9}, {Duration::seconds(60), 1.0}};
  ASSERT_EQ(Distribution::validate_empirical(knots), std::nullopt);
  const Distribution d = Distribution::empirical(knots);
  const auto xs = sample_us(d, 6);
  EXPECT_NEAR(cdf_at(xs, 1'000'000), 0.5, 0.005);
  EXPECT_NEAR(cdf_at(xs, 10'000'000), 0.9, 0.004);
  EXPECT_EQ(*std::max_element(xs.begin(), xs.end()) <= 60'000'000, true);
  // Linear inside a segment: halfway from 1s to 10s is CDF 0.7.
  EXPECT_NEAR(cdf_at(xs, 5'500'000), 0.7, 0.005);
  // Linear from (0, 0): P(X <= 0.5s) = 0.25.
  EXPECT_NEAR(cdf_at(xs, 500'000), 0.25, 0.005);
  // Mean: 0.5*0.5s + 0.4*5.5s + 0.1*35s = 5.95s.
  EXPECT_EQ(d.mean(), Duration::millis(5950));
  EXPECT_NEAR(mean_of(xs), 5.95e6, 5.95e6 * 0.015);
  EXPECT_EQ(d.describe(), "empirical(points=[[1s, 0.5], [10s, 0.9], [1m, 1]])");
}

TEST(DistributionTest, EmpiricalWithAtomAndFlatSegment) {
  // A first knot with probability 0 means nothing below 2s; the flat 4s..6s segment never occurs.
  const Distribution d = Distribution::empirical({{Duration::seconds(2), 0.0},
                                                  {Duration::seconds(4), 0.6},
                                                  {Duration::seconds(6), 0.6},
                                                  {Duration::seconds(8), 1.0}});
  const auto xs = sample_us(d, 7);
  EXPECT_GE(*std::min_element(xs.begin(), xs.end()), 2'000'000);
  EXPECT_NEAR(cdf_at(xs, 4'000'000), 0.6, 0.005);
  EXPECT_NEAR(cdf_at(xs, 5'999'999), 0.6, 0.005);
}

TEST(DistributionTest, ValidateEmpiricalExplains) {
  using V = std::vector<Distribution::Knot>;
  const auto s = [](int64_t n) { return Duration::seconds(n); };
  EXPECT_NE(Distribution::validate_empirical(V{}), std::nullopt);
  EXPECT_EQ(Distribution::validate_empirical(V{{s(1), 0.5}, {s(2), 0.4}, {s(3), 1.0}}),
            "point 2: probabilities must not decrease");
  EXPECT_EQ(Distribution::validate_empirical(V{{s(2), 0.5}, {s(2), 1.0}}),
            "point 2: values must strictly increase");
  EXPECT_EQ(Distribution::validate_empirical(V{{s(1), 0.5}, {s(2), 0.9}}),
            "the last probability must be 1");
  EXPECT_EQ(Distribution::validate_empirical(V{{s(1), 1.5}}),
            "point 1: probabilities must be in [0, 1]");
  EXPECT_EQ(Distribution::validate_empirical(V{{-s(1), 0.5}, {s(1), 1.0}}),
            "point 1: values must not be negative");
  EXPECT_EQ(Distribution::validate_empirical(V{{s(1), 1.0}}), std::nullopt);
}

TEST(DistributionTest, DeterministicAndValueSemantics) {
  const Distribution d = Distribution::lognormal(Duration::millis(80), 0.3);
  const Distribution copy = d;
  EXPECT_EQ(copy, d);
  EXPECT_EQ(sample_us(copy, 9), sample_us(d, 9));
  EXPECT_NE(sample_us(d, 9), sample_us(d, 10));
}

}  // namespace
}  // namespace sim
