// Determinism and key independence of the channel's faults, and the presets.
#include <gtest/gtest.h>

#include <set>

#include "mock_channels/presets.h"
#include "tests/channels/channel_world.h"

namespace channels::testing {
namespace {

using sim::Duration;

// A config with every fault on, so that every keyed draw matters.
ChannelConfig faulty_config() {
  ChannelConfig config = quiet_config();
  config.accept_latency = sim::Distribution::lognormal(Duration::millis(80), 0.5);
  config.success_probability = 0.7;
  config.double_charge_probability = 0.2;
  config.callback.delay = sim::Distribution::exponential(Duration::seconds(2));
  config.callback.drop_probability = 0.4;
  config.callback.duplicate_probability = 0.3;
  config.callback.reorder_probability = 0.3;
  config.callback.retries = {Duration::seconds(15), Duration::seconds(30), Duration::minutes(3)};
  config.query.latency = sim::Distribution::uniform(Duration::millis(50), Duration::millis(500));
  config.query.failure_probability = 0.3;
  config.query.stale_probability = 0.3;
  config.refund.failure_probability = 0.3;
  return config;
}

// Plays the same user actions for `orders` on a fresh world and returns everything recorded.
std::vector<std::string> play(const std::vector<OrderId>& orders, uint64_t seed) {
  ChannelWorld world(faulty_config(), seed);
  for (OrderId order : orders) {
    world.channel->create(world.client.call(), ChannelWorld::key(order), 100);
  }
  world.run_for(Duration::seconds(2));
  for (OrderId order : orders) {
    world.channel->user_pays(ChannelWorld::key(order));
    world.channel->query(world.client.call(), ChannelWorld::key(order), QuerySource::kPolling);
    world.channel->query(world.client.call(), ChannelWorld::key(order), QuerySource::kDelayMessage);
    world.channel->refund(world.client.call(), ChannelWorld::key(order), 100);
  }
  world.simulator.run_until_idle();
  return world.client.log;
}

std::vector<std::string> events_of(const std::vector<std::string>& log, OrderId order) {
  std::vector<std::string> out;
  const std::string tag = " " + std::to_string(order) + " ";
  for (const std::string& line : log) {
    if (line.find(tag) != std::string::npos) out.push_back(line);
  }
  return out;
}

TEST(ChannelDeterminism, SameSeedSameEventSequence) {
  const std::vector<OrderId> orders = {1, 2, 3, 4, 5, 6, 7, 8};
  const std::vector<std::string> first = play(orders, 7);
  EXPECT_EQ(first, play(orders, 7));
  EXPECT_GT(first.size(), orders.size() * 4);
  EXPECT_NE(first, play(orders, 8));
}

TEST(ChannelDeterminism, FaultsOfOneOrderDoNotDependOnOtherOrders) {
  const std::vector<std::string> with_neighbour = play({4, 5}, 7);
  const std::vector<std::string> alone = play({5}, 7);
  ASSERT_FALSE(events_of(alone, 5).empty());
  EXPECT_EQ(events_of(with_neighbour, 5), events_of(alone, 5));
  // Over many orders too: order 5's story is the same among 200 neighbours.
  std::vector<OrderId> crowd;
  for (OrderId order = 100; order < 300; ++order) crowd.push_back(order);
  crowd.push_back(5);
  EXPECT_EQ(events_of(play(crowd, 7), 5), events_of(alone, 5));
}

TEST(ChannelPresets, EveryPresetLoadsWithASource) {
  const std::vector<PresetInfo>& presets = channel_presets();
  std::set<std::string> names;
  for (const PresetInfo& info : presets) {
    SCOPED_TRACE(info.name);
    names.insert(info.name);
    EXPECT_FALSE(info.source.empty());
    EXPECT_FALSE(info.description.empty());
    const std::optional<ChannelConfig> config = channel_preset(info.name);
    ASSERT_TRUE(config.has_value());
    EXPECT_TRUE(config->name.empty());
    EXPECT_EQ(config->preset, info.name);
    // A preset drives a channel through a payment without tripping an assertion.
    ChannelWorld world(*config);
    world.channel->create(world.client.call(), ChannelWorld::key(1), 100);
    world.run_for(Duration::minutes(1));
    world.channel->user_pays(ChannelWorld::key(1));
    world.simulator.run_until_idle();
  }
  for (const char* expected : {"alipay-like", "wechat-pay-like", "stripe-like", "adyen-like",
                               "paypal-ipn-like", "card-sync", "boleto-like", "ideal"}) {
    EXPECT_TRUE(names.count(expected)) << expected;
  }
  EXPECT_FALSE(channel_preset("no-such-channel").has_value());
}

Duration total(const std::vector<Duration>& gaps) {
  Duration sum;
  for (Duration gap : gaps) sum += gap;
  return sum;
}

TEST(ChannelPresets, PublishedSchedulesAndRules) {
  const ChannelConfig alipay = *channel_preset("alipay-like");
  EXPECT_EQ(alipay.callback.retries.size(), 7u);  // 8 notifications
  EXPECT_EQ(total(alipay.callback.retries), Duration::hours(24) + Duration::minutes(24));
  EXPECT_EQ(alipay.cancel.min_age, Duration::zero());

  const ChannelConfig wechat = *channel_preset("wechat-pay-like");
  EXPECT_EQ(wechat.callback.retries.size(), 15u);
  EXPECT_EQ(wechat.cancel.min_age, Duration::minutes(5));
  EXPECT_FALSE(wechat.callback.notify_failures);

  const ChannelConfig stripe = *channel_preset("stripe-like");
  EXPECT_LE(total(stripe.callback.retries), Duration::days(3));
  EXPECT_GT(total(stripe.callback.retries), Duration::days(2));

  const ChannelConfig adyen = *channel_preset("adyen-like");
  EXPECT_EQ(adyen.callback.retries[0], Duration::seconds(9));
  EXPECT_LE(total(adyen.callback.retries), Duration::days(30));

  const ChannelConfig paypal = *channel_preset("paypal-ipn-like");
  EXPECT_EQ(paypal.callback.retries[0], Duration::seconds(10));
  EXPECT_EQ(paypal.callback.retries[1], Duration::seconds(20));
  EXPECT_EQ(paypal.callback.retries.back(), Duration::hours(24));

  EXPECT_EQ(channel_preset("card-sync")->mode, ChannelMode::kSync);
  const ChannelConfig boleto = *channel_preset("boleto-like");
  EXPECT_TRUE(boleto.has_pay_delay);
  EXPECT_EQ(boleto.trade_expiry, Duration::days(3));
  EXPECT_FALSE(boleto.cancel.supported);

  const ChannelConfig ideal = *channel_preset("ideal");
  EXPECT_EQ(ideal.callback.drop_probability, 0.0);
  EXPECT_EQ(ideal.success_probability, 1.0);
}

}  // namespace
}  // namespace channels::testing
