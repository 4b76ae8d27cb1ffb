// The mock channel's merchant API without faults: create, pay, callback, query, close, refund,
// expiry, idempotent create, sync mode and forget().
#include "mock_channels/mock_channel.h"

#include <gtest/gtest.h>

#include "tests/channels/channel_world.h"

namespace channels::testing {
namespace {

using sim::Duration;
using sim::Time;

TEST(MockChannel, HappyPathCreatesChargesAndCallsBack) {
  ChannelWorld world(quiet_config());
  const PaymentKey key = ChannelWorld::key(1);
  world.channel->create(world.client.call(), key, 1234);
  EXPECT_EQ(world.channel->trade_state(key.payment), TradeState::kNotFound);  // in flight
  world.simulator.run_until_idle();
  ASSERT_EQ(world.client.creates.size(), 1u);
  EXPECT_EQ(world.client.creates[0].at, Time::zero() + Duration::millis(80));
  EXPECT_EQ(world.client.creates[0].reply.status, CallStatus::kOk);
  EXPECT_EQ(world.client.creates[0].reply.state, TradeState::kPending);
  EXPECT_EQ(world.channel->trade_state(key.payment), TradeState::kPending);

  EXPECT_EQ(world.channel->user_pays(key), PayOutcome::kCharged);
  const Time charged_at = world.simulator.now();
  EXPECT_EQ(world.channel->trade_state(key.payment), TradeState::kSuccess);
  const Ledger::OrderMoney* money = world.ledger.find(1);
  ASSERT_NE(money, nullptr);
  EXPECT_EQ(money->charges, 1u);
  EXPECT_EQ(money->charged_minor, 1234);
  EXPECT_EQ(money->first_charge_at, charged_at);

  world.simulator.run_until_idle();
  ASSERT_EQ(world.client.callbacks.size(), 1u);
  EXPECT_EQ(world.client.callbacks[0].at, charged_at + Duration::millis(500));
  EXPECT_EQ(world.client.callbacks[0].notice.state, TradeState::kSuccess);
  EXPECT_EQ(world.client.callbacks[0].notice.sequence, 1u);
  EXPECT_EQ(world.client.callbacks[0].notice.key.payment, key.payment);
  EXPECT_EQ(world.channel->stats().callbacks_sent, 1u);
  EXPECT_EQ(world.channel->stats().charges, 1u);

  // A second click on a paid trade takes nothing.
  EXPECT_EQ(world.channel->user_pays(key), PayOutcome::kUnavailable);
  EXPECT_EQ(world.ledger.find(1)->charges, 1u);
}

TEST(MockChannel, DeclinedPaymentChargesNothingAndNotifiesOnlyWhenConfigured) {
  ChannelConfig config = quiet_config();
  config.success_probability = 0.0;
  ChannelWorld silent(config);
  silent.create(ChannelWorld::key(1));
  EXPECT_EQ(silent.channel->user_pays(ChannelWorld::key(1)), PayOutcome::kDeclined);
  silent.simulator.run_until_idle();
  EXPECT_TRUE(silent.client.callbacks.empty());
  EXPECT_EQ(silent.ledger.find(1), nullptr);
  EXPECT_EQ(silent.channel->trade_state(ChannelWorld::key(1).payment), TradeState::kFailed);

  config.callback.notify_failures = true;
  ChannelWorld notifying(config);
  notifying.create(ChannelWorld::key(1));
  EXPECT_EQ(notifying.channel->user_pays(ChannelWorld::key(1)), PayOutcome::kDeclined);
  notifying.simulator.run_until_idle();
  ASSERT_EQ(notifying.client.callbacks.size(), 1u);
  EXPECT_EQ(notifying.client.callbacks[0].notice.state, TradeState::kFailed);
}

TEST(MockChannel, WalletRefusesUnknownTrades) {
  ChannelWorld world(quiet_config());
  EXPECT_EQ(world.channel->user_pays(ChannelWorld::key(9)), PayOutcome::kUnavailable);
  world.channel->create(world.client.call(), ChannelWorld::key(9), 100);  // not landed yet
  EXPECT_EQ(world.channel->user_pays(ChannelWorld::key(9)), PayOutcome::kUnavailable);
}

TEST(MockChannel, QueryAnswersTheTrueStateAfterItsLatency) {
  ChannelWorld world(quiet_config());
  const PaymentKey key = ChannelWorld::key(1);
  world.channel->query(world.client.call(), ChannelWorld::key(2),
                       QuerySource::kPolling);  // never created
  world.create(key);
  world.channel->query(world.client.call(), key, QuerySource::kPolling);
  world.run_for(Duration::seconds(1));
  world.channel->user_pays(key);
  const Time asked_at = world.simulator.now();
  world.channel->query(world.client.call(), key, QuerySource::kDelayMessage);
  world.simulator.run_until_idle();
  ASSERT_EQ(world.client.queries.size(), 3u);
  EXPECT_EQ(world.client.queries[0].reply.state, TradeState::kNotFound);
  EXPECT_EQ(world.client.queries[1].reply.state, TradeState::kPending);
  EXPECT_EQ(world.client.queries[2].reply.state, TradeState::kSuccess);
  EXPECT_EQ(world.client.queries[2].at, asked_at + Duration::millis(100));
  EXPECT_EQ(world.channel->stats().queries, 3u);
}

TEST(MockChannel, UnpaidTradeExpires) {
  ChannelConfig config = quiet_config();
  config.trade_expiry = Duration::minutes(1);
  ChannelWorld world(config);
  const PaymentKey key = ChannelWorld::key(1);
  world.create(key);
  world.run_for(Duration::minutes(1));
  EXPECT_EQ(world.channel->trade_state(key.payment), TradeState::kClosed);
  EXPECT_EQ(world.channel->user_pays(key), PayOutcome::kClosed);
  EXPECT_EQ(world.channel->stats().pays_refused_closed, 1u);
  EXPECT_EQ(world.ledger.find(1), nullptr);
}

TEST(MockChannel, RepeatedCreateIsIdempotentAndRefusesAnotherAmount) {
  ChannelWorld world(quiet_config());
  const PaymentKey key = ChannelWorld::key(1);
  world.create(key, 500);
  world.channel->user_pays(key);
  world.channel->create(world.client.call(), key, 500);
  world.channel->create(world.client.call(), key, 700);
  world.simulator.run_until_idle();
  ASSERT_EQ(world.client.creates.size(), 3u);
  EXPECT_EQ(world.client.creates[1].reply.status, CallStatus::kOk);
  EXPECT_EQ(world.client.creates[1].reply.state, TradeState::kSuccess);
  EXPECT_EQ(world.client.creates[2].reply.status, CallStatus::kError);
  EXPECT_EQ(world.ledger.find(1)->charges, 1u);
  EXPECT_EQ(world.channel->open_trades(), 1u);
}

TEST(MockChannel, SyncModeChargesOnCreateWithoutCallbacks) {
  ChannelConfig config = quiet_config();
  config.mode = ChannelMode::kSync;
  config.callback.retries = {Duration::seconds(10)};
  ChannelWorld world(config);
  world.channel->create(world.client.call(), ChannelWorld::key(1), 900);
  world.simulator.run_until_idle();
  ASSERT_EQ(world.client.creates.size(), 1u);
  EXPECT_EQ(world.client.creates[0].reply.state, TradeState::kSuccess);
  EXPECT_EQ(world.ledger.find(1)->charged_minor, 900);
  EXPECT_TRUE(world.client.callbacks.empty());
  EXPECT_EQ(world.channel->user_pays(ChannelWorld::key(1)), PayOutcome::kUnavailable);

  config.success_probability = 0.0;
  ChannelWorld declined(config);
  declined.channel->create(declined.client.call(), ChannelWorld::key(1), 900);
  declined.simulator.run_until_idle();
  EXPECT_EQ(declined.client.creates[0].reply.state, TradeState::kFailed);
  EXPECT_EQ(declined.ledger.find(1), nullptr);
}

TEST(MockChannel, SyncSuccessRateMatchesConfig) {
  ChannelConfig config = quiet_config();
  config.mode = ChannelMode::kSync;
  config.success_probability = 0.9;
  ChannelWorld world(config);
  constexpr uint64_t kPayments = 5000;
  for (uint64_t order = 1; order <= kPayments; ++order) {
    world.channel->create(world.client.call(), ChannelWorld::key(order), 100);
  }
  world.simulator.run_until_idle();
  expect_binomial(world.ledger.total_charges(), kPayments, 0.9);
}

TEST(MockChannel, ForgetDropsTheTradeAndLateTimersAreHarmless) {
  ChannelConfig config = quiet_config();
  config.callback.retries = {Duration::minutes(1), Duration::minutes(1)};
  ChannelWorld world(config);
  for (OrderId order = 1; order <= 3; ++order) world.create(ChannelWorld::key(order));
  EXPECT_EQ(world.channel->open_trades(), 3u);
  world.channel->user_pays(ChannelWorld::key(1));
  world.channel->forget(ChannelWorld::key(1).payment);  // callback #1 still pending
  world.channel->create(world.client.call(), ChannelWorld::key(4), 100);
  world.channel->forget(ChannelWorld::key(4).payment);  // create still in flight
  EXPECT_EQ(world.channel->open_trades(), 2u);
  world.simulator.run_until_idle();
  EXPECT_TRUE(world.client.callbacks.empty());
  // The forgotten create is still answered (one reply per call), as for an unknown trade.
  ASSERT_EQ(world.client.creates.size(), 4u);
  EXPECT_EQ(world.client.creates[3].reply.status, CallStatus::kError);
  EXPECT_EQ(world.client.creates[3].reply.state, TradeState::kNotFound);
  EXPECT_EQ(world.client.calls.in_flight(), 0u);
  EXPECT_EQ(world.channel->trade_state(ChannelWorld::key(1).payment), TradeState::kNotFound);
  EXPECT_EQ(world.channel->open_trades(), 2u);
  EXPECT_EQ(world.simulator.pending(), 0u);

  // A duplicate in flight for a forgotten trade is not delivered either.
  config.callback.duplicate_probability = 1.0;
  config.callback.delay = sim::Distribution::fixed(Duration::seconds(1));
  ChannelWorld dup(config);
  dup.create(ChannelWorld::key(1));
  dup.channel->user_pays(ChannelWorld::key(1));
  dup.run_for(Duration::seconds(1));
  ASSERT_EQ(dup.client.callbacks.size(), 1u);
  dup.channel->forget(ChannelWorld::key(1).payment);
  dup.simulator.run_until_idle();
  EXPECT_EQ(dup.client.callbacks.size(), 1u);
  EXPECT_EQ(dup.channel->open_trades(), 0u);
}

}  // namespace
}  // namespace channels::testing
