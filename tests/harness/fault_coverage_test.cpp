// Fault-space coverage (harness/fault_coverage.h, `paysim coverage`): every fault the matrix
// lists is reported by its component under the listed name; the matrix's counts agree with the
// channel's own counters (an independent tally of the same faults); a fault lands in the state
// the scenario forces (every lost callback finds a charged order whose records say PAYING, a
// crash while creates are slow finds payments inserted but not answered); no count lands in a
// cell declared unreachable; a scenario added to a library fills the cells it exercises.
#include "harness/fault_coverage.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "harness/scenario_library.h"
#include "harness/scenario_loader.h"
#include "harness/world.h"
#include "tests/harness/cli_support.h"

namespace harness {
namespace {

namespace fs = std::filesystem;
using testing::fresh_dir;
using testing::Output;
using testing::paysim_output;

// Every fault of the environment switched on, with intensities high enough that each strikes in
// a short run: duplicate payments (repeat clicks, both QR codes paid) refunded through refunds
// that complete later, fail and send notices; lost create answers retried; a channel outage, a
// payment-service crash and an order-service outage.
constexpr const char* kEveryFault = R"(name: every-fault
seed: 11
duration: 10m
drain: 3h
traffic: {arrival: poisson, rate: 10/s}
user:
  pay_probability: 0.9
  repeat_click_probability: 0.3
  repeat_click_gap: {dist: uniform, min: 1ms, max: 300ms}
  pay_both_probability: 0.5
channels:
  - name: wallet
    preset: wechat-pay-like
    create_reply_loss_probability: 0.05
    double_charge_probability: 0.05
    callback: {drop_probability: 0.3, duplicate_probability: 0.2, reorder_probability: 0.2}
    query: {failure_probability: 0.2, stale_probability: 0.2}
    refund:
      failure_probability: 0.2
      completion_delay: {dist: exponential, mean: 1m}
      completion_failure_probability: 0.2
      notify: true
      notify_drop_probability: 0.3
    outages: [{start: 3m, duration: 30s}]
system:
  compensation:
    strategy: delay_message
    delay_message: {schedule: [10s, 30s, 60s, 120s, 300s]}
  dedup: {order_lock: true, refund_duplicates: true}
  refund: {on_accepted: confirm}
  create_retry: {retries: 2}
  client: {push: {enabled: true}}
environment:
  payment_service:
    crashes: [{at: 5m, restart_after: 30s}]
    lock_stall_probability: 0.1
    lock_stall: 1s
  order_service:
    notify_failure_probability: 0.2
    outages: [{start: 6m, duration: 30s}]
  mq: {loss_probability: 0.1}
  push: {loss_probability: 0.3}
)";

Scenario load(const std::string& yaml) {
  LoadResult loaded = load_scenario_text(yaml, "test.yaml");
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors.front().message);
  return loaded.ok() ? *loaded.scenario : Scenario{};
}

size_t row(std::string_view name) {
  const std::optional<size_t> r = fault_row(sim::FaultTap::fault(name));
  EXPECT_TRUE(r.has_value()) << name;
  return r.value_or(0);
}

// Runs `scenario` with the tap installed, keeping the world for its channel's counters.
struct TappedRun {
  explicit TappedRun(const Scenario& scenario) : world(scenario, nullptr, &coverage) {
    world.set_fault_tap(&coverage);
    world.run();
  }
  FaultCoverage coverage;
  World world;
};

TEST(FaultCoverage, EveryListedFaultIsReportedByItsComponentUnderItsName) {
  const CoverageMatrix m = run_with_coverage(load(kEveryFault));
  EXPECT_EQ(m.unknown_faults(), 0u);
  for (size_t f = 0; f < kFaultKindCount; ++f) {
    EXPECT_GT(m.total(f), 0u) << kFaultKinds[f].name << " never struck (" << kFaultKinds[f].keys
                              << " is on)";
  }
}

TEST(FaultCoverage, NoStrikeLandsInACellDeclaredUnreachable) {
  const CoverageMatrix m = run_with_coverage(load(kEveryFault));
  for (size_t f = 0; f < kFaultKindCount; ++f) {
    for (size_t p = 0; p < kOrderPhaseCount; ++p) {
      const auto phase = static_cast<OrderPhase>(p);
      if (!CoverageMatrix::reachable(f, phase)) {
        EXPECT_EQ(m.count(f, phase), 0u) << kFaultKinds[f].name << " in " << to_string(phase);
      }
    }
  }
}

TEST(FaultCoverage, ChannelRowsAgreeWithTheChannelsOwnCounters) {
  TappedRun run(load(kEveryFault));
  const CoverageMatrix& m = run.coverage.matrix();
  const channels::ChannelStats& s = run.world.channel(0).stats();
  EXPECT_EQ(m.total(row("channel.callback.dropped")), s.callbacks_dropped);
  EXPECT_EQ(m.total(row("channel.query.failed")), s.queries_failed);
  EXPECT_EQ(m.total(row("channel.query.stale")), s.queries_stale);
  EXPECT_EQ(m.total(row("channel.double_charge")), s.double_charges);
  EXPECT_EQ(m.total(row("channel.create.reply_lost")), s.create_replies_lost);
  EXPECT_EQ(m.total(row("channel.refund.notice_dropped")), s.refund_notices_dropped);
  EXPECT_EQ(m.total(row("channel.outage")), s.calls_during_outage + s.callbacks_blocked);
  EXPECT_GT(s.callbacks_dropped, 0u);
  EXPECT_GT(s.calls_during_outage + s.callbacks_blocked, 0u);
}

