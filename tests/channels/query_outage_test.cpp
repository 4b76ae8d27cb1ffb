// Query faults (failure and stale rates) and outage windows: calls time out with no effect, the
// wallet refuses payments, and callback attempts that fall inside are re-sent on schedule.
#include <gtest/gtest.h>

#include "tests/channels/channel_world.h"

namespace channels::testing {
namespace {

using sim::Duration;
using sim::Time;

constexpr uint64_t kTrades = 10000;

TEST(QueryFaults, FailureAndStaleRatesMatchConfig) {
  ChannelConfig config = quiet_config();
  config.query.failure_probability = 0.05;
  config.query.stale_probability = 0.2;
  ChannelWorld world(config);
  for (OrderId order = 1; order <= kTrades; ++order)
    world.channel->create(world.client.call(), ChannelWorld::key(order), 100);
  world.run_for(Duration::seconds(1));
  for (OrderId order = 1; order <= kTrades; ++order) {
    world.channel->user_pays(ChannelWorld::key(order));
    world.channel->query(world.client.call(), ChannelWorld::key(order), QuerySource::kPolling);
  }
  world.simulator.run_until_idle();
  const ChannelStats& stats = world.channel->stats();
  expect_binomial(stats.queries_failed, kTrades, 0.05);
  // Stale applies only to queries that did not fail.
  expect_binomial(stats.queries_stale, kTrades - stats.queries_failed, 0.2);
  uint64_t errors = 0, pending = 0, success = 0;
  for (const auto& q : world.client.queries) {
    errors += q.reply.status == CallStatus::kError;
    pending += q.reply.status == CallStatus::kOk && q.reply.state == TradeState::kPending;
    success += q.reply.status == CallStatus::kOk && q.reply.state == TradeState::kSuccess;
  }
  EXPECT_EQ(errors, stats.queries_failed);
  EXPECT_EQ(pending, stats.queries_stale);
  EXPECT_EQ(success + pending + errors, kTrades);
}

TEST(QueryFaults, StaleNeverAffectsPendingTrades) {
  ChannelConfig config = quiet_config();
  config.query.stale_probability = 1.0;
  ChannelWorld world(config);
  world.create(ChannelWorld::key(1));
  world.channel->query(world.client.call(), ChannelWorld::key(1), QuerySource::kPolling);
  world.simulator.run_until_idle();
  EXPECT_EQ(world.client.queries[0].reply.state, TradeState::kPending);
  EXPECT_EQ(world.channel->stats().queries_stale, 0u);
}

ChannelConfig outage_config() {
  ChannelConfig config = quiet_config();
  config.outages = {
      {.start = Time::zero() + Duration::seconds(10), .duration = Duration::seconds(20)}};
  return config;
}

TEST(Outage, CallsTimeOutWithoutEffect) {
  ChannelWorld world(outage_config());
  const PaymentKey paid = ChannelWorld::key(1);
  world.create(paid);
  world.channel->user_pays(paid);
  world.advance_to(Time::zero() + Duration::seconds(10));
  EXPECT_TRUE(world.channel->in_outage(world.simulator.now()));

  const Time called_at = world.simulator.now();
  world.channel->create(world.client.call(), ChannelWorld::key(2), 100);
  world.channel->query(world.client.call(), paid, QuerySource::kOrderQuery);
  world.channel->close(world.client.call(), paid);
  world.channel->refund(world.client.call(), paid, 1000);
  world.run_for(Duration::seconds(6));
  ASSERT_EQ(world.client.creates.size(), 2u);
  EXPECT_EQ(world.client.creates[1].reply.status, CallStatus::kTimeout);
  EXPECT_EQ(world.client.creates[1].at, called_at + Duration::seconds(5));
  EXPECT_EQ(world.client.queries.at(0).reply.status, CallStatus::kTimeout);
  EXPECT_EQ(world.client.closes.at(0).reply.status, CallStatus::kTimeout);
  EXPECT_EQ(world.client.refunds.at(0).reply.status, CallStatus::kTimeout);
  EXPECT_EQ(world.channel->trade_state(ChannelWorld::key(2).payment), TradeState::kNotFound);
  EXPECT_EQ(world.channel->open_trades(), 1u);
  EXPECT_EQ(world.ledger.find(1)->refunded_minor, 0);
  EXPECT_EQ(world.channel->stats().calls_during_outage, 4u);
}

TEST(Outage, WalletRefusesAndRecoversAfterTheWindow) {
  ChannelWorld world(outage_config());
  const PaymentKey key = ChannelWorld::key(1);
  world.create(key);
  world.advance_to(Time::zero() + Duration::seconds(29));
  EXPECT_EQ(world.channel->user_pays(key), PayOutcome::kUnavailable);
  EXPECT_EQ(world.ledger.find(1), nullptr);
  world.advance_to(Time::zero() +
                   Duration::seconds(30));  // the window is [start, start + duration)
  EXPECT_FALSE(world.channel->in_outage(world.simulator.now()));
  EXPECT_EQ(world.channel->user_pays(key), PayOutcome::kCharged);
}

TEST(Outage, CallbackAttemptsInsideTheWindowAreResentOnSchedule) {
  ChannelConfig config = outage_config();
  config.callback.delay = sim::Distribution::fixed(Duration::seconds(10));
  config.callback.retries = {Duration::seconds(15), Duration::seconds(15)};
  ChannelWorld world(config);
  world.create(ChannelWorld::key(1));  // now 1s
  world.channel->user_pays(ChannelWorld::key(1));
  world.simulator.run_until_idle();
  // Attempt 1 at 11s and attempt 2 at 26s fall in the outage; attempt 3 at 41s arrives.
  ASSERT_EQ(world.client.callbacks.size(), 1u);
  EXPECT_EQ(world.client.callbacks[0].notice.sequence, 3u);
  EXPECT_EQ(world.client.callbacks[0].at, Time::zero() + Duration::seconds(41));
  EXPECT_EQ(world.channel->stats().callbacks_blocked, 2u);
  EXPECT_EQ(world.channel->stats().callbacks_sent, 1u);
}

}  // namespace
}  // namespace channels::testing
