// The whole pipeline at the baseline: 100 orders/s through one Alipay-like async channel
// with 1% callback loss, for 1 h and 24 h of simulated traffic, with compensation off, by
// polling, and by delay messages. Reports simulated orders per wall second and the most orders
// in flight at once (memory follows it; see docs/performance.md for peak RSS per horizon).
#include <benchmark/benchmark.h>

#include "harness/scenario.h"
#include "harness/world.h"

namespace {

using sim::Distribution;
using sim::Duration;

harness::Scenario baseline(Duration duration, sut::Strategy strategy) {
  harness::Scenario s;
  s.name = "bench-baseline";
  s.seed = 42;
  s.duration = duration;
  s.drain = Duration::hours(1);
  s.traffic.rate_per_s = 100;
  s.user.pay_probability = 0.9;
  s.user.pay_delay = Distribution::exponential(Duration::seconds(20));
  s.user.return_delay = Distribution::lognormal(Duration::seconds(3), 0.5);
  channels::ChannelConfig channel;
  channel.name = "wallet";
  channel.accept_latency = Distribution::lognormal(Duration::millis(80), 0.3);
  channel.success_probability = 0.98;
  channel.callback.delay = Distribution::exponential(Duration::millis(500));
  channel.callback.drop_probability = 0.01;
  channel.callback.retries = {Duration::minutes(4), Duration::minutes(10)};
  channel.query.latency = Distribution::fixed(Duration::millis(100));
  s.channels.push_back(channel);
  s.system.notify.mq_retry = {Duration::seconds(10), Duration::seconds(30), Duration::minutes(1)};
  s.system.compensation.strategy = strategy;
  s.system.compensation.polling.interval = Duration::seconds(60);
  s.system.compensation.delay_message.schedule = {Duration::seconds(10),  Duration::seconds(30),
                                                  Duration::seconds(60),  Duration::seconds(90),
                                                  Duration::seconds(120), Duration::seconds(300)};
  return s;
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
