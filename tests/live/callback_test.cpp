// Callbacks in real time: the re-send schedule (time-scaled) until acknowledged, the preset's
// acknowledgement rule and deadline, and each fault at its configured rate, decided by the same
// model code, with the same draws, as in the simulator.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "mock_channels/ledger.h"
#include "mock_channels/mock_channel.h"
#include "sim/sim_runtime.h"
#include "sim/simulator.h"
#include "tests/live/live_fixture.h"

namespace live::testing {
namespace {

using sim::Duration;

double real_ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

TEST(Callbacks, AreResentOnTheScaledScheduleUntilAcknowledged) {
  // Refuses the first two deliveries with a 500, then acknowledges.
  Merchant merchant([](size_t index, const Merchant::Received&) {
    return index < 2 ? Merchant::Reply{500, "busy"} : Merchant::Reply{200, "ok"};
  });
  channels::ChannelConfig config = quiet_channel();
  config.callback.retries = {Duration::seconds(4), Duration::seconds(8), Duration::seconds(8),
                             Duration::seconds(8)};
  constexpr double kScale = 40;  // 4 s -> 100 ms, 8 s -> 200 ms
  LiveChannel channel(config, merchant.port(), kScale);
  const Clock::time_point paid_at = Clock::now();
  channel.create_paid("order-r", 300);
  ASSERT_TRUE(merchant.wait_for(3, 5s));
  std::this_thread::sleep_for(600ms);  // two more scheduled gaps: nothing may come now
  const std::vector<Merchant::Received> received = merchant.received();
  ASSERT_EQ(received.size(), 3u) << "re-sent after the acknowledgement";
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(received[i].event["id"], "evt_1_success");
    EXPECT_EQ(received[i].event["sequence"], i + 1);
  }
  // In channel time the schedule is exact: each attempt leaves at its due time.
  const std::vector<nlohmann::json> journal = channel.json_lines("/admin/callbacks");
  ASSERT_EQ(journal.size(), 3u);
  EXPECT_EQ(journal[1]["sent_us"].get<int64_t>() - journal[0]["sent_us"].get<int64_t>(), 4'000'000);
  EXPECT_EQ(journal[2]["sent_us"].get<int64_t>() - journal[1]["sent_us"].get<int64_t>(), 8'000'000);
  // In real time, divided by the scale: an attempt arrives after it leaves, and it leaves its
  // scaled gap after the one before (from the payment on, at the earliest). Arrival jitter
  // under load only makes it later, so only the upper bounds are loose.
  const double second_after_pay = real_ms_between(paid_at, received[1].at);
  const double third_after_pay = real_ms_between(paid_at, received[2].at);
  EXPECT_GE(second_after_pay, 100);
  EXPECT_LT(second_after_pay, 1500);
  EXPECT_GE(third_after_pay, 300);
  EXPECT_LT(third_after_pay, 2500);
  EXPECT_EQ(journal[0]["kind"], "first");
  EXPECT_EQ(journal[1]["kind"], "resend");
  EXPECT_EQ(journal[0]["acknowledged"], false);
  EXPECT_EQ(journal[0]["status"], 500);
  EXPECT_EQ(journal[2]["acknowledged"], true);
}

TEST(Callbacks, AlipayWantsExactlySuccessAndASlowAnswerPastTheDeadlineIsResent) {
  // Two re-sends `gap` apart on a preset's channel.
  const auto preset_channel = [](const char* preset, Duration gap) {
    channels::ChannelConfig config = quiet_channel();
    config.preset = preset;
    config.callback.retries = {gap, gap};
    return config;
  };
  // Alipay-like: only the body "success" acknowledges.
  Merchant alipay_merchant([](size_t index, const Merchant::Received&) {
    return index == 0 ? Merchant::Reply{200, "OK"} : Merchant::Reply{200, "success"};
  });
  LiveChannel alipay_channel(preset_channel("alipay-like", Duration::seconds(5)),
                             alipay_merchant.port(), 50);  // 5 s -> 100 ms
  alipay_channel.create_paid("order-a", 100);
  // WeChat-like: 200/204 within 5 s. The first answer takes 1 s, past the deadline (250 ms at
  // this scale, room enough for a prompt answer on a loaded machine).
  Merchant wechat_merchant([](size_t index, const Merchant::Received&) {
    return Merchant::Reply{200, "", index == 0 ? 1000ms : 0ms};
  });
  LiveChannel wechat_channel(preset_channel("wechat-pay-like", Duration::seconds(10)),
                             wechat_merchant.port(), 20);  // 10 s -> 500 ms
  wechat_channel.create_paid("order-w", 100);

  ASSERT_TRUE(alipay_merchant.wait_for(2, 5s));
  ASSERT_TRUE(wechat_merchant.wait_for(2, 5s));
  std::this_thread::sleep_for(1200ms);  // past the last re-send: none may come
  EXPECT_EQ(alipay_merchant.received().size(), 2u);
  EXPECT_EQ(wechat_merchant.received().size(), 2u);
  const std::vector<nlohmann::json> alipay_journal = alipay_channel.json_lines("/admin/callbacks");
  ASSERT_EQ(alipay_journal.size(), 2u);
  EXPECT_EQ(alipay_journal[0]["acknowledged"], false);
  EXPECT_NE(alipay_journal[0]["why"].get<std::string>().find("\"success\""), std::string::npos);
  const std::vector<nlohmann::json> wechat_journal = wechat_channel.json_lines("/admin/callbacks");
  ASSERT_EQ(wechat_journal.size(), 2u);
  EXPECT_EQ(wechat_journal[0]["outcome"], "timeout");
  EXPECT_EQ(wechat_journal[1]["acknowledged"], true);
}

// The callbacks a simulated MockChannel delivers for trades 1..n paid in order: the same keys,
// config and seed as the live server's, on SimRuntime.
class SimulatedDeliveries final : public channels::ChannelClient {
 public:
  SimulatedDeliveries(const channels::ChannelConfig& config, uint64_t seed, int trades) {
    sim::Simulator simulator;
    sim::SimRuntime runtime(simulator, seed);
    channels::Ledger ledger;
    channels::MockChannel channel(runtime, config, 0, ledger, *this);
    for (int i = 1; i <= trades; ++i) {
      const channels::PaymentKey key{.order = static_cast<uint64_t>(i),
                                     .payment = static_cast<uint64_t>(i)};
      channel.create(static_cast<channels::CallId>(i), key, 100);
      simulator.run_until_idle();
      channel.user_pays(key);
    }
    simulator.run_until_idle();
  }
  std::multiset<std::pair<uint64_t, std::string>> seen;  // payment, state

