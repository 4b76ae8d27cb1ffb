// The channel holds activity (sim/activity.h) for every pending timer, so the harness retires an
// order, and forgets its trade, only once the channel has nothing left to do for it, even when
// the retirement happens inside an acknowledgement.
#include "sim/activity.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/channels/channel_world.h"

namespace channels::testing {
namespace {

using sim::Duration;

struct RetiringWorld : ChannelWorld {
  explicit RetiringWorld(const ChannelConfig& config) : ChannelWorld(config) {
    channel->set_activity(&activity);
    activity.set_idle_handler([this](uint64_t order) {
      retired.push_back(order);
      channel->forget(ChannelWorld::key(order).payment);
      ledger.forget(order);
    });
  }
  sim::Activity activity;
  std::vector<uint64_t> retired;
};

ChannelConfig retrying_config() {
  ChannelConfig config = quiet_config();
  config.callback.retries = {Duration::seconds(15), Duration::seconds(15)};
  return config;
}

TEST(ChannelActivity, OrderRetiresWhenAcknowledged) {
  RetiringWorld world(retrying_config());
  world.client.acknowledge_to = world.channel.get();
  const PaymentKey key = ChannelWorld::key(1);
  sim::Hold user(world.activity, key.order);  // the user is in the wallet
  world.create(key);
  EXPECT_TRUE(world.retired.empty());
  EXPECT_EQ(world.channel->user_pays(key), PayOutcome::kCharged);
  user.release();
  EXPECT_TRUE(world.retired.empty());  // callback #1 is pending
  world.simulator.run_until_idle();
  ASSERT_EQ(world.retired, std::vector<uint64_t>{1});
  EXPECT_EQ(world.client.callbacks.size(), 1u);
  EXPECT_EQ(world.channel->open_trades(), 0u);
  EXPECT_EQ(world.activity.busy_entities(), 0u);
}

TEST(ChannelActivity, UnacknowledgedOrderStaysBusyUntilTheScheduleEnds) {
  RetiringWorld world(retrying_config());
  const PaymentKey key = ChannelWorld::key(1);
  sim::Hold user(world.activity, key.order);
  world.create(key);
  world.channel->user_pays(key);
  user.release();
  world.run_for(Duration::seconds(20));
  EXPECT_TRUE(world.retired.empty());
  EXPECT_TRUE(world.activity.busy(1));
  world.simulator.run_until_idle();
  EXPECT_EQ(world.client.callbacks.size(), 3u);
  EXPECT_EQ(world.retired, std::vector<uint64_t>{1});
  EXPECT_EQ(world.channel->open_trades(), 0u);
}

TEST(ChannelActivity, RepliesAndCopiesHoldTheOrder) {
  ChannelConfig config = retrying_config();
  config.callback.duplicate_probability = 1.0;
  config.callback.reorder_probability = 1.0;
  RetiringWorld world(config);
  world.client.acknowledge_to = world.channel.get();
  const PaymentKey key = ChannelWorld::key(1);
  sim::Hold user(world.activity, key.order);
  world.create(key);
  world.channel->user_pays(key);
  world.channel->query(world.client.call(), key, QuerySource::kPolling);
  world.channel->refund(world.client.call(), key, 1000);
  user.release();
  world.simulator.run_until_idle();
  EXPECT_EQ(world.retired, std::vector<uint64_t>{1});
  EXPECT_EQ(world.client.queries.size(), 1u);
  EXPECT_EQ(world.client.refunds.size(), 1u);
  EXPECT_EQ(world.client.callbacks.size(), 3u);  // original, duplicate, stale
  EXPECT_EQ(world.activity.busy_entities(), 0u);
}

}  // namespace
}  // namespace channels::testing
