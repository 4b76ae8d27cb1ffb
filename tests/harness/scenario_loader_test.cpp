// The scenario loader on good input: SPEC section 4's sketch lands field by field, defaults hold
// when keys are absent, presets are the base of a channel, and variants, sweep values and --set
// overrides all go through the same document path.
#include "harness/scenario_loader.h"

#include <gtest/gtest.h>

#include "mock_channels/presets.h"

namespace harness {
namespace {

using sim::Distribution;
using sim::Duration;

// SPEC section 4's sketch, with every key spelled as the loader reads it.
constexpr const char* kSketch = R"yaml(
name: polling-vs-delay
seed: 42
duration: 1h
drain: 6h
traffic: {arrival: poisson, rate: 100/s}
user:
  pay_probability: 0.9
  pay_delay: {dist: exponential, mean: 20s}
  return_delay: {dist: lognormal, median: 3s, sigma: 0.5}
  repeat_click_probability: 0.02
  repay_if_unpaid_probability: 0.3
  switch_channel_probability: 0.05
channels:
  - name: wallet_a
    preset: alipay-like
    share: 0.6
    mode: async
    accept_latency: {dist: lognormal, median: 80ms, sigma: 0.3}
    success_probability: 0.98
    callback: {delay: {dist: exponential, mean: 500ms}, drop_probability: 0.05,
               duplicate_probability: 0.01, reorder_probability: 0.0,
               retries: [4m, 10m, 10m, 1h, 2h, 6h, 15h]}
    query: {latency: {dist: fixed, value: 100ms}, failure_probability: 0.01, stale_probability: 0.0}
    double_charge_probability: 0.0001
    cancel: {supported: true, latency: 100ms}
    refund: {supported: true, latency: 1s, failure_probability: 0.0}
    outages: [{start: 20m, duration: 5m}]
  - name: bank_b
    share: 0.4
    mode: sync
    accept_latency: 250ms
    pay_delay: {dist: empirical, points: [[1s, 0.5], [10s, 0.9], [60s, 1.0]]}
system:
  payment_service: {step_latency: 5ms, crashes: [{at: 30m, restart_after: 1m}]}
  order_service: {notify_latency: 10ms, notify_failure_probability: 0.01, late_payment: refund}
  notify: {sync_retries: 3, sync_backoff: 100ms, async_mq: true, mq_retry: rocketmq}
  compensation:
    strategy: delay_message
    polling: {interval: 60s, source: pending_table, batch_size: 500, workers: 8,
              lookback: 30m, max_attempts: 20}
    delay_message: {schedule: [10s, 30s, 60s, 90s, 120s, 300s, 420s], levels: arbitrary}
    reconciliation: {every: 1d, lag: 10m}
  dedup: {order_lock: true, reuse_in_flight: true, cancel_in_flight: false, refund_duplicates: true}
  client: {poll_interval: 1s, poll_timeout: 10s, push: {enabled: false, loss_probability: 0.2}}
variants:
  - {name: polling-60s, set: {system.compensation.strategy: polling}}
  - {name: delay-msg,   set: {system.compensation.strategy: delay_message}}
sweep: {system.compensation.polling.interval: [10s, 30s, 60s, 300s]}
replications: 10
expect:
  dropped.final: 0
  duplicates.unresolved: 0
  latency.charge_to_paid_ms.p99: "< 60000"
)yaml";

std::string all_errors(const LoadResult& result) {
  std::string out;
  for (const ScenarioError& error : result.errors) out += error.to_string() + "\n";
  return out;
}

Scenario load_ok(std::string_view text, const std::vector<Override>& overrides = {},
                 const std::string& variant = "") {
  LoadResult result = load_scenario_text(text, "sketch.yaml", overrides, variant);
  EXPECT_TRUE(result.ok()) << all_errors(result);
  return result.scenario.value_or(Scenario{});
}

TEST(ScenarioLoader, SketchTopLevelAndWorkload) {
  Scenario s = load_ok(kSketch);
  EXPECT_EQ(s.name, "polling-vs-delay");
  EXPECT_EQ(s.file, "sketch.yaml");
  EXPECT_EQ(s.variant, "");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.duration, Duration::hours(1));
  EXPECT_EQ(s.drain, Duration::hours(6));
  EXPECT_EQ(s.traffic.arrival, workload::TrafficConfig::Arrival::kPoisson);
  EXPECT_DOUBLE_EQ(s.traffic.rate_per_s, 100.0);
  EXPECT_TRUE(s.traffic.profile.empty());
  EXPECT_DOUBLE_EQ(s.user.pay_probability, 0.9);
  EXPECT_EQ(s.user.pay_delay, Distribution::exponential(Duration::seconds(20)));
  EXPECT_EQ(s.user.return_delay, Distribution::lognormal(Duration::seconds(3), 0.5));
  EXPECT_DOUBLE_EQ(s.user.repeat_click_probability, 0.02);
  EXPECT_DOUBLE_EQ(s.user.repay_if_unpaid_probability, 0.3);
  EXPECT_DOUBLE_EQ(s.user.switch_channel_probability, 0.05);
  EXPECT_EQ(s.replications, 10);
}

