// When a query sees the channel's state (docs/channels.md, "When a query sees the trade"; issue 12
// asked for it to be documented): the outage is decided when the query is sent, the trade's state
// is read when it lands after one query.latency sample, and the answer arrives at that instant.
#include <gtest/gtest.h>

#include "tests/channels/channel_world.h"

namespace channels::testing {
namespace {

using sim::Duration;
using sim::Time;

constexpr Duration kQueryLatency = Duration::millis(100);

TEST(QueryTiming, StateIsReadWhenTheQueryLandsAndAnsweredAtThatInstant) {
  ChannelWorld world(quiet_config());  // query.latency fixed 100ms
  const PaymentKey paid_in_flight = ChannelWorld::key(1);
  const PaymentKey paid_after_landing = ChannelWorld::key(2);
  world.create(paid_in_flight);
  world.create(paid_after_landing);
  const Time asked_at = world.simulator.now();
  world.channel->query(world.client.call(), paid_in_flight, QuerySource::kPolling);
  world.channel->query(world.client.call(), paid_after_landing, QuerySource::kPolling);
  world.advance_to(asked_at + Duration::millis(50));
  ASSERT_EQ(world.channel->user_pays(paid_in_flight),
            PayOutcome::kCharged);  // while the query travels
  world.advance_to(asked_at + Duration::millis(150));
  ASSERT_EQ(world.channel->user_pays(paid_after_landing), PayOutcome::kCharged);  // after it landed
  world.simulator.run_until_idle();

  ASSERT_EQ(world.client.queries.size(), 2u);
  // Both answers arrive one latency sample after the question: no separate reply latency.
  EXPECT_EQ(world.client.queries[0].at, asked_at + kQueryLatency);
  EXPECT_EQ(world.client.queries[1].at, asked_at + kQueryLatency);
  EXPECT_EQ(world.client.queries[0].key.payment, paid_in_flight.payment);
  EXPECT_EQ(world.client.queries[0].reply.state, TradeState::kSuccess);
  EXPECT_EQ(world.client.queries[1].reply.state, TradeState::kPending);
}

TEST(QueryTiming, AnOutageCountsOnlyIfOnWhenTheQueryIsSent) {
  ChannelConfig config = quiet_config();
  const Time outage_start = Time::zero() + Duration::seconds(10);
  config.outages = {{outage_start, Duration::seconds(60)}};
  ChannelWorld world(config);
  const PaymentKey key = ChannelWorld::key(1);
  world.create(key);
  world.advance_to(outage_start - Duration::millis(50));
  world.channel->query(world.client.call(), key,
                       QuerySource::kPolling);  // lands 50ms into the outage
  world.advance_to(outage_start + Duration::seconds(1));
  world.channel->query(world.client.call(), key, QuerySource::kPolling);  // sent during the outage
  world.simulator.run_until_idle();

  ASSERT_EQ(world.client.queries.size(), 2u);
  EXPECT_EQ(world.client.queries[0].at, outage_start + Duration::millis(50));
  EXPECT_EQ(world.client.queries[0].reply.status, CallStatus::kOk);
  EXPECT_EQ(world.client.queries[0].reply.state, TradeState::kPending);
  EXPECT_EQ(world.client.queries[1].at, outage_start + Duration::seconds(1) + config.timeout);
  EXPECT_EQ(world.client.queries[1].reply.status, CallStatus::kTimeout);
}

}  // namespace
}  // namespace channels::testing
