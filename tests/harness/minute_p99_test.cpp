// issue 17: the timeseries' charge_to_paid_p99_us, on a run whose latencies are known. Every
// delay is fixed, so charge->paid is one constant for an order whose first callback arrives, and
// that constant plus the 2-minute callback re-send for an order whose first callback the channel's
// outage blocked. Those slow orders all become PAID in minute 2; every other minute holds fast
// orders only, so its p99 must be the fast constant: a p99 that kept earlier minutes' samples
// would say "slow" again in minute 3.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "harness/run.h"
#include "harness/scenario_loader.h"

namespace harness {
namespace {

// One order a second for 6 minutes, each paid in the wallet 5 s after its order, its callback 30 s
// after the charge and, if that one is not delivered, once more 2 minutes later. The channel is
// down from 20 s to 60 s: orders charged before 20 s (the first 15 orders) have their first
// callback blocked and become PAID at 2m35s..2m50s; payments in the outage are refused; orders
// charged from 60 s on become PAID from minute 1 on, 30 s after their charge.
constexpr const char* kScenario = R"yaml(
name: minute-p99
seed: 3
duration: 6m
drain: 1h
traffic: {arrival: uniform, rate: 1/s}
user: {pay_probability: 1, pay_delay: 5s, return_delay: 3s, max_pay_attempts: 1}
channels:
  - name: wallet
    accept_latency: 80ms
    success_probability: 1
    callback: {delay: 30s, retries: [2m]}
    outages: [{start: 20s, duration: 40s}]
system:
  compensation: {strategy: none}
)yaml";

TEST(MinuteP99, EachMinuteHoldsThePercentileOfItsOwnOrders) {
  const LoadResult loaded = load_scenario_text(kScenario, "minute-p99.yaml");
  ASSERT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
  const reports::Report r = run_scenario(*loaded.scenario).report;
  ASSERT_EQ(r.invariants.violations, 0u);
  const reports::LogHistogram& latency = r.latency.charge_to_paid_us;
  const std::int64_t fast_us = latency.min();
  const std::int64_t slow_us = latency.max();
  // The two constants: the slow one is the fast one plus the re-send's 2 minutes.
  EXPECT_EQ(slow_us - fast_us, 120'000'000);
  EXPECT_GE(fast_us, 30'000'000);
  EXPECT_LT(fast_us, 31'000'000);

  const reports::MinuteSeries& series = r.timeseries;
  ASSERT_EQ(series.column_index("charge_to_paid_p99_us"), reports::kChargeToPaidP99);
  std::uint64_t paid = 0;
  for (std::int64_t m = 0; m < series.minute_count(); ++m) {
    SCOPED_TRACE(::testing::Message() << "minute " << m);
    const std::int64_t orders_paid = series.at(m, reports::kOrdersPaid);
    paid += static_cast<std::uint64_t>(orders_paid);
    // Minute 2's slow orders are more than 1% of its orders: its p99 is theirs. Equal samples
    // make the histogram's quantile exact (clamped to the minute's min and max).
    const std::int64_t expected = orders_paid == 0 ? 0 : m == 2 ? slow_us : fast_us;
    EXPECT_EQ(series.at(m, reports::kChargeToPaidP99), expected);
  }
  EXPECT_EQ(paid, r.orders.paid);
  EXPECT_EQ(series.at(0, reports::kOrdersPaid), 0) << "the first PAID order is at 1m30s";
  for (std::int64_t m = 1; m <= 6; ++m) EXPECT_GT(series.at(m, reports::kOrdersPaid), 0) << m;
  EXPECT_EQ(latency.count(), r.orders.paid);
}

}  // namespace
}  // namespace harness