TEST(ScenarioLoader, SketchChannels) {
  Scenario s = load_ok(kSketch);
  ASSERT_EQ(s.channels.size(), 2u);
  const channels::ChannelConfig& a = s.channels[0];
  EXPECT_EQ(a.name, "wallet_a");
  EXPECT_EQ(a.preset, "alipay-like");
  EXPECT_DOUBLE_EQ(a.share, 0.6);
  EXPECT_EQ(a.mode, channels::ChannelMode::kAsync);
  EXPECT_EQ(a.accept_latency, Distribution::lognormal(Duration::millis(80), 0.3));
  EXPECT_EQ(a.callback.delay, Distribution::exponential(Duration::millis(500)));
  EXPECT_DOUBLE_EQ(a.callback.drop_probability, 0.05);
  EXPECT_DOUBLE_EQ(a.callback.duplicate_probability, 0.01);
  EXPECT_EQ(a.callback.retries,
            (std::vector<Duration>{Duration::minutes(4), Duration::minutes(10),
                                   Duration::minutes(10), Duration::hours(1), Duration::hours(2),
                                   Duration::hours(6), Duration::hours(15)}));
  EXPECT_EQ(a.query.latency, Distribution::fixed(Duration::millis(100)));
  EXPECT_DOUBLE_EQ(a.query.failure_probability, 0.01);
  EXPECT_DOUBLE_EQ(a.double_charge_probability, 0.0001);
  EXPECT_TRUE(a.cancel.supported);
  EXPECT_EQ(a.cancel.latency, Duration::millis(100));
  EXPECT_EQ(a.refund.latency, Duration::seconds(1));
  ASSERT_EQ(a.outages.size(), 1u);
  EXPECT_EQ(a.outages[0].start, sim::Time::from_us(Duration::minutes(20).us()));
  EXPECT_EQ(a.outages[0].duration, Duration::minutes(5));
  EXPECT_FALSE(a.has_pay_delay);

  const channels::ChannelConfig& b = s.channels[1];
  EXPECT_EQ(b.name, "bank_b");
  EXPECT_EQ(b.preset, "");
  EXPECT_EQ(b.mode, channels::ChannelMode::kSync);
  EXPECT_EQ(b.accept_latency, Distribution::fixed(Duration::millis(250)));  // bare duration = fixed
  EXPECT_TRUE(b.has_pay_delay);
  EXPECT_EQ(b.pay_delay, Distribution::empirical({{Duration::seconds(1), 0.5},
                                                  {Duration::seconds(10), 0.9},
                                                  {Duration::seconds(60), 1.0}}));
  EXPECT_EQ(b.timeout, channels::ChannelConfig{}.timeout);  // untouched keys keep the defaults
}