// Callbacks are lost (every attempt, no re-send) and nothing re-queries: each loss strikes an
// order whose user has paid while the records still say PAYING — the drop window, and only it.
TEST(FaultCoverage, ALostCallbackFindsTheUserChargedAndTheRecordsPaying) {
  const CoverageMatrix m = run_with_coverage(load(R"(name: lost
seed: 3
duration: 5m
traffic: {arrival: poisson, rate: 5/s}
channels:
  - name: wallet
    callback: {drop_probability: 1, retries: []}
)"));
  const size_t dropped = row("channel.callback.dropped");
  EXPECT_GT(m.total(dropped), 100u);
  EXPECT_EQ(m.count(dropped, OrderPhase::kCharged), m.total(dropped));
}

// The channel takes 30 s to answer a create; the payment service crashes at 2m: the orders whose
// payment was inserted and whose create is unanswered are struck in `inserted`.
TEST(FaultCoverage, ACrashWhileCreatesAreSlowFindsPaymentsInsertedButNotAnswered) {
  const CoverageMatrix m = run_with_coverage(load(R"(name: slow-create-crash
seed: 5
duration: 4m
traffic: {arrival: poisson, rate: 5/s}
channels:
  - name: wallet
    accept_latency: 30s
    timeout: 60s
environment:
  payment_service: {crashes: [{at: 2m, restart_after: 10s}]}
)"));
  const size_t crash = row("payment.crash");
  // About 5/s x 30 s of creates in flight at the crash.
  EXPECT_GT(m.count(crash, OrderPhase::kInserted), 50u);
  EXPECT_EQ(m.total(row("channel.callback.dropped")), 0u);
}

TEST(FaultCoverage, TheMatrixIsTheSameOnEveryRun) {
  const Scenario s = load(kEveryFault);
  EXPECT_EQ(coverage_json(run_with_coverage(s), 1, 1), coverage_json(run_with_coverage(s), 1, 1));
}

// The use the command is for: a library that never crashes the payment service lists the crash
// among the faults never struck; a scenario added with a crash fills its cells.
TEST(FaultCoverage, AScenarioAddedToTheLibraryFillsTheCellsItExercises) {
  const fs::path dir = fresh_dir("fault-coverage-library");
  fs::create_directories(dir);
  std::ofstream(dir / "a-lost-callbacks.yaml") << R"(name: a
duration: 2m
traffic: {rate: 5/s}
channels: [{name: wallet, callback: {drop_probability: 0.5}}]
)";
  const auto table_of = [&] {
    std::vector<std::string> errors;
    bool failed = false;
    const std::vector<std::string> files = collect_scenario_files({dir.string()}, errors);
    const std::vector<LibraryRun> runs = load_library_runs(files, failed);
    EXPECT_TRUE(errors.empty());
    EXPECT_FALSE(failed);
    CoverageMatrix m;
    for (const LibraryRun& r : runs) m.merge(run_with_coverage(r.scenario));
    return std::pair{m, coverage_table(m, runs.size(), files.size())};
  };
  // The table's paragraph that lists the faults never struck ("" when there is none).
  const auto never_struck = [](const std::string& table) {
    const size_t at = table.find("faults never struck");
    return at == std::string::npos ? std::string() : table.substr(at, table.find("\n\n", at) - at);
  };
  const auto [before, before_table] = table_of();
  EXPECT_EQ(before.total(row("payment.crash")), 0u);
  EXPECT_NE(never_struck(before_table).find("payment.crash"), std::string::npos) << before_table;

  std::ofstream(dir / "b-crash.yaml") << R"(name: b
duration: 2m
traffic: {rate: 5/s}
channels: [{name: wallet, accept_latency: 10s}]
environment: {payment_service: {crashes: [{at: 1m, restart_after: 10s}]}}
)";
  const auto [after, after_table] = table_of();
  EXPECT_GT(after.count(row("payment.crash"), OrderPhase::kInserted), 0u);
  EXPECT_EQ(never_struck(after_table).find("payment.crash"), std::string::npos) << after_table;
  // The first scenario's cells are still counted: the library's matrix is the sum of its runs.
  EXPECT_EQ(after.total(row("channel.callback.dropped")),
            before.total(row("channel.callback.dropped")));
}

TEST(FaultCoverage, CommandPrintsTheMatrixAndRefusesAFileThatDoesNotLoad) {
  const fs::path dir = fresh_dir("fault-coverage-command");
  fs::create_directories(dir);
  std::ofstream(dir / "ok.yaml") << "name: ok\nduration: 1m\ntraffic: {rate: 2/s}\n"
                                    "channels: [{name: w, callback: {drop_probability: 0.5}}]\n";
  const Output table = paysim_output("coverage " + dir.string(), "coverage-table");
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("channel.callback.dropped"), std::string::npos);
  EXPECT_NE(table.out.find("reachable cells hit"), std::string::npos);

  const Output json = paysim_output("coverage --format json " + dir.string(), "coverage-json");
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("\"never_hit\""), std::string::npos);

  const fs::path out = dir / "coverage.json";
  const Output written = paysim_output(
      "coverage --format json --out " + out.string() + " " + (dir / "ok.yaml").string(), "written");
  EXPECT_EQ(written.exit_code, 0) << written.err;
  EXPECT_TRUE(fs::exists(out));

  std::ofstream(dir / "bad.yaml") << "name: bad\nduration: soon\n";
  const Output bad = paysim_output("coverage " + dir.string(), "coverage-bad");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad.yaml:2:"), std::string::npos) << bad.err;
  EXPECT_TRUE(bad.out.empty()) << bad.out;
}

}  // namespace
}  // namespace harness
