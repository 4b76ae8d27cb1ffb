// Transport faults on merchant API answers: the call takes effect, its answer is reset, empty,
// malformed or slow on the wire, at the configured rate.
#include <gtest/gtest.h>

#include <cmath>

#include "live/transport_faults.h"
#include "tests/live/live_fixture.h"

namespace live::testing {
namespace {

TEST(TransportFaults, TheCallTakesEffectAndItsAnswerIsLostOrMangledOnTheWire) {
  Merchant merchant;
  const std::string create = R"({"merchant_order_id":"order-t","amount_minor":100})";
  for (const char* kind : {"reset", "empty", "malformed"}) {
    LiveChannel channel(
        quiet_channel(), merchant.port(), 10,
        LiveChannel::Options().with_transport_faults(fault_profile(std::string(kind) + "=1")));
    EXPECT_EQ(channel.post("/v1/trades", create).status, 0u) << kind << ": an answer got through";
    const nlohmann::json stats = channel.stats();  // admin routes are never faulted
    EXPECT_EQ(stats["trades"], 1) << kind << ": the create did not take effect";
    EXPECT_EQ(stats["http"][std::string("responses_") + kind], 1) << kind;
  }
  LiveChannel slow(quiet_channel(), merchant.port(), 10,
                   LiveChannel::Options().with_transport_faults(fault_profile("slow_body=1")));
  const Clock::time_point begin = Clock::now();
  const HttpAnswer answer = slow.post("/v1/trades", create);
  EXPECT_EQ(answer.status, 200u);
  EXPECT_EQ(answer.json()["trade_id"], "tr_1");
  EXPECT_GE(Clock::now() - begin, 800ms) << "ten pieces 100 ms apart";
}

TEST(TransportFaults, ResetsAppearAtTheirRate) {
  Merchant merchant;
  LiveChannel channel(quiet_channel(), merchant.port(), 10,
                      LiveChannel::Options().with_transport_faults(fault_profile("reset=0.3")));
  std::string id;
  while (id.empty()) {  // the create itself may be reset: try until one answer gets through
    const HttpAnswer created =
        channel.post("/v1/trades", R"({"merchant_order_id":"o","amount_minor":100})");
    if (created.status == 200) id = created.json()["trade_id"];
  }
  constexpr int kQueries = 200;
  int lost = 0;
  for (int i = 0; i < kQueries; ++i) lost += channel.get("/v1/trades/" + id).status == 0;
  const double mean = kQueries * 0.3, bound = 4.5 * std::sqrt(kQueries * 0.3 * 0.7);
  EXPECT_LE(std::abs(lost - mean), bound) << lost << " of " << kQueries << " reset";
  EXPECT_EQ(channel.stats()["http"]["responses_reset"].get<int>(),
            lost + static_cast<int>(channel.stats()["trades"].get<int>()) - 1)
      << "every lost answer is a counted reset (and so is every lost create)";
}

}  // namespace
}  // namespace live::testing

namespace live::testing {
namespace {

// An outage for the whole test; the channel's timeout is 5 s, 100 ms at this scale.
channels::ChannelConfig down_channel() {
  channels::ChannelConfig config = quiet_channel();
  config.outages = {{sim::Time::zero(), sim::Duration::hours(1)}};
  config.timeout = sim::Duration::seconds(5);
  return config;
}

TEST(OutageModes, AnOutageAnswers503HangsOrRefusesAsAsked) {
  Merchant merchant;
  const std::string create = R"({"merchant_order_id":"o","amount_minor":100})";
  struct Case {
    OutageMode mode;
    unsigned status;
    bool waits_for_the_timeout;
  };
  for (const Case& c : {Case{OutageMode::kAnswer503, 503, true}, Case{OutageMode::kHang, 0, true},
                        Case{OutageMode::kRefuse, 0, false}}) {
    LiveChannel channel(down_channel(), merchant.port(), 50,
                        LiveChannel::Options().with_outage_mode(c.mode));
    const Clock::time_point begin = Clock::now();
    const HttpAnswer answer = channel.post("/v1/trades", create);
    const auto took = Clock::now() - begin;
    EXPECT_EQ(answer.status, c.status) << static_cast<int>(c.mode);
    if (c.waits_for_the_timeout) {
      EXPECT_GE(took, 90ms) << static_cast<int>(c.mode);
    }
    const nlohmann::json stats = channel.stats();
    EXPECT_EQ(stats["model"]["calls_during_outage"], c.waits_for_the_timeout ? 1 : 0);
    EXPECT_EQ(stats["model"]["charges"], 0);
  }
}

}  // namespace
}  // namespace live::testing
