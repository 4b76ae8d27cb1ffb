// Kill and restart for real: `paysim live` plays a scenario against `paysim serve-sut --db` run
// as a child process, which the test kills with SIGKILL three times during the traffic window and
// restarts on the same port from the same journal. What a crash of the payment service loses is
// what the scenario keeps in memory:
// - durable retry storage (delay messages in the MQ): every payment the channel charged ends
//   PAID, nothing is charged twice, no invariant breaks, although callbacks sent while the
//   service was down are lost for good (the channel does not retry them here);
// - in-memory retry storage: the delay-message chains of the payments in flight die with the
//   process, so a lost callback is then a drop — as many as the simulator predicts for the same
//   crashes (`environment.payment_service.crashes` at the moments of the kills).
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "harness/run.h"
#include "harness/scenario_loader.h"
#include "live/live_run.h"
#include "tests/live/child_process.h"
#include "tests/live/live_fixture.h"

namespace live::testing {
namespace {

constexpr double kTimeScale = 50;
// The kills, in real time after the run starts: 60 s, 120 s and 180 s of channel time.
constexpr std::array<std::chrono::milliseconds, 3> kKills = {1200ms, 2400ms, 3600ms};

// 4 minutes of traffic at 2 orders/s; 30% of callbacks lost and never re-sent, so those payments
// wait for their first delay message, a minute after they were created: at each kill about
// 2 × 0.9 × 0.3 × 60 ≈ 30 of them are waiting.
std::string scenario_text(const std::string& storage) {
  return R"(name: kill-restart
seed: 21
duration: 4m
drain: 5m
traffic: {arrival: poisson, rate: 2/s}
)" + std::string(kLossyWalletUsers) +
         R"(system:
  order_service: {order_timeout: 3m}
  compensation:
    strategy: delay_message
    delay_message: {schedule: [1m, 1m, 1m]}
    retry_storage: )" +
         storage + "\n";
}

struct TempFile {
  explicit TempFile(const std::string& name)
      : path((std::filesystem::temp_directory_path() /
              ("paysim-" + std::to_string(getpid()) + "-" + name))
                 .string()) {
    std::filesystem::remove(path);
  }
  ~TempFile() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
  const std::string path;
};

struct KillRun {
  reports::Report report;
  std::vector<sim::Time> kills;  // channel time of each kill, on the live run's clock
  sim::Duration longest_down;
  uint64_t recoveries = 0;  // restarts that replayed the journal
};

// serve-sut as a child on `port`, from the journal `db`; waits until it serves.
std::unique_ptr<Process> start_serve_sut(const std::string& scenario, const std::string& db,
                                         uint16_t sut_port, uint16_t channel_port) {
  auto sut = std::make_unique<Process>(
      std::vector<std::string>{"serve-sut", scenario, "--listen",
                               "127.0.0.1:" + std::to_string(sut_port), "--channel",
                               "http://127.0.0.1:" + std::to_string(channel_port), "--time-scale",
                               std::to_string(kTimeScale), "--db", db},
      /*with_secret=*/true);
  EXPECT_TRUE(sut->wait_for_line(std::regex("listening on"))) << sut->describe();
  return sut;
}