  void on_create_reply(channels::CallId, const channels::PaymentKey&,
                       const channels::CreateReply&) override {}
  void on_query_reply(channels::CallId, const channels::PaymentKey&, channels::QuerySource,
                      const channels::QueryReply&) override {}
  void on_close_reply(channels::CallId, const channels::PaymentKey&,
                      const channels::CloseReply&) override {}
  void on_refund_reply(channels::CallId, const channels::PaymentKey&,
                       const channels::RefundReply&) override {}
  void on_callback(const channels::CallbackNotice& notice) override {
    seen.emplace(notice.key.payment, std::string(channels::to_string(notice.state)));
  }
};

// |observed - n p| within 4.5 standard deviations: a false alarm about once in 150,000 runs.
void expect_binomial(uint64_t observed, uint64_t n, double p, const char* what) {
  const double mean = static_cast<double>(n) * p;
  const double bound = 4.5 * std::sqrt(static_cast<double>(n) * p * (1 - p));
  EXPECT_LE(std::abs(static_cast<double>(observed) - mean), bound)
      << what << ": " << observed << " of " << n << ", expected about " << mean;
}

TEST(Callbacks, FaultsAppearAtTheirRatesAndMatchTheSimulatorsDecisions) {
  Merchant merchant;
  channels::ChannelConfig config = quiet_channel();
  config.callback.drop_probability = 0.3;
  config.callback.duplicate_probability = 0.2;
  config.callback.reorder_probability = 0.1;
  config.callback.delay = sim::Distribution::fixed(Duration::millis(100));
  constexpr int kTrades = 300;
  constexpr uint64_t kSeed = 99;
  LiveChannel channel(config, merchant.port(), /*time_scale=*/20,
                      LiveChannel::Options().with_seed(kSeed));
  for (int i = 1; i <= kTrades; ++i) channel.create_paid("order-" + std::to_string(i), 100);
  const SimulatedDeliveries simulated(config, kSeed, kTrades);
  ASSERT_TRUE(merchant.wait_for(simulated.seen.size(), 10s))
      << merchant.received().size() << " of " << simulated.seen.size();
  std::this_thread::sleep_for(100ms);  // nothing more may come: no re-sends are configured

  std::multiset<std::pair<uint64_t, std::string>> live;
  uint64_t firsts = 0, duplicates = 0, stale = 0;
  std::set<uint64_t> delivered;
  for (const Merchant::Received& r : merchant.received()) {
    const std::string id = r.event["data"]["trade_id"];
    const uint64_t payment = std::stoull(id.substr(3));
    const std::string state = r.event["data"]["state"];
    live.emplace(payment, state);
    if (state == "pending") {
      ++stale;
    } else if (!delivered.insert(payment).second) {
      ++duplicates;
    } else {
      ++firsts;
    }
  }
  EXPECT_EQ(live, simulated.seen) << "the live channel decided a fault unlike the simulator";
  expect_binomial(kTrades - firsts, kTrades, 0.3, "dropped");
  expect_binomial(duplicates, firsts, 0.2, "duplicated");
  expect_binomial(stale, firsts, 0.1, "reordered");
  const nlohmann::json model = channel.stats()["model"];
  EXPECT_EQ(model["callbacks_dropped"], kTrades - firsts);
  EXPECT_EQ(model["callbacks_duplicated"], duplicates);
  EXPECT_EQ(model["callbacks_stale"], stale);
}

}  // namespace
}  // namespace live::testing