TEST(ScenarioLoader, SketchSystem) {
  Scenario s = load_ok(kSketch);
  const sut::SystemConfig& sys = s.system;
  EXPECT_EQ(sys.payment_service.step_latency, Duration::millis(5));
  ASSERT_EQ(sys.payment_service.crashes.size(), 1u);
  EXPECT_EQ(sys.payment_service.crashes[0].at, sim::Time::from_us(Duration::minutes(30).us()));
  EXPECT_EQ(sys.payment_service.crashes[0].restart_after, Duration::minutes(1));
  EXPECT_EQ(sys.order_service.notify_latency, Distribution::fixed(Duration::millis(10)));
  EXPECT_DOUBLE_EQ(sys.order_service.notify_failure_probability, 0.01);
  EXPECT_EQ(sys.order_service.late_payment, sut::OrderServiceConfig::LatePayment::kRefund);
  EXPECT_EQ(sys.notify.sync_retries, 3);
  EXPECT_EQ(sys.notify.sync_backoff, Duration::millis(100));
  ASSERT_EQ(sys.notify.mq_retry.size(), 16u);
  EXPECT_EQ(sys.notify.mq_retry.front(), Duration::seconds(10));
  EXPECT_EQ(sys.notify.mq_retry.back(), Duration::hours(2));
  const sut::CompensationConfig& c = sys.compensation;
  EXPECT_EQ(c.strategy, sut::Strategy::kDelayMessage);
  EXPECT_EQ(c.polling.interval, Duration::seconds(60));
  EXPECT_EQ(c.polling.source, sut::PollingConfig::Source::kPendingTable);
  EXPECT_EQ(c.polling.batch_size, 500);
  EXPECT_EQ(c.polling.workers, 8);
  EXPECT_EQ(c.polling.lookback, Duration::minutes(30));
  EXPECT_EQ(c.polling.max_attempts, 20);
  ASSERT_EQ(c.delay_message.schedule.size(), 7u);
  EXPECT_EQ(c.delay_message.schedule[6], Duration::seconds(420));
  EXPECT_EQ(c.delay_message.levels, sut::DelayMessageConfig::Levels::kArbitrary);
  EXPECT_TRUE(c.reconciliation.enabled);  // the map's presence enables it
  EXPECT_EQ(c.reconciliation.every, Duration::days(1));
  EXPECT_EQ(c.reconciliation.lag, Duration::minutes(10));
  EXPECT_TRUE(sys.dedup.order_lock);
  EXPECT_TRUE(sys.dedup.reuse_in_flight);
  EXPECT_FALSE(sys.dedup.cancel_in_flight);
  EXPECT_TRUE(sys.dedup.refund_duplicates);
  EXPECT_EQ(sys.client.poll_interval, Duration::seconds(1));
  EXPECT_EQ(sys.client.poll_timeout, Duration::seconds(10));
  EXPECT_FALSE(sys.client.push_enabled);
  EXPECT_DOUBLE_EQ(sys.client.push_loss_probability, 0.2);
  EXPECT_FALSE(sys.order_query.enabled);
}

TEST(ScenarioLoader, SketchExperimentKeys) {
  Scenario s = load_ok(kSketch);
  ASSERT_EQ(s.variants.size(), 2u);
  EXPECT_EQ(s.variants[0].name, "polling-60s");
  ASSERT_EQ(s.variants[0].set.size(), 1u);
  EXPECT_EQ(s.variants[0].set[0].first, "system.compensation.strategy");
  EXPECT_EQ(s.variants[0].set[0].second, "polling");
  ASSERT_EQ(s.sweep.size(), 1u);
  EXPECT_EQ(s.sweep[0].key, "system.compensation.polling.interval");
  EXPECT_EQ(s.sweep[0].values, (std::vector<std::string>{"10s", "30s", "60s", "300s"}));
  ASSERT_EQ(s.expect.size(), 3u);
  EXPECT_EQ(s.expect[0].metric, "dropped.final");
  EXPECT_EQ(s.expect[0].op, CompareOp::kEq);
  EXPECT_EQ(s.expect[0].threshold, 0.0);
  EXPECT_EQ(s.expect[2].metric, "latency.charge_to_paid_ms.p99");
  EXPECT_EQ(s.expect[2].op, CompareOp::kLt);
  EXPECT_EQ(s.expect[2].threshold, 60000.0);
  EXPECT_EQ(s.expect[2].text, "< 60000");
}

