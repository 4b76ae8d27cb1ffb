// Callback faults one at a time, checked against closed-form rates over many payments: drops,
// the re-send schedule until acknowledged, duplicates, stale reordered notices, double charges.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/channels/channel_world.h"

namespace channels::testing {
namespace {

using sim::Duration;
using sim::Time;

constexpr uint64_t kPayments = 10000;

// Creates and pays kPayments trades, then runs until idle.
void create_and_pay_all(ChannelWorld& world, uint64_t payments = kPayments) {
  for (OrderId order = 1; order <= payments; ++order)
    world.channel->create(world.client.call(), ChannelWorld::key(order), 100);
  world.run_for(Duration::seconds(1));
  for (OrderId order = 1; order <= payments; ++order) {
    ASSERT_EQ(world.channel->user_pays(ChannelWorld::key(order)), PayOutcome::kCharged);
  }
  world.simulator.run_until_idle();
}

TEST(CallbackFaults, DropLosesTheExpectedShareOfFirstAttempts) {
  ChannelConfig config = quiet_config();
  config.callback.drop_probability = 0.05;
  ChannelWorld world(config);
  create_and_pay_all(world);
  const ChannelStats& stats = world.channel->stats();
  EXPECT_EQ(stats.callbacks_sent, kPayments);  // no retries configured
  expect_binomial(stats.callbacks_dropped, kPayments, 0.05);
  EXPECT_EQ(world.client.callbacks.size(), kPayments - stats.callbacks_dropped);
}

TEST(CallbackFaults, RetriesLoseEverythingOnlyWithProbabilityPToTheKPlusOne) {
  ChannelConfig config = quiet_config();
  config.callback.drop_probability = 0.3;
  config.callback.retries = {Duration::seconds(15), Duration::seconds(15), Duration::seconds(30)};
  ChannelWorld world(config);
  world.client.acknowledge_to = world.channel.get();
  create_and_pay_all(world);
  uint64_t never_arrived = 0;
  uint64_t attempts_sent = 0;
  for (OrderId order = 1; order <= kPayments; ++order) {
    if (world.client.callbacks_of(order).empty()) ++never_arrived;
  }
  attempts_sent = world.channel->stats().callbacks_sent;
  expect_binomial(never_arrived, kPayments, std::pow(0.3, 4));
  // Expected attempts until the first success, capped at 4: sum over k of p^k for k = 0..3.
  const double mean_attempts = 1 + 0.3 + 0.09 + 0.027;
  EXPECT_NEAR(static_cast<double>(attempts_sent) / kPayments, mean_attempts, 0.02);
  // With acknowledgement, every order that heard of its payment heard exactly once.
  EXPECT_EQ(world.client.callbacks.size(), kPayments - never_arrived);
}

TEST(CallbackFaults, ResendsFollowTheScheduleUntilAcknowledged) {
  ChannelConfig config = quiet_config();
  config.callback.retries = {Duration::seconds(15), Duration::seconds(15), Duration::seconds(30)};
  ChannelWorld world(config);
  const PaymentKey key = ChannelWorld::key(1);
  world.create(key);
  world.channel->user_pays(key);
  const Time charged_at = world.simulator.now();
  world.simulator.run_until_idle();
  const std::vector<RecordedCallback> unacked = world.client.callbacks_of(1);
  ASSERT_EQ(unacked.size(), 4u);  // first attempt plus every re-send
  const Time first = charged_at + Duration::millis(500);
  EXPECT_EQ(unacked[0].at, first);
  EXPECT_EQ(unacked[1].at, first + Duration::seconds(15));
  EXPECT_EQ(unacked[2].at, first + Duration::seconds(30));
  EXPECT_EQ(unacked[3].at, first + Duration::seconds(60));
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(unacked[i].notice.sequence, i + 1);

  // Acknowledging the second attempt stops the third and fourth.
  ChannelWorld acking(config);
  acking.create(key);
  acking.channel->user_pays(key);
  acking.run_for(Duration::seconds(16));
  ASSERT_EQ(acking.client.callbacks.size(), 2u);
  acking.channel->acknowledge(acking.client.callbacks[1].notice);
  acking.simulator.run_until_idle();
  EXPECT_EQ(acking.client.callbacks.size(), 2u);
  EXPECT_EQ(acking.channel->stats().callbacks_sent, 2u);
  EXPECT_EQ(acking.simulator.pending(), 0u);
}

TEST(CallbackFaults, DuplicateArrivesAfterTheOriginal) {
  ChannelConfig config = quiet_config();
  config.callback.duplicate_probability = 1.0;
  ChannelWorld world(config);
  world.create(ChannelWorld::key(1));
  world.channel->user_pays(ChannelWorld::key(1));
  world.simulator.run_until_idle();
  ASSERT_EQ(world.client.callbacks.size(), 2u);
  EXPECT_EQ(world.client.callbacks[0].notice.sequence, world.client.callbacks[1].notice.sequence);
  EXPECT_EQ(world.client.callbacks[1].notice.state, TradeState::kSuccess);
  EXPECT_GT(world.client.callbacks[1].at, world.client.callbacks[0].at);
  EXPECT_EQ(world.channel->stats().callbacks_duplicated, 1u);
}

TEST(CallbackFaults, DuplicateRateMatchesConfigEvenWhenAcknowledged) {
  ChannelConfig config = quiet_config();
  config.callback.duplicate_probability = 0.02;
  ChannelWorld world(config);
  world.client.acknowledge_to = world.channel.get();
  create_and_pay_all(world);
  expect_binomial(world.channel->stats().callbacks_duplicated, kPayments, 0.02);
  EXPECT_EQ(world.client.callbacks.size(), kPayments + world.channel->stats().callbacks_duplicated);
}

TEST(CallbackFaults, ReorderDeliversAStalePendingNoticeAfterTheSuccess) {
  ChannelConfig config = quiet_config();
  config.callback.reorder_probability = 1.0;
  ChannelWorld world(config);
  world.create(ChannelWorld::key(1));
  world.channel->user_pays(ChannelWorld::key(1));
  world.simulator.run_until_idle();
  ASSERT_EQ(world.client.callbacks.size(), 2u);
  EXPECT_EQ(world.client.callbacks[0].notice.state, TradeState::kSuccess);
  EXPECT_EQ(world.client.callbacks[0].notice.sequence, 1u);
  EXPECT_EQ(world.client.callbacks[1].notice.state, TradeState::kPending);
  EXPECT_LT(world.client.callbacks[1].notice.sequence, world.client.callbacks[0].notice.sequence);
  EXPECT_EQ(world.channel->stats().callbacks_stale, 1u);

  ChannelConfig rare = quiet_config();
  rare.callback.reorder_probability = 0.03;
  ChannelWorld many(rare);
  create_and_pay_all(many);
  expect_binomial(many.channel->stats().callbacks_stale, kPayments, 0.03);
}

TEST(CallbackFaults, DoubleChargeRateMatchesConfig) {
  ChannelConfig config = quiet_config();
  config.double_charge_probability = 0.01;
  ChannelWorld world(config);
  create_and_pay_all(world);
  expect_binomial(world.channel->stats().double_charges, kPayments, 0.01);
  EXPECT_EQ(world.ledger.total_charges(), kPayments + world.channel->stats().double_charges);
  // One callback per payment, whatever was taken.
  EXPECT_EQ(world.client.callbacks.size(), kPayments);
}

TEST(CallbackFaults, SuccessRateMatchesConfig) {
  ChannelConfig config = quiet_config();
  config.success_probability = 0.8;
  ChannelWorld world(config);
  for (OrderId order = 1; order <= kPayments; ++order)
    world.channel->create(world.client.call(), ChannelWorld::key(order), 100);
  world.run_for(Duration::seconds(1));
  uint64_t charged = 0;
  for (OrderId order = 1; order <= kPayments; ++order) {
    charged += world.channel->user_pays(ChannelWorld::key(order)) == PayOutcome::kCharged;
  }
  expect_binomial(charged, kPayments, 0.8);
  EXPECT_EQ(world.ledger.total_charges(), charged);
}

TEST(CallbackFaults, ExhaustedScheduleStops) {
  ChannelConfig config = quiet_config();
  config.callback.drop_probability = 1.0;
  config.callback.retries = {Duration::minutes(4), Duration::minutes(10)};
  ChannelWorld world(config);
  world.create(ChannelWorld::key(1));
  world.channel->user_pays(ChannelWorld::key(1));
  world.simulator.run_until_idle();
  EXPECT_EQ(world.channel->stats().callbacks_sent, 3u);
  EXPECT_EQ(world.channel->stats().callbacks_dropped, 3u);
  EXPECT_TRUE(world.client.callbacks.empty());
  EXPECT_EQ(world.simulator.pending(), 0u);
}

}  // namespace
}  // namespace channels::testing
