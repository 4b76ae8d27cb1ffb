// Arrivals of a piecewise-constant rate (traffic.profile), generated exactly piece by piece: each
// arrival is one draw, whatever the peak (issue 18: thinning at the peak rate made a 1 µs spike at
// 1,000,000/s cost a run 16 s, and a day at a 5,000/s peak 30x its orders' work).
#include "workload/traffic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "sim/sim_runtime.h"

namespace workload {
namespace {

using sim::Duration;

struct Arrivals {
  std::vector<int64_t> at_us;
  uint64_t draws = 0;
};

Arrivals run(const TrafficConfig& config, Duration window, uint64_t seed = 11) {
  sim::Simulator simulator;
  sim::SimRuntime runtime(simulator, seed);
  Arrivals out;
  Traffic traffic(runtime, config, window,
                  [&](uint64_t) { out.at_us.push_back(runtime.now().us()); });
  traffic.start();
  simulator.run_until_idle();
  EXPECT_TRUE(traffic.finished());
  out.draws = traffic.draws();
  return out;
}

TrafficConfig profile(std::vector<RatePoint> points) {
  TrafficConfig config;
  config.profile = std::move(points);
  return config;
}

uint64_t count_in(const Arrivals& a, Duration from, Duration to) {
  uint64_t n = 0;
  for (int64_t t : a.at_us) n += t >= from.us() && t < to.us() ? 1 : 0;
  return n;
}

// Each piece holds a Poisson count with mean rate × length: within 5 standard deviations.
TEST(Traffic, EachPieceGetsItsRateTimesItsLength) {
  const TrafficConfig config = profile({{Duration::zero(), 2.0},
                                        {Duration::hours(1), 50.0},
                                        {Duration::hours(2), 0.0},
                                        {Duration::hours(3), 5.0}});
  const Arrivals a = run(config, Duration::hours(4));
  const auto expect_about = [&](Duration from, Duration to, double rate) {
    const double mean = rate * static_cast<double>((to - from).us()) / 1e6;
    EXPECT_NEAR(static_cast<double>(count_in(a, from, to)), mean, 5 * std::sqrt(mean) + 1e-9)
        << "from " << from.us();
  };
  expect_about(Duration::zero(), Duration::hours(1), 2.0);
  expect_about(Duration::hours(1), Duration::hours(2), 50.0);
  expect_about(Duration::hours(2), Duration::hours(3), 0.0);
  expect_about(Duration::hours(3), Duration::hours(4), 5.0);
  EXPECT_EQ(a.draws, a.at_us.size() + 1);  // one per arrival, one that fell past the window
}

// The work follows the orders, not the peak: a 1 µs spike at 1,000,000/s in a 5-minute window
// draws about 1 + 1 + 300 × 0.001 numbers. Thinning drew 300 s × 1,000,000/s = 3 × 10^8.
TEST(Traffic, AShortSpikeCostsItsOrdersNotItsPeak) {
  const TrafficConfig config = profile({{Duration::zero(), 0.001},
                                        {Duration::seconds(100), 1'000'000.0},
                                        {Duration::seconds(100) + Duration::micros(1), 0.001}});
  const Arrivals a = run(config, Duration::minutes(5));
  EXPECT_LT(a.draws, 20u);
  EXPECT_EQ(a.draws, a.at_us.size() + 1);
}

// Evenly spaced arrivals follow the rate of the piece they fall in, exactly: 1/s until 10.5 s,
// then 4/s. The interval that spans the boundary is half used at 1/s (0.5 of the 1 needed), the
// rest at 4/s (0.125 s): the arrival after 10 s is at 10.625 s.
TEST(Traffic, EvenlySpacedArrivalsFollowEachPiece) {
  TrafficConfig config = profile({{Duration::zero(), 1.0}, {Duration::millis(10'500), 4.0}});
  config.arrival = TrafficConfig::Arrival::kUniform;
  const Arrivals a = run(config, Duration::seconds(12));
  const std::vector<int64_t> expected = {1'000'000,  2'000'000,  3'000'000,  4'000'000,
                                         5'000'000,  6'000'000,  7'000'000,  8'000'000,
                                         9'000'000,  10'000'000, 10'625'000, 10'875'000,
                                         11'125'000, 11'375'000, 11'625'000, 11'875'000};
  EXPECT_EQ(a.at_us, expected);
}

// A constant rate is the one-piece case, with the arrival times it always had: the draw is the
// same Exp(1) over the rate, so every report without a profile is unchanged.
TEST(Traffic, AConstantRateIsOnePiece) {
  TrafficConfig constant;
  constant.rate_per_s = 7.0;
  const TrafficConfig one_piece = profile({{Duration::zero(), 7.0}});
  const Arrivals a = run(constant, Duration::minutes(10));
  const Arrivals b = run(one_piece, Duration::minutes(10));
  EXPECT_EQ(a.at_us, b.at_us);
  EXPECT_NEAR(static_cast<double>(a.at_us.size()), 4200.0, 5 * std::sqrt(4200.0));
}

// The profile repeats every 24 h.
TEST(Traffic, TheDayRepeats) {
  const TrafficConfig config = profile({{Duration::zero(), 0.0}, {Duration::hours(23), 1.0}});
  const Arrivals a = run(config, Duration::days(2));
  EXPECT_EQ(count_in(a, Duration::zero(), Duration::hours(23)), 0u);
  EXPECT_EQ(count_in(a, Duration::hours(24), Duration::hours(47)), 0u);
  EXPECT_NEAR(static_cast<double>(count_in(a, Duration::hours(47), Duration::hours(48))), 3600.0,
              5 * 60.0);
}

}  // namespace
}  // namespace workload
