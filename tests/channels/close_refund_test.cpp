// Close (with its race against the user's payment) and refund, including the ledger's refusal of
// a refund beyond the charge.
#include <gtest/gtest.h>

#include "tests/channels/channel_world.h"

namespace channels::testing {
namespace {

using sim::Duration;

TEST(MockChannelClose, ClosesAnUnpaidTrade) {
  ChannelWorld world(quiet_config());
  const PaymentKey key = ChannelWorld::key(1);
  world.create(key);
  world.channel->close(world.client.call(), key);
  world.simulator.run_until_idle();
  ASSERT_EQ(world.client.closes.size(), 1u);
  EXPECT_EQ(world.client.closes[0].reply.status, CallStatus::kOk);
  EXPECT_EQ(world.client.closes[0].reply.state, TradeState::kClosed);
  EXPECT_EQ(world.channel->user_pays(key), PayOutcome::kClosed);
  EXPECT_EQ(world.channel->stats().pays_refused_closed, 1u);
  EXPECT_EQ(world.ledger.find(1), nullptr);
}

TEST(MockChannelClose, UserPaysBeforeTheCloseLands) {
  ChannelWorld world(quiet_config());
  const PaymentKey key = ChannelWorld::key(1);
  world.create(key);
  world.channel->close(world.client.call(), key);  // lands 100 ms later
  world.run_for(Duration::millis(50));
  EXPECT_EQ(world.channel->user_pays(key), PayOutcome::kCharged);
  world.simulator.run_until_idle();
  ASSERT_EQ(world.client.closes.size(), 1u);
  EXPECT_EQ(world.client.closes[0].reply.state, TradeState::kSuccess);
  EXPECT_EQ(world.channel->trade_state(key.payment), TradeState::kSuccess);
  EXPECT_EQ(world.ledger.find(1)->charges, 1u);  // the charge stands
}

TEST(MockChannelClose, RefusedWhenUnsupportedOrTooYoung) {
  ChannelConfig config = quiet_config();
  config.cancel.supported = false;
  ChannelWorld unsupported(config);
  unsupported.create(ChannelWorld::key(1));
  unsupported.channel->close(unsupported.client.call(), ChannelWorld::key(1));
  unsupported.simulator.run_until_idle();
  EXPECT_EQ(unsupported.client.closes[0].reply.state, TradeState::kPending);
  EXPECT_EQ(unsupported.channel->trade_state(ChannelWorld::key(1).payment), TradeState::kPending);

  config.cancel.supported = true;
  config.cancel.min_age = Duration::minutes(5);  // WeChat Pay
  ChannelWorld wechat(config);
  const PaymentKey key = ChannelWorld::key(1);
  wechat.create(key);
  wechat.channel->close(wechat.client.call(), key);
  wechat.run_for(Duration::minutes(5));
  wechat.channel->close(wechat.client.call(), key);
  wechat.simulator.run_until_idle();
  ASSERT_EQ(wechat.client.closes.size(), 2u);
  EXPECT_EQ(wechat.client.closes[0].reply.state, TradeState::kPending);
  EXPECT_EQ(wechat.client.closes[1].reply.state, TradeState::kClosed);
}

TEST(MockChannelClose, UnknownTradeIsAnError) {
  ChannelWorld world(quiet_config());
  world.channel->close(world.client.call(), ChannelWorld::key(3));
  world.simulator.run_until_idle();
  EXPECT_EQ(world.client.closes[0].reply.status, CallStatus::kError);
  EXPECT_EQ(world.client.closes[0].reply.state, TradeState::kNotFound);
}

TEST(MockChannelRefund, FullRefundMarksTradeRefunded) {
  ChannelWorld world(quiet_config());
  const PaymentKey key = ChannelWorld::key(1);
  world.create(key, 1000);
  world.channel->user_pays(key);
  world.channel->refund(world.client.call(), key, 400);
  world.simulator.run_until_idle();
  EXPECT_EQ(world.channel->trade_state(key.payment), TradeState::kSuccess);  // partial
  world.channel->refund(world.client.call(), key, 600);
  world.simulator.run_until_idle();
  ASSERT_EQ(world.client.refunds.size(), 2u);
  EXPECT_TRUE(world.client.refunds[0].reply.refunded);
  EXPECT_TRUE(world.client.refunds[1].reply.refunded);
  EXPECT_EQ(world.channel->trade_state(key.payment), TradeState::kRefunded);
  EXPECT_EQ(world.ledger.find(1)->held_minor(), 0);
}

TEST(MockChannelRefund, RefusesBeyondTheChargeAndUnpaidTrades) {
  ChannelWorld world(quiet_config());
  const PaymentKey paid = ChannelWorld::key(1);
  const PaymentKey unpaid = ChannelWorld::key(2);
  world.create(paid, 1000);
  world.create(unpaid, 1000);
  world.channel->user_pays(paid);
  world.channel->refund(world.client.call(), paid, 1001);
  world.channel->refund(world.client.call(), unpaid, 10);
  world.simulator.run_until_idle();
  ASSERT_EQ(world.client.refunds.size(), 2u);
  EXPECT_EQ(world.client.refunds[0].reply.status, CallStatus::kError);
  EXPECT_FALSE(world.client.refunds[0].reply.refunded);
  EXPECT_FALSE(world.client.refunds[1].reply.refunded);
  EXPECT_EQ(world.ledger.find(1)->refunded_minor, 0);
  EXPECT_EQ(world.channel->stats().refunds_failed, 2u);
  EXPECT_EQ(world.channel->trade_state(paid.payment), TradeState::kSuccess);
}

TEST(MockChannelRefund, DoubleChargeCanBeRefundedOnceAndNoMore) {
  ChannelConfig config = quiet_config();
  config.double_charge_probability = 1.0;
  ChannelWorld world(config);
  const PaymentKey key = ChannelWorld::key(1);
  world.create(key, 1000);
  world.channel->user_pays(key);
  EXPECT_EQ(world.ledger.find(1)->charges, 2u);
  world.channel->refund(world.client.call(), key, 1000);
  world.simulator.run_until_idle();
  EXPECT_EQ(world.channel->trade_state(key.payment), TradeState::kSuccess);  // still holds one
  EXPECT_EQ(world.ledger.find(1)->unrefunded_charges(), 1u);
  world.channel->refund(world.client.call(), key, 1000);
  world.channel->refund(world.client.call(), key, 1000);
  world.simulator.run_until_idle();
  EXPECT_TRUE(world.client.refunds[1].reply.refunded);
  EXPECT_FALSE(world.client.refunds[2].reply.refunded);
  EXPECT_EQ(world.channel->trade_state(key.payment), TradeState::kRefunded);
}

TEST(MockChannelRefund, UnsupportedAndFailingRefunds) {
  ChannelConfig config = quiet_config();
  config.refund.supported = false;
  ChannelWorld unsupported(config);
  unsupported.create(ChannelWorld::key(1));
  unsupported.channel->user_pays(ChannelWorld::key(1));
  unsupported.channel->refund(unsupported.client.call(), ChannelWorld::key(1), 1000);
  unsupported.simulator.run_until_idle();
  EXPECT_EQ(unsupported.client.refunds[0].reply.status, CallStatus::kError);
  EXPECT_EQ(unsupported.ledger.find(1)->refunded_minor, 0);

  config.refund.supported = true;
  config.refund.failure_probability = 0.2;
  ChannelWorld failing(config);
  constexpr uint64_t kPayments = 4000;
  for (OrderId order = 1; order <= kPayments; ++order)
    failing.channel->create(failing.client.call(), ChannelWorld::key(order), 100);
  failing.simulator.run_until_idle();
  for (OrderId order = 1; order <= kPayments; ++order) {
    failing.channel->user_pays(ChannelWorld::key(order));
    failing.channel->refund(failing.client.call(), ChannelWorld::key(order), 100);
  }
  failing.simulator.run_until_idle();
  expect_binomial(failing.channel->stats().refunds_failed, kPayments, 0.2);
  EXPECT_EQ(failing.ledger.total_refunds(), kPayments - failing.channel->stats().refunds_failed);
}

// Refunds that finish later (refund.completion_delay): "accepted" first, the money a minute later;
// the same refund asked again answers its progress and never pays out twice.
TEST(MockChannelRefund, AnAcceptedRefundFinishesLaterAndAskingAgainAnswersItsProgress) {
  ChannelConfig config = quiet_config();
  config.refund.completion_delay = sim::Distribution::fixed(Duration::minutes(1));
  ChannelWorld world(config);
  const PaymentKey key = ChannelWorld::key(1);
  world.create(key, 1000);
  world.channel->user_pays(key);
  world.channel->refund(world.client.call(), key, 1000);  // lands after refund.latency, 1 s
  world.run_for(Duration::seconds(30));
  world.channel->refund(world.client.call(), key, 1000);  // the same refund, still processing
  world.run_for(Duration::seconds(10));
  EXPECT_EQ(world.ledger.find(1)->refunded_minor, 0);
  world.simulator.run_until_idle();
  EXPECT_EQ(world.ledger.find(1)->refunded_minor, 1000);
  world.channel->refund(world.client.call(), key, 1000);  // asked once more: already done
  world.simulator.run_until_idle();
  ASSERT_EQ(world.client.refunds.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(world.client.refunds[i].reply.status, CallStatus::kOk);
  EXPECT_FALSE(world.client.refunds[0].reply.refunded);
  EXPECT_FALSE(world.client.refunds[1].reply.refunded);
  EXPECT_TRUE(world.client.refunds[2].reply.refunded);
  EXPECT_EQ(world.ledger.find(1)->refunded_minor, 1000);
  EXPECT_EQ(world.channel->stats().refunds_accepted, 1u);
  EXPECT_EQ(world.channel->stats().refunds_completed, 1u);
  EXPECT_EQ(world.channel->trade_state(key.payment), TradeState::kRefunded);
}

TEST(MockChannelRefund, AFailedAcceptedRefundIsStartedOverWhenAskedAgain) {
  ChannelConfig config = quiet_config();
  config.refund.completion_delay = sim::Distribution::fixed(Duration::minutes(1));
  config.refund.completion_failure_probability = 1.0;
  ChannelWorld world(config);
  const PaymentKey key = ChannelWorld::key(1);
  world.create(key, 1000);
  world.channel->user_pays(key);
  world.channel->refund(world.client.call(), key, 1000);
  world.simulator.run_until_idle();
  world.channel->refund(world.client.call(), key, 1000);
  world.simulator.run_until_idle();
  ASSERT_EQ(world.client.refunds.size(), 2u);
  EXPECT_EQ(world.client.refunds[1].reply.status, CallStatus::kOk);  // accepted again
  EXPECT_FALSE(world.client.refunds[1].reply.refunded);
  EXPECT_EQ(world.channel->stats().refunds_accepted, 2u);
  EXPECT_EQ(world.channel->stats().refunds_failed_later, 2u);
  EXPECT_EQ(world.ledger.find(1)->refunded_minor, 0);
  EXPECT_EQ(world.channel->trade_state(key.payment), TradeState::kSuccess);
}

}  // namespace
}  // namespace channels::testing
