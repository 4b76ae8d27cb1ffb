// Speed and scale (issue 19): one benchmark per row of the table, so the cost per event and
// the memory per order in flight are measured, not remembered. Each row runs the whole model once
// and reports
//   ns_per_event       CPU time per model event (the target is <= 100 ns, and flat as traffic
//                      grows: 5,000 orders/s within 1.5x of 100 orders/s);
//   cpu_us_per_order   CPU time per order created;
//   peak_in_flight     the most orders in flight at a minute boundary;
//   rss_growth_mb      how much the process's peak RSS grew during the row: per order in flight
//                      it is bytes_per_in_flight (the target is <= 300 B). Peak RSS only grows, so
//                      this is exact only for the first row a process runs: measure memory one
//                      row per process (docs/performance.md, "Scale").
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdint>

#include "bench/wallet_baseline.h"
#include "harness/world.h"

namespace {

using sim::Duration;

// The "delay messages" baseline (the healthy-baseline shape) at `rate` orders/s for
// `minutes`, drained 30 minutes.
harness::Scenario delay_messages(double rate, int64_t minutes) {
  return bench::wallet_baseline(rate, Duration::minutes(minutes), Duration::minutes(30),
                                sut::Strategy::kDelayMessage);
}

// The lossy row: half the callbacks lost, a pending table polled every 300 s whose rows
// are kept 6 h, 4 h at 100 orders/s: many payments wait long in the table.
harness::Scenario lossy_polling() {
  harness::Scenario s = delay_messages(100, 240);
  s.channels[0].callback.drop_probability = 0.5;
  s.channels[0].callback.retries = {};
  s.system.compensation.strategy = sut::Strategy::kPolling;
  s.system.compensation.polling.interval = Duration::seconds(300);
  s.system.compensation.polling.lookback = Duration::hours(6);
  s.system.compensation.polling.max_attempts = 1000;
  return s;
}

int64_t peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec);
}

void run_row(benchmark::State& state, const harness::Scenario& scenario) {
  uint64_t orders = 0;
  uint64_t events = 0;
  size_t peak_in_flight = 0;
  const int64_t rss_before = peak_rss_kb();
  double cpu = 0;
  for (auto _ : state) {
    const double cpu_start = cpu_seconds();
    harness::World world(scenario);
    const reports::Report& report = world.run(
        [&](sim::Time) { peak_in_flight = std::max(peak_in_flight, world.orders_in_flight()); });
    cpu += cpu_seconds() - cpu_start;
    orders += report.orders.created;
    events += report.sim.events;
    benchmark::DoNotOptimize(report.dropped.final);
  }
  const double growth_bytes = static_cast<double>(peak_rss_kb() - rss_before) * 1024.0;
  state.counters["ns_per_event"] = 1e9 * cpu / static_cast<double>(std::max<uint64_t>(events, 1));
  state.counters["cpu_us_per_order"] =
      1e6 * cpu / static_cast<double>(std::max<uint64_t>(orders, 1));
  state.counters["events"] = static_cast<double>(events);
  state.counters["peak_in_flight"] = static_cast<double>(peak_in_flight);
  state.counters["rss_growth_mb"] = growth_bytes / 1e6;
  state.counters["bytes_per_in_flight"] =
      growth_bytes / static_cast<double>(std::max<size_t>(peak_in_flight, 1));
}

void BM_DelayMessages(benchmark::State& state) {
  run_row(state, delay_messages(static_cast<double>(state.range(0)), state.range(1)));
}

void BM_LossyPolling(benchmark::State& state) { run_row(state, lossy_polling()); }

BENCHMARK(BM_DelayMessages)
    ->ArgNames({"per_s", "minutes"})
    ->Args({100, 60})
    ->Args({1000, 10})
    ->Args({5000, 10})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK(BM_LossyPolling)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
