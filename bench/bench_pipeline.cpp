// The whole pipeline at the baseline: 100 orders/s through one Alipay-like async channel
// with 1% callback loss, for 1 h and 24 h of simulated traffic, with compensation off, by
// polling, and by delay messages. Reports simulated orders per wall second and the most orders
// in flight at once (memory follows it; see docs/performance.md for peak RSS per horizon).
#include <benchmark/benchmark.h>

#include "bench/wallet_baseline.h"
#include "harness/world.h"

namespace {

using sim::Duration;

harness::Scenario baseline(Duration duration, sut::Strategy strategy) {
  return bench::wallet_baseline(100, duration, Duration::hours(1), strategy);
}

void BM_Pipeline(benchmark::State& state) {
  const Duration duration = Duration::hours(state.range(0));
  const auto strategy = static_cast<sut::Strategy>(state.range(1));
  const harness::Scenario scenario = baseline(duration, strategy);
  uint64_t orders = 0;
  uint64_t events = 0;
  for (auto _ : state) {
    harness::World world(scenario);
    const reports::Report& report = world.run();
    orders += report.orders.created;
    events += report.sim.events;
    benchmark::DoNotOptimize(report.dropped.final);
  }
  state.counters["orders_per_s"] =
      benchmark::Counter(static_cast<double>(orders), benchmark::Counter::kIsRate);
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_Pipeline)
    ->ArgNames({"hours", "strategy"})
    ->Args({1, static_cast<int>(sut::Strategy::kNone)})
    ->Args({1, static_cast<int>(sut::Strategy::kPolling)})
    ->Args({1, static_cast<int>(sut::Strategy::kDelayMessage)})
    ->Args({24, static_cast<int>(sut::Strategy::kNone)})
    ->Args({24, static_cast<int>(sut::Strategy::kDelayMessage)})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