KillRun live_with_kills(const std::string& storage) {
  const TempFile scenario_file("kill-restart-" + storage + ".yaml");
  std::ofstream(scenario_file.path) << scenario_text(storage);
  const TempFile db("kill-restart-" + storage + ".db");
  const uint16_t sut_port = free_port();
  const uint16_t channel_port = free_port();
  std::unique_ptr<Process> sut =
      start_serve_sut(scenario_file.path, db.path, sut_port, channel_port);

  harness::LoadResult loaded = harness::load_scenario_file(scenario_file.path);
  EXPECT_TRUE(loaded.ok());
  boost::asio::io_context io;
  LiveOptions options;
  options.scenario = *loaded.scenario;
  options.sut = tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), sut_port);
  options.sut_host = "127.0.0.1:" + std::to_string(sut_port);
  options.channel_listen = tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), channel_port);
  options.secret = kSecret;
  options.time_scale = kTimeScale;
  LiveRun run(io, std::move(options));
  EXPECT_EQ(run.start(), "");

  KillRun result;
  std::atomic<bool> stop{false};
  std::thread killer([&] {
    const Clock::time_point start = Clock::now();
    for (const std::chrono::milliseconds at : kKills) {
      while (Clock::now() - start < at) {
        if (stop) return;
        std::this_thread::sleep_for(5ms);
      }
      const Clock::time_point killed = Clock::now();
      kill(sut->pid(), SIGKILL);
      sut->wait_exit();
      sut = start_serve_sut(scenario_file.path, db.path, sut_port, channel_port);
      if (sut->output().find("recovered from") != std::string::npos) ++result.recoveries;
      const auto down =
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - killed);
      result.kills.push_back(sim::Time::from_us(
          static_cast<int64_t>(static_cast<double>((killed - start) / 1us) * kTimeScale)));
      result.longest_down =
          std::max(result.longest_down, sim::Duration::micros(static_cast<int64_t>(
                                            static_cast<double>(down.count()) * kTimeScale)));
    }
  });
  result.report = run.run();
  stop = true;
  killer.join();
  const reports::Report& r = result.report;
  std::printf(
      "[kill-restart %s] created %llu, charged %llu, callbacks lost %llu, dropped %llu, "
      "paid %llu, longest down %.1f s of channel time, %llu recoveries\n",
      storage.c_str(), static_cast<unsigned long long>(r.orders.created),
      static_cast<unsigned long long>(r.orders.charged),
      static_cast<unsigned long long>(r.dropped.callbacks_lost),
      static_cast<unsigned long long>(r.dropped.final),
      static_cast<unsigned long long>(r.orders.paid),
      static_cast<double>(result.longest_down.us()) / 1e6,
      static_cast<unsigned long long>(result.recoveries));
  return result;
}

TEST(KillRestart, DurableStorageLosesNoOrderAcrossSigkills) {
  const KillRun run = live_with_kills("durable");
  const reports::Report& live = run.report;
  ASSERT_EQ(run.kills.size(), kKills.size());
  EXPECT_EQ(run.recoveries, kKills.size()) << "each restart replays the journal";
  // ~470 orders on a quiet machine; fewer under a sanitizer, where each restart takes longer
  // and the app's creates fail while the service is down.
  EXPECT_GT(live.orders.created, 150u);
  EXPECT_GT(live.orders.charged, 120u);
  EXPECT_GT(live.dropped.callbacks_lost, 25u);
  EXPECT_EQ(live.dropped.final, 0u);
  EXPECT_EQ(live.orders.paid, live.orders.charged);
  EXPECT_EQ(live.duplicates.unresolved, 0u);
  EXPECT_EQ(live.invariants.violations, 0u);
}

TEST(KillRestart, InMemoryRetriesLoseTheDropsTheSimulatorPredicts) {
  const KillRun run = live_with_kills("in_memory");
  const reports::Report& live = run.report;
  ASSERT_EQ(run.kills.size(), kKills.size());
  EXPECT_GT(live.dropped.final, 10u) << "the delay-message chains in flight died with the process";
  EXPECT_EQ(live.invariants.violations, 0u);

  // The simulator, told of the same crashes: the same number of drops within the noise.
  const TempFile sim_file("kill-restart-sim.yaml");
  std::string text = scenario_text("in_memory");
  text += "environment:\n  payment_service:\n    crashes:\n";
  for (const sim::Time at : run.kills) {
    text += "      - {at: " + std::to_string(at.us() / 1000) +
            "ms, restart_after: " + std::to_string(run.longest_down.us() / 1000 + 1) + "ms}\n";
  }
  std::ofstream(sim_file.path) << text;
  harness::LoadResult loaded = harness::load_scenario_file(sim_file.path);
  ASSERT_TRUE(loaded.ok()) << loaded.errors[0].to_string();
  const harness::RunOutcome sim = harness::run_scenario(*loaded.scenario);
  const double expected = static_cast<double>(sim.report.dropped.final);
  EXPECT_GT(expected, 10.0);
  // Drops are a sum of many rare independent events: Poisson-like, so within 5 sqrt of each
  // other (both counts noisy), plus the few orders whose fate differs by the kill's exact moment.
  std::printf("[kill-restart in_memory] the simulator with the same crashes: %.0f drops\n",
              expected);
  EXPECT_NEAR(static_cast<double>(live.dropped.final), expected, 5 * std::sqrt(2 * expected) + 5)
      << "live " << live.dropped.final << ", simulated " << expected;
}

}  // namespace
}  // namespace live::testing
