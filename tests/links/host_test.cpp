// links::Host: the one place a payment-service crash is injected. Each test drives the host alone
// (a simulator, a recording process) and checks one promise of links/host.h.
#include "links/host.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/sim_runtime.h"
#include "sim/simulator.h"

namespace links {
namespace {

using sim::Duration;
using sim::Time;

// A channel client that records what reached it.
class RecordingProcess final : public channels::ChannelClient, public sim::Volatile {
 public:
  void on_create_reply(channels::CallId, const channels::PaymentKey&,
                       const channels::CreateReply&) override {
    seen.push_back("create");
  }
  void on_query_reply(channels::CallId, const channels::PaymentKey&, channels::QuerySource,
                      const channels::QueryReply&) override {
    seen.push_back("query");
  }
  void on_close_reply(channels::CallId, const channels::PaymentKey&,
                      const channels::CloseReply&) override {
    seen.push_back("close");
  }
  void on_refund_reply(channels::CallId, const channels::PaymentKey&,
                       const channels::RefundReply&) override {
    seen.push_back("refund");
  }
  void on_callback(const channels::CallbackNotice&) override { seen.push_back("callback"); }
  void lose_memory() override { seen.push_back("lost memory"); }

  std::vector<std::string> seen;
};

class HostTest : public ::testing::Test {
 protected:
  explicit HostTest(std::vector<sut::CrashWindow> crashes = {{Time() + Duration::seconds(10),
                                                              Duration::seconds(5)}})
      : config_{.step_latency = Duration::millis(7), .crashes = std::move(crashes)},
        runtime_(simulator_, 1),
        host_(runtime_, config_, dedup_, activity_, nullptr) {
    host_.connect(process_);
    host_.add_volatile(process_);
    host_.start();
  }
  void run_until(int64_t seconds) { simulator_.run_until(Time() + Duration::seconds(seconds)); }
  // Everything the channels can send, in one go.
  void send_everything(uint64_t order) {
    const channels::PaymentKey key{order, 1, 0, 0};
    channels::ChannelClient& gate = host_.channel_client();
    activity_.begin(order);  // a create call's hold, as the service takes it
    gate.on_create_reply(1, key, {});
    activity_.begin(order);
    gate.on_query_reply(2, key, channels::QuerySource::kPolling, {});
    activity_.begin(order);
    gate.on_close_reply(3, key, {});
    activity_.begin(order);
    gate.on_refund_reply(4, key, {});
    gate.on_callback({.key = key});
  }

  sut::PaymentServiceConfig config_;
  sut::DedupConfig dedup_;
  sim::Activity activity_;
  sim::Simulator simulator_;
  sim::SimRuntime runtime_;
  RecordingProcess process_;
  Host host_;
};

TEST_F(HostTest, ATimerScheduledBeforeTheCrashNeverRunsEvenWhenDueAfterTheRestart) {
  std::vector<std::string> ran;
  host_.schedule_after(Duration::seconds(5), [&] { ran.push_back("before the crash"); });
  host_.schedule_after(Duration::seconds(30), [&] { ran.push_back("due after the restart"); });
  runtime_.schedule_after(Duration::seconds(20), [&] {
    host_.schedule_after(Duration::seconds(1),
                         [&] { ran.push_back("scheduled after the restart"); });
  });
  run_until(60);
  EXPECT_EQ(ran, (std::vector<std::string>{"before the crash", "scheduled after the restart"}));
}

TEST_F(HostTest, IsDownFromTheCrashUntilTheRestartAndLosesMemoryOnce) {
  std::vector<bool> up;
  for (int s : {9, 10, 14, 15, 16})
    runtime_.schedule_after(Duration::seconds(s), [&] { up.push_back(host_.up()); });
  run_until(60);
  // The crash at 10 s was scheduled first, so it runs before a probe at the same instant.
  EXPECT_EQ(up, (std::vector<bool>{true, false, false, true, true}));
  EXPECT_EQ(process_.seen, (std::vector<std::string>{"lost memory"}));
}

TEST_F(HostTest, WhileDownOnlyTheDurableJobsHearTheChannel) {
  runtime_.schedule_after(Duration::seconds(12), [&] { send_everything(7); });
  run_until(12);
  EXPECT_EQ(process_.seen, (std::vector<std::string>{"lost memory", "close", "refund"}));
  // The dropped create and query answers released their calls' holds; close and refund answers
  // are the process's to release (this recording process keeps them).
  EXPECT_TRUE(activity_.busy(7));
  activity_.end(7);
  activity_.end(7);
  EXPECT_FALSE(activity_.busy(7));
}

TEST_F(HostTest, WhileUpEverythingPassesThrough) {
  send_everything(7);
  EXPECT_EQ(process_.seen,
            (std::vector<std::string>{"create", "query", "close", "refund", "callback"}));
}

TEST_F(HostTest, PausesTheProcessAtTheConfiguredRateForTheConfiguredTime) {
  dedup_.lock_stall = Duration::seconds(15);
  dedup_.lock_stall_probability = 0.0;
  EXPECT_EQ(host_.pause(1, 0), Duration::zero());
  dedup_.lock_stall_probability = 0.25;
  int paused = 0;
  for (uint64_t order = 1; order <= 4000; ++order) {
    const Duration pause = host_.pause(order, 0);
    EXPECT_TRUE(pause == Duration::zero() || pause == Duration::seconds(15));
    paused += pause > Duration::zero();
    EXPECT_EQ(host_.pause(order, 0), pause)
        << "a step's pause is keyed by the step, not drawn anew";
  }
  // Binomial(4000, 0.25): mean 1000, sd 27.4; 5 sd either side.
  EXPECT_NEAR(paused, 1000, 137);
}

class HostWithoutCrashes : public HostTest {
 protected:
  HostWithoutCrashes() : HostTest({}) {}
};

TEST_F(HostWithoutCrashes, IsThePlainRuntime) {
  int ran = 0;
  const sim::TimerId cancelled = host_.schedule_after(Duration::seconds(1), [&] { ran += 10; });
  host_.schedule_after(Duration::seconds(2), [&] { ++ran; });
  EXPECT_TRUE(host_.cancel(cancelled));
  run_until(60);
  EXPECT_EQ(ran, 1);
  EXPECT_TRUE(host_.up());
  EXPECT_EQ(host_.round_trip(), Duration::millis(7)) << "payment_service.step_latency";
  EXPECT_TRUE(process_.seen.empty());
}

}  // namespace
}  // namespace links
