// `paysim trace` and its parts: the TraceRecorder (one order and global lines, the line cap,
// time format, summary), the recorder's first-dropped/first-duplicate ids, and the command end
// to end on a scenario where every callback is lost.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "harness/trace_recorder.h"
#include "harness/world.h"
#include "test_scenarios.h"

namespace harness {
namespace {

TEST(TraceRecorder, FormatsSimulatedTime) {
  EXPECT_EQ(format_sim_time(sim::Time::from_us(0)), "0:00:00.000");
  EXPECT_EQ(format_sim_time(sim::Time::from_us(3'723'456'789)), "1:02:03.456");
  EXPECT_EQ(format_sim_time(sim::Time::from_us(int64_t{26} * 3'600'000'000)), "26:00:00.000");
}

TEST(TraceRecorder, KeepsTheOrderAndGlobalLinesUpToTheCap) {
  TraceRecorder trace(7, 3);
  EXPECT_TRUE(trace.wants(7));
  EXPECT_TRUE(trace.wants(0));
  EXPECT_FALSE(trace.wants(8));
  trace.on_order_created(7, sim::Time::from_us(500));
  trace.record(sim::Time::from_us(1000), "user", 7, "clicks pay");
  trace.record(sim::Time::from_us(2000), "payment-service", 0, "payment service crashed");
  // The text of a line says nothing to the summary; the typed event does.
  trace.record(sim::Time::from_us(3000), "order-service", 7,
               "order PAID by payment 9 (learned by callback)");
  EXPECT_EQ(trace.order_state(), sut::OrderState::kUnpaid);
  trace.on_order_state(7, sut::OrderState::kUnpaid, sut::OrderState::kPaid,
                       sut::Resolution::kCallback, 9, sim::Time::from_us(3000));
  trace.on_order_state(8, sut::OrderState::kUnpaid, sut::OrderState::kClosed,
                       sut::Resolution::kNone, 0,
                       sim::Time::from_us(3500));  // another order's
  trace.record(sim::Time::from_us(4000), "client", 7, "shows PAID");
  EXPECT_EQ(trace.lines().size(), 3u);
  EXPECT_TRUE(trace.truncated());
  EXPECT_EQ(trace.order_state(), sut::OrderState::kPaid);
  EXPECT_TRUE(trace.order_seen());
  const std::string text = render_trace(trace);
  EXPECT_NE(text.find("[all orders] payment service crashed"), std::string::npos) << text;
  EXPECT_NE(text.find("truncated: 1 more lines"), std::string::npos) << text;
  EXPECT_NE(text.find("final order state: PAID (learned by callback)"), std::string::npos) << text;
}

TEST(TraceRecorder, FollowsTheLedgerAndSeesTheDrop) {
  Scenario s = testing::minimal_scenario(5, sim::Duration::minutes(1));
  s.channels[0].callback.drop_probability = 1.0;  // every callback lost, no compensation
  TraceRecorder trace(1);
  World world(s, &trace, &trace);
  trace.watch_ledger(&world.ledger());
  world.run();
  EXPECT_EQ(world.recorder().first_dropped(), 1u);
  EXPECT_EQ(world.recorder().first_duplicate(), 0u);
  EXPECT_EQ(trace.money().charges, 1u);
  EXPECT_NE(trace.order_state(), sut::OrderState::kPaid);
  ASSERT_EQ(trace.payments().size(), 1u);
  EXPECT_EQ(trace.payments()[0].state, sut::PaymentState::kPaying);
  const std::string text = render_trace(trace);
  EXPECT_NE(text.find("dropped by fault"), std::string::npos) << text;
  EXPECT_NE(text.find("verdict: DROPPED"), std::string::npos) << text;
}

// Regression (issue 12 item 9): the last callback attempt's delivery comes before "schedule
// exhausted", and a callback given up because the order lock stayed held is shown.
TEST(TraceRecorder, ShowsCallbackAttemptsInTheOrderTheyHappened) {
  Scenario s = testing::minimal_scenario(1, sim::Duration::seconds(3));
  s.traffic.arrival = workload::TrafficConfig::Arrival::kUniform;
  s.channels[0].callback.drop_probability = 1.0;
  s.channels[0].callback.retries = {sim::Duration::minutes(1)};
  TraceRecorder trace(1);
  World world(s, &trace, &trace);
  world.run();
  const std::string text = render_trace(trace);
  const size_t last_attempt = text.find("callback #2 dropped by fault");
  const size_t exhausted = text.find("callback schedule exhausted after 2 attempts");
  ASSERT_NE(last_attempt, std::string::npos) << text;
  ASSERT_NE(exhausted, std::string::npos) << text;
  EXPECT_LT(last_attempt, exhausted) << text;
}

TEST(TraceRecorder, ShowsACallbackGivenUpBecauseTheOrderLockIsHeld) {
  // Every lock holder stalls 30 s after its read. Click 1 holds the lock until its payment is
  // created (~30.08 s); the user pays it 100 ms later and its callback arrives ~30.7 s. Click 2,
  // at 30.1 s, holds the lock through its own stall: the callback waits 200 steps of 1 ms for
  // it, then gives up (unacknowledged, for the channel to send again).
  Scenario s = testing::minimal_scenario(1, sim::Duration::seconds(3));
  s.traffic.arrival = workload::TrafficConfig::Arrival::kUniform;
  s.user.pay_delay = sim::Distribution::fixed(sim::Duration::millis(100));
  s.user.repeat_click_probability = 1.0;
  s.user.repeat_click_gap = sim::Distribution::fixed(sim::Duration::millis(30'100));
  s.system.dedup.order_lock = true;
  s.system.dedup.lock_ttl = sim::Duration::minutes(1);
  s.system.dedup.lock_stall_probability = 1.0;
  s.system.dedup.lock_stall = sim::Duration::seconds(30);
  s.system.payment_service.step_latency = sim::Duration::millis(1);
  TraceRecorder trace(1);
  World world(s, &trace, &trace);
  world.run();
  const std::string text = render_trace(trace);
  EXPECT_NE(text.find("given up: the order lock stayed held"), std::string::npos) << text;
}

int run_paysim(const std::string& args, std::string& output) {
  FILE* pipe = popen((std::string(PAYSIM_BINARY) + " " + args + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(TraceCommand, FirstDroppedEndToEnd) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / "paysim_trace_test.yaml";
  std::ofstream(file)
      << "name: lossy\nseed: 5\nduration: 1m\ndrain: 10m\ntraffic: {rate: 2/s}\n"
         "user: {pay_probability: 1}\n"
         "channels: [{name: w, preset: ideal, callback: {drop_probability: 0.5}}]\n";
  std::string out;
  EXPECT_EQ(run_paysim("trace " + file.string() + " --order first-dropped", out), 0) << out;
  EXPECT_NE(out.find("the first order that ended the run dropped"), std::string::npos) << out;
  EXPECT_NE(out.find("verdict: DROPPED"), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(run_paysim("trace " + file.string() + " --order first-duplicate", out), 1)
      << out;  // none
  out.clear();
  EXPECT_EQ(run_paysim("trace " + file.string() + " --order 1000000", out), 2)
      << out;  // no such order
  EXPECT_NE(out.find("does not exist in this run"), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(run_paysim("trace " + file.string() + " --order banana", out), 2) << out;
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace harness
