// Transport faults on callbacks (--callback-faults): the channel, as the merchant's HTTP client,
// resets a request mid-way, closes before a byte, cuts a request short or trickles its body. Each
// such attempt is journaled as failed with its fault and the model re-sends on its schedule; the
// faults fall where the keyed draws say, so a seed repeats them.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "live/signature.h"
#include "live/transport_faults.h"
#include "sim/sim_runtime.h"
#include "tests/live/live_fixture.h"

namespace live::testing {
namespace {

// The fault the server draws for the n-th delivery of `order`'s callbacks with `seed`.
TransportFault drawn(const TransportFaultProfile& profile, uint64_t seed, uint64_t order,
                     uint32_t delivery) {
  sim::Simulator simulator;
  const sim::SimRuntime runtime(simulator, seed);
  return choose_transport_fault(profile, runtime, order, sim::purpose("live.callback_transport"),
                                delivery);
}

// A channel that re-sends after 1 s (0.1 s real at scale 10) until acknowledged.
channels::ChannelConfig resending_channel() {
  channels::ChannelConfig config = quiet_channel();
  config.callback.retries = std::vector<sim::Duration>(8, sim::Duration::seconds(1));
  return config;
}

// The journal once an attempt of it is acknowledged and every attempt has finished, or at the
// deadline.
std::vector<nlohmann::json> journal_until_acknowledged(LiveChannel& channel,
                                                       std::chrono::milliseconds deadline = 10s) {
  const Clock::time_point end = Clock::now() + deadline;
  std::vector<nlohmann::json> journal;
  while (Clock::now() < end) {
    journal = channel.json_lines("/admin/callbacks");
    bool acknowledged = false, finished = true;
    for (const nlohmann::json& line : journal) {
      acknowledged = acknowledged || line.value("acknowledged", false);
      finished = finished && line["finished"] == true;
    }
    if (acknowledged && finished) return journal;
    std::this_thread::sleep_for(20ms);
  }
  return journal;
}

TEST(CallbackFaults, AFaultedAttemptIsJournaledAsFailedAndTheCallbackIsResentUntilAcknowledged) {
  Merchant merchant;
  for (const char* kind : {"reset", "empty", "malformed", "slow_body"}) {
    SCOPED_TRACE(kind);
    const TransportFaultProfile profile = fault_profile(std::string(kind) + "=0.5");
    // A seed whose first delivery of order 1 is faulted and whose second is not.
    uint64_t seed = 1;
    while (drawn(profile, seed, 1, 1) == TransportFault::kNone ||
           drawn(profile, seed, 1, 2) != TransportFault::kNone) {
      ++seed;
    }
    LiveChannel channel(resending_channel(), merchant.port(), 10,
                        LiveChannel::Options().with_seed(seed).with_callback_faults(profile));
    channel.create_paid("order-" + std::string(kind), 100);
    const std::vector<nlohmann::json> journal = journal_until_acknowledged(channel);
    ASSERT_GE(journal.size(), 2u) << channel.get("/admin/callbacks").body;
    const nlohmann::json& first = journal[0];
    EXPECT_EQ(first["kind"], "first");
    EXPECT_EQ(first["transport_fault"], kind);
    EXPECT_EQ(first["acknowledged"], false);
    EXPECT_NE(first["why"].get<std::string>().find(std::string("transport fault ") + kind),
              std::string::npos)
        << first.dump();
    if (std::string(kind) == "reset" || std::string(kind) == "empty") {
      EXPECT_EQ(first["outcome"], "broken") << first.dump();
    }
    if (std::string(kind) == "slow_body") {
      EXPECT_EQ(first["outcome"], "timeout") << first.dump();
    }
    const nlohmann::json& last = journal.back();
    EXPECT_EQ(last["kind"], "resend") << last.dump();
    EXPECT_FALSE(last.contains("transport_fault")) << last.dump();
    EXPECT_EQ(last["acknowledged"], true) << last.dump();

    const nlohmann::json stats = channel.stats()["callbacks"];
    const std::string counter =
        std::string("faulted_") + (std::string(kind) == "malformed" ? "truncated" : kind);
    EXPECT_EQ(stats[counter], 1) << stats.dump();
    EXPECT_GE(stats["failures"], 1) << stats.dump();
    EXPECT_EQ(stats["acknowledged"], 1) << stats.dump();
  }
  // Whatever reached the merchant whole is signed; the truncated and reset ones never did.
  for (const Merchant::Received& received : merchant.received()) {
    EXPECT_EQ(verify_signature(kSecret, received.signature, received.body, unix_seconds()),
              SignatureCheck::kValid);
  }
}

TEST(CallbackFaults, ResetsFallWhereTheKeyedDrawsSayAtTheirRate) {
  constexpr int kTrades = 60;
  constexpr uint64_t kSeed = 3;
  const TransportFaultProfile profile = fault_profile("reset=0.3");
  Merchant merchant;
  LiveChannel channel(resending_channel(), merchant.port(), 10,
                      LiveChannel::Options().with_seed(kSeed).with_callback_faults(profile));
  for (int i = 1; i <= kTrades; ++i) channel.create_paid("order-" + std::to_string(i), 100);
  // Every trade's callback is acknowledged in the end: wait for all of them.
  const Clock::time_point end = Clock::now() + 20s;
  while (channel.stats()["callbacks"]["acknowledged"] != kTrades && Clock::now() < end) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(channel.stats()["callbacks"]["acknowledged"], kTrades);
  int faulted_first = 0;
  for (const nlohmann::json& line : channel.json_lines("/admin/callbacks")) {
    if (line["kind"] != "first") continue;
    const uint64_t order = std::stoull(line["trade_id"].get<std::string>().substr(3));
    const bool expected = drawn(profile, kSeed, order, 1) == TransportFault::kReset;
    EXPECT_EQ(line.contains("transport_fault"), expected) << line.dump();
    faulted_first += line.contains("transport_fault") ? 1 : 0;
  }
  const double mean = kTrades * 0.3, bound = 4.5 * std::sqrt(kTrades * 0.3 * 0.7);
  EXPECT_LE(std::abs(faulted_first - mean), bound) << faulted_first << " of " << kTrades;
}

}  // namespace
}  // namespace live::testing