TEST(ScenarioLoader, ExpectOperators) {
  Scenario s = load_ok(R"(
channels: [{name: a}]
expect: {orders.paid: ">= 0.99", cost.channel_queries: "<= 5", dropped.final: "== 0",
         latency.pay_to_paid_ms.max: "> 1.5e3", duplicates.refunded: 7})");
  ASSERT_EQ(s.expect.size(), 5u);
  EXPECT_EQ(s.expect[0].op, CompareOp::kGe);
  EXPECT_EQ(s.expect[0].threshold, 0.99);
  EXPECT_EQ(s.expect[1].op, CompareOp::kLe);
  EXPECT_EQ(s.expect[2].op, CompareOp::kEq);
  EXPECT_EQ(s.expect[3].op, CompareOp::kGt);
  EXPECT_EQ(s.expect[3].threshold, 1500.0);
  EXPECT_EQ(s.expect[4].op, CompareOp::kEq);
  EXPECT_EQ(s.expect[4].threshold, 7.0);
}

TEST(ScenarioLoader, MinimalScenarioKeepsStructDefaults) {
  Scenario s = load_ok("channels: [{name: only}]\n");
  Scenario defaults;
  EXPECT_EQ(s.name, "sketch");  // the file's stem when `name` is absent
  EXPECT_EQ(s.seed, defaults.seed);
  EXPECT_EQ(s.duration, defaults.duration);
  EXPECT_EQ(s.replications, 1);
  ASSERT_EQ(s.channels.size(), 1u);
  EXPECT_DOUBLE_EQ(s.channels[0].share, 1.0);
  EXPECT_EQ(s.channels[0].callback.delay, channels::CallbackProfile{}.delay);
  EXPECT_EQ(s.system.compensation.strategy, sut::Strategy::kNone);
  EXPECT_EQ(s.system.dedup.check_paid, sut::DedupConfig{}.check_paid);
  EXPECT_EQ(s.user.max_pay_attempts, workload::UserConfig{}.max_pay_attempts);
  EXPECT_EQ(s.system.notify.mq_retry, sut::rocketmq_consumer_retries());  // the broker default
}

TEST(ScenarioLoader, NullValueMeansDefault) {
  Scenario s = load_ok("channels: [{name: a, callback: , query: {latency: }}]\nsystem:\n");
  EXPECT_EQ(s.channels[0].query.latency, channels::QueryProfile{}.latency);
}

TEST(ScenarioLoader, PollingLookbackDefaultsBySource) {
  // Unset (or null), the window is the source's: none for a pending table, 30m for a full scan.
  Scenario s = load_ok("channels: [{name: a}]\nsystem: {compensation: {polling: {lookback: }}}\n");
  EXPECT_FALSE(s.system.compensation.polling.lookback.has_value());
  EXPECT_FALSE(s.system.compensation.polling.window().has_value());
  s = load_ok("channels: [{name: a}]\nsystem: {compensation: {polling: {source: full_scan}}}\n");
  EXPECT_EQ(s.system.compensation.polling.window(), Duration::minutes(30));
  s = load_ok("channels: [{name: a}]\nsystem: {compensation: {polling: {lookback: 2h}}}\n");
  EXPECT_EQ(s.system.compensation.polling.window(), Duration::hours(2));
}

