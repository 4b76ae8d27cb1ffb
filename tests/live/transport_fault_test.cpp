// Transport faults on merchant API answers: the call takes effect, its answer is reset, empty,
// malformed or slow on the wire, at the configured rate.
#include <gtest/gtest.h>

#include <cmath>

#include "live/transport_faults.h"
#include "tests/live/live_fixture.h"

namespace live::testing {
namespace {

TransportFaultProfile only(const std::string& spec) {
  std::string error;
  const std::optional<TransportFaultProfile> profile = parse_transport_faults(spec, &error);
  EXPECT_TRUE(profile) << error;
  return profile.value_or(TransportFaultProfile{});
}

TEST(TransportFaults, TheCallTakesEffectAndItsAnswerIsLostOrMangledOnTheWire) {
  Merchant merchant;
  const std::string create = R"({"merchant_order_id":"order-t","amount_minor":100})";
  for (const char* kind : {"reset", "empty", "malformed"}) {
    LiveChannel channel(quiet_channel(), merchant.port(), 10, 7, {}, {},
                        only(std::string(kind) + "=1"));
    EXPECT_EQ(channel.post("/v1/trades", create).status, 0u) << kind << ": an answer got through";
    const nlohmann::json stats = channel.stats();  // admin routes are never faulted
    EXPECT_EQ(stats["trades"], 1) << kind << ": the create did not take effect";
    EXPECT_EQ(stats["http"][std::string("responses_") + kind], 1) << kind;
  }
  LiveChannel slow(quiet_channel(), merchant.port(), 10, 7, {}, {}, only("slow_body=1"));
  const Clock::time_point begin = Clock::now();
  const HttpAnswer answer = slow.post("/v1/trades", create);
  EXPECT_EQ(answer.status, 200u);
  EXPECT_EQ(answer.json()["trade_id"], "tr_1");
  EXPECT_GE(Clock::now() - begin, 800ms) << "ten pieces 100 ms apart";
}

TEST(TransportFaults, ResetsAppearAtTheirRate) {
  Merchant merchant;
  LiveChannel channel(quiet_channel(), merchant.port(), 10, 7, {}, {}, only("reset=0.3"));
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
