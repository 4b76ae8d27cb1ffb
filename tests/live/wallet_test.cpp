// The wallet plays the user: a decline fails the trade as the model's declined payments do, and
// --auto-pay pays created trades as the scenario's `user` block decides, with the simulator's
// own keyed decisions (workload/user_decisions.h), so a merchant's test needs no user code.
#include <gtest/gtest.h>

#include <thread>

#include "sim/sim_runtime.h"
#include "tests/live/live_fixture.h"
#include "workload/user_decisions.h"

namespace live::testing {
namespace {

// Polls `done` every 10 ms until it holds or the deadline passes; whether it held.
template <class Done>
bool eventually(Done&& done, std::chrono::milliseconds deadline = 10s) {
  const Clock::time_point end = Clock::now() + deadline;
  while (!done()) {
    if (Clock::now() > end) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

TEST(Wallet, ADeclinedTradeFailsWithNoMoneyMovedAndItsFailureCallbackSaysSo) {
  Merchant merchant;
  channels::ChannelConfig config = quiet_channel();
  config.callback.notify_failures = true;  // as stripe-like and adyen-like notify failures
  LiveChannel channel(config, merchant.port(), /*time_scale=*/10);
  const std::string trade = channel.create("order-1", 700);
  ASSERT_EQ(trade, "tr_1");

  const HttpAnswer declined = channel.post("/v1/wallet/trades/tr_1/decline");
  ASSERT_EQ(declined.status, 200u) << declined.body;
  EXPECT_EQ(declined.json()["outcome"], "declined");
  EXPECT_EQ(channel.get("/v1/trades/tr_1").json()["state"], "failed");
  ASSERT_TRUE(merchant.wait_for(1)) << "no failure callback";
  EXPECT_EQ(merchant.received()[0].event["type"], "trade.failed");
  EXPECT_EQ(merchant.received()[0].event["data"]["state"], "failed");

  // A declined trade cannot be paid any more, and nothing was charged.
  EXPECT_EQ(channel.post("/v1/wallet/trades/tr_1/pay").json()["outcome"], "unavailable");
  EXPECT_EQ(channel.get("/admin/ledger").body, "");
  EXPECT_EQ(channel.stats()["wallet"]["declines"], 1);
  EXPECT_EQ(channel.stats()["wallet"]["pays"], 1);
  EXPECT_EQ(channel.stats()["model"]["charges"], 0);
}

TEST(Wallet, ADeclineOnAChannelThatDoesNotNotifyFailuresIsSeenOnlyByAQuery) {
  Merchant merchant;
  LiveChannel channel(quiet_channel(), merchant.port(), 10);  // notify_failures: false
  ASSERT_EQ(channel.create("order-1", 700), "tr_1");
  EXPECT_EQ(channel.post("/v1/wallet/trades/tr_1/decline").json()["outcome"], "declined");
  EXPECT_EQ(channel.get("/v1/trades/tr_1").json()["state"], "failed");
  EXPECT_EQ(channel.post("/v1/wallet/trades/tr_1/decline").json()["outcome"], "unavailable");
  EXPECT_EQ(channel.post("/v1/wallet/trades/tr_9/decline").status, 404u);
  EXPECT_EQ(channel.get("/v1/wallet/trades/tr_1/decline").status, 405u);
  std::this_thread::sleep_for(200ms);  // 2 s of channel time: a callback would have come
  EXPECT_TRUE(merchant.received().empty());
}

TEST(Wallet, AutoPayPaysEachTradeAsTheScenarioUsersDecideWithTheSimulatorsDraws) {
  constexpr int kTrades = 40;
  constexpr uint64_t kSeed = 11;
  constexpr double kTimeScale = 20;
  workload::UserConfig user;
  user.pay_probability = 0.6;
  user.pay_delay =
      sim::Distribution::uniform(sim::Duration::millis(200), sim::Duration::seconds(4));
  Merchant merchant;
  LiveChannel channel(quiet_channel(), merchant.port(), kTimeScale,
                      LiveChannel::Options().with_seed(kSeed).with_auto_pay(user));

  // What the simulator's users decide for orders 1..n with this seed.
  sim::Simulator simulator;
  sim::SimRuntime simulated(simulator, kSeed);
  const channels::ChannelConfig config = quiet_channel();
  std::vector<bool> pays(kTrades + 1);
  std::vector<int64_t> delay_ms(kTrades + 1);
  int paying = 0;
  for (uint64_t order = 1; order <= kTrades; ++order) {
    pays[order] = workload::user_will_pay(simulated, user, order);
    delay_ms[order] = workload::user_pay_delay(simulated, user, config, order, 0).us() / 1000;
    paying += pays[order] ? 1 : 0;
  }
  ASSERT_GT(paying, 0);
  ASSERT_LT(paying, kTrades);

  for (int i = 1; i <= kTrades; ++i) {
    ASSERT_EQ(channel.create("order-" + std::to_string(i), 100), "tr_" + std::to_string(i));
  }
  // Every paying user has paid after at most 4 s of channel time (0.2 s real).
  ASSERT_TRUE(eventually([&] { return channel.stats()["model"]["charges"] == paying; }))
      << channel.stats().dump();
  EXPECT_TRUE(merchant.wait_for(static_cast<size_t>(paying)));
  for (int i = 1; i <= kTrades; ++i) {
    const nlohmann::json trade = channel.get("/v1/trades/tr_" + std::to_string(i)).json();
    EXPECT_EQ(trade["state"], pays[i] ? "success" : "pending") << trade.dump();
    if (pays[i]) {
      // Paid no earlier than the user's delay after the create (channel time).
      EXPECT_GE(trade["paid_at_ms"].get<int64_t>() - trade["created_ms"].get<int64_t>(),
                delay_ms[i] - 1)
          << trade.dump();
    }
  }
  const nlohmann::json wallet = channel.stats()["wallet"];
  EXPECT_EQ(wallet["auto_pays"], paying);
  EXPECT_EQ(wallet["auto_abandoned"], kTrades - paying);
  EXPECT_EQ(wallet["pays"], 0);
}

TEST(Wallet, AutoPayDecidesOnceForATradeCreatedTwiceWithOneIdempotencyKey) {
  workload::UserConfig user;
  user.pay_probability = 1.0;
  user.pay_delay = sim::Distribution::fixed(sim::Duration::millis(500));
  Merchant merchant;
  LiveChannel channel(quiet_channel(), merchant.port(), 10,
                      LiveChannel::Options().with_auto_pay(user));
  const std::map<std::string, std::string> key = {{"Idempotency-Key", "k-1"}};
  const std::string body = R"({"merchant_order_id":"order-1","amount_minor":300})";
  ASSERT_EQ(channel.post("/v1/trades", body, key).status, 200u);
  ASSERT_EQ(channel.post("/v1/trades", body, key).status, 200u);
  ASSERT_TRUE(eventually([&] { return channel.stats()["model"]["charges"] == 1; }));
  std::this_thread::sleep_for(100ms);  // another payment would come 50 ms after the first
  EXPECT_EQ(channel.stats()["wallet"]["auto_pays"], 1);
  EXPECT_EQ(channel.stats()["model"]["charges"], 1);
}

}  // namespace
}  // namespace live::testing