TEST(ScenarioLoader, RatesAndDayProfile) {
  Scenario s = load_ok("channels: [{name: a}]\ntraffic: {rate: 6000/m, arrival: uniform}\n");
  EXPECT_DOUBLE_EQ(s.traffic.rate_per_s, 100.0);
  EXPECT_EQ(s.traffic.arrival, workload::TrafficConfig::Arrival::kUniform);
  s = load_ok(
      "channels: [{name: a}]\ntraffic: {profile: [[0h, 20/s], [8h, 360000/h], [22h, 0/s]]}\n");
  ASSERT_EQ(s.traffic.profile.size(), 3u);
  EXPECT_EQ(s.traffic.profile[1].time_of_day, Duration::hours(8));
  EXPECT_DOUBLE_EQ(s.traffic.profile[1].rate_per_s, 100.0);
  EXPECT_DOUBLE_EQ(s.traffic.profile[2].rate_per_s, 0.0);
}

TEST(ScenarioLoader, OptionalFeaturesEnabledByPresence) {
  Scenario s = load_ok(R"(
channels: [{name: a}]
system:
  order_query: {at_ages: [30s, 2m]}
  client: {push: {loss_probability: 0.1, latency: {dist: uniform, min: 10ms, max: 1s}}}
  compensation: {reconciliation: {enabled: false, every: 12h}, retry_storage: in_memory,
                 polling: {source: full_scan, age_schedule: [3s, 10s, 30s, 3m], min_age: 10m}}
)");
  EXPECT_TRUE(s.system.order_query.enabled);
  EXPECT_EQ(s.system.order_query.at_ages,
            (std::vector<Duration>{Duration::seconds(30), Duration::minutes(2)}));
  EXPECT_TRUE(s.system.client.push_enabled);
  EXPECT_EQ(s.system.client.push_latency,
            Distribution::uniform(Duration::millis(10), Duration::seconds(1)));
  EXPECT_FALSE(s.system.compensation.reconciliation.enabled);
  EXPECT_EQ(s.system.compensation.reconciliation.every, Duration::hours(12));
  EXPECT_EQ(s.system.compensation.retry_storage, sut::CompensationConfig::RetryStorage::kInMemory);
  EXPECT_EQ(s.system.compensation.polling.source, sut::PollingConfig::Source::kFullScan);
  EXPECT_EQ(s.system.compensation.polling.age_schedule.size(), 4u);
  EXPECT_EQ(s.system.compensation.polling.min_age, Duration::minutes(10));
}

TEST(ScenarioLoader, PresetIsTheBaseAndFileKeysWin) {
  for (const channels::PresetInfo& info : channels::channel_presets()) {
    std::optional<channels::ChannelConfig> preset = channels::channel_preset(info.name);
    ASSERT_TRUE(preset.has_value()) << info.name;
    Scenario s = load_ok("channels:\n  - {name: c, preset: " + info.name +
                         ", callback: {drop_probability: 0.25}, timeout: 7s}\n");
    ASSERT_EQ(s.channels.size(), 1u);
    channels::ChannelConfig expected = *preset;
    expected.name =
        std::string("c");  // not = "c": g++ 12 warns falsely (-Wrestrict) on that at -O3
    expected.preset = info.name;
    expected.callback.drop_probability = 0.25;
    expected.timeout = Duration::seconds(7);
    const channels::ChannelConfig& got = s.channels[0];
    EXPECT_EQ(got.callback.retries, expected.callback.retries) << info.name;
    EXPECT_EQ(got.callback.delay, expected.callback.delay) << info.name;
    EXPECT_EQ(got.callback.drop_probability, 0.25) << info.name;
    EXPECT_EQ(got.callback.notify_failures, expected.callback.notify_failures) << info.name;
    EXPECT_EQ(got.mode, expected.mode) << info.name;
    EXPECT_EQ(got.accept_latency, expected.accept_latency) << info.name;
    EXPECT_EQ(got.cancel.min_age, expected.cancel.min_age) << info.name;
    EXPECT_EQ(got.trade_expiry, expected.trade_expiry) << info.name;
    EXPECT_EQ(got.has_pay_delay, expected.has_pay_delay) << info.name;
    EXPECT_EQ(got.timeout, Duration::seconds(7)) << info.name;
    EXPECT_EQ(got.name, "c");
    EXPECT_EQ(got.preset, info.name);
  }
}

}  // namespace
}  // namespace harness
