// `check --baseline`: a gate that passes a change of the random draws alone and fails a real
// regression (issue 18, statistical gates).
//
// The design under test loses 30% of callbacks and recovers them by polling. The baseline is 8
// replications. A "noise-only change" is emulated the way one reaches CI: the same design, but
// every random draw different (a refactor that re-orders draws) — the runs are made with other
// seeds and labelled with the baseline's, so the pairs share nothing but the design. A "real
// regression" is the same seeds with polling four times slower: every pair shares users and
// faults, and the difference is the design's.
#include "harness/baseline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli_support.h"
#include "harness/run.h"
#include "harness/sweep.h"
#include "test_scenarios.h"

namespace harness {
namespace {

using sim::Distribution;
using sim::Duration;

constexpr std::size_t kReplications = 8;

Scenario lossy_polling(Duration poll_interval) {
  Scenario s = testing::minimal_scenario(5, Duration::minutes(10));
  s.name = "lossy-polling";
  s.user.pay_delay = Distribution::exponential(Duration::seconds(8));
  s.channels[0].callback.drop_probability = 0.3;
  s.channels[0].callback.delay = Distribution::exponential(Duration::seconds(1));
  s.system.compensation.strategy = sut::Strategy::kPolling;
  s.system.compensation.polling.interval = poll_interval;
  return s;
}

// The scenario's replications, run with `run_seed(r)` and labelled with the seeds of `labels`.
BaselineRuns runs(const Scenario& scenario, std::uint64_t run_seed_base, std::uint64_t label_seed) {
  std::vector<reports::Report> reports;
  std::vector<std::uint64_t> seeds;
  for (std::size_t r = 0; r < kReplications; ++r) {
    Scenario replica = scenario;
    replica.seed = r == 0 ? run_seed_base : replication_seed(run_seed_base, r);
    reports.push_back(run_scenario(replica).report);
    seeds.push_back(r == 0 ? label_seed : replication_seed(label_seed, r));
  }
  std::vector<const reports::Report*> pointers;
  for (const reports::Report& r : reports) pointers.push_back(&r);
  return baseline_runs(scenario.name, scenario.variant, seeds, pointers);
}

bool moved(const BaselineComparison& c, std::string_view path) {
  return std::any_of(c.moved.begin(), c.moved.end(),
                     [&](const MetricMove& m) { return m.path == path; });
}

class BaselineGate : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    base_ = new BaselineRuns(runs(lossy_polling(Duration::seconds(30)), 7, 7));
  }
  static void TearDownTestSuite() { delete base_; }
  static BaselineRuns* base_;
};
BaselineRuns* BaselineGate::base_ = nullptr;

TEST_F(BaselineGate, TheSameCodeMovesNothing) {
  const BaselineComparison c =
      compare_with_baseline(base_, runs(lossy_polling(Duration::seconds(30)), 7, 7), {});
  EXPECT_EQ(c.status, BaselineComparison::Status::kCompared);
  EXPECT_EQ(c.pairs, kReplications);
  EXPECT_GT(c.metrics, 50u);
  EXPECT_TRUE(c.moved.empty());
  EXPECT_FALSE(c.failed(FailOn::kAny));
}

// Five independent redraws: none fails, under either rule. Without the Bonferroni correction
// (each metric at 95%) or without the significance test (tolerance alone), some of these fail:
// small counts such as drops by cause move by far more than 5% from luck alone.
TEST_F(BaselineGate, ANoiseOnlyChangePasses) {
  for (std::uint64_t redraw = 1; redraw <= 5; ++redraw) {
    SCOPED_TRACE("redraw " + std::to_string(redraw));
    const BaselineComparison c = compare_with_baseline(
        base_, runs(lossy_polling(Duration::seconds(30)), 1000 + redraw, 7), {});
    EXPECT_EQ(c.pairs, kReplications);
    for (const MetricMove& m : c.moved) ADD_FAILURE() << "moved: " << m.path;
    EXPECT_FALSE(c.failed(FailOn::kAny));
  }
}

TEST_F(BaselineGate, ARealRegressionFailsAndNamesTheMetric) {
  const BaselineComparison c =
      compare_with_baseline(base_, runs(lossy_polling(Duration::seconds(120)), 7, 7), {});
  EXPECT_TRUE(c.failed(FailOn::kWorse));
  ASSERT_TRUE(moved(c, "latency.charge_to_paid_ms.mean"));
  for (const MetricMove& m : c.moved) {
    if (m.path != "latency.charge_to_paid_ms.mean") continue;
    EXPECT_EQ(m.kind, MetricMove::Kind::kWorse);
    ASSERT_TRUE(m.difference.low.has_value());
    EXPECT_GT(*m.difference.low, 0.0);  // the whole interval is a slowdown
  }
  const std::vector<std::string> lines = baseline_lines(c, FailOn::kWorse);
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines[0].find("FAIL  baseline:"), std::string::npos) << lines[0];
}

// Fewer callbacks lost: faster and cheaper at once. (Faster polling is not an improvement only:
// it buys latency with channel queries, and the gate says so.)
TEST_F(BaselineGate, AnImprovementFailsOnlyWithFailOnAny) {
  Scenario fewer_losses = lossy_polling(Duration::seconds(30));
  fewer_losses.channels[0].callback.drop_probability = 0.1;
  const BaselineComparison c = compare_with_baseline(base_, runs(fewer_losses, 7, 7), {});
  ASSERT_TRUE(moved(c, "latency.charge_to_paid_ms.mean"));
  for (const MetricMove& m : c.moved) EXPECT_NE(m.kind, MetricMove::Kind::kWorse) << m.path;
  EXPECT_FALSE(c.failed(FailOn::kWorse));
  EXPECT_TRUE(c.failed(FailOn::kAny));
}

TEST_F(BaselineGate, TheToleranceAbsorbsASmallRealChange) {
  // 30 s -> 35 s polling is a real, consistently paired slowdown of a few seconds; a 50% tolerance
  // says the team does not care about that much.
  const BaselineRuns slower = runs(lossy_polling(Duration::seconds(35)), 7, 7);
  EXPECT_TRUE(moved(compare_with_baseline(base_, slower, {}), "latency.charge_to_paid_ms.mean"));
  const BaselineComparison tolerant = compare_with_baseline(base_, slower, {0.5, 0.0});
  EXPECT_FALSE(moved(tolerant, "latency.charge_to_paid_ms.mean"));
}

TEST_F(BaselineGate, OtherSeedsCannotBePairedAndFail) {
  BaselineRuns other = *base_;
  other.seeds[0] += 1;
  const BaselineComparison c = compare_with_baseline(base_, other, {});
  EXPECT_EQ(c.status, BaselineComparison::Status::kSeedMismatch);
  EXPECT_TRUE(c.failed(FailOn::kWorse));
  // A scenario the baseline lacks is new, not failed.
  const BaselineComparison none = compare_with_baseline(nullptr, *base_, {});
  EXPECT_EQ(none.status, BaselineComparison::Status::kNoBaseline);
  EXPECT_FALSE(none.failed(FailOn::kAny));
}

TEST_F(BaselineGate, SavedAndLoadedBackUnchanged) {
  const std::filesystem::path dir = testing::fresh_dir("baseline_roundtrip");
  BaselineRuns variant = *base_;
  variant.variant = "slow/er";  // not a file name: the file is named safely, the key kept
  std::string error;
  ASSERT_TRUE(save_baseline(dir, {*base_, variant}, "paysim test", &error)) << error;
  const std::optional<Baseline> loaded = load_baseline(dir, &error);
  ASSERT_TRUE(loaded) << error;
  EXPECT_EQ(loaded->build, "paysim test");
  const BaselineRuns* back = loaded->find("lossy-polling", "slow/er");
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->seeds, base_->seeds);
  const BaselineComparison c = compare_with_baseline(back, *base_, {});
  EXPECT_EQ(c.pairs, kReplications);
  EXPECT_TRUE(c.moved.empty());
  EXPECT_EQ(loaded->find("lossy-polling", "nope"), nullptr);

  // Damaged: a missing run file and a foreign index are errors naming the file.
  std::filesystem::remove(dir / "000-lossy-polling.json");
  EXPECT_FALSE(load_baseline(dir, &error));
  EXPECT_NE(error.find("000-lossy-polling.json"), std::string::npos) << error;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "baseline.json") << R"({"schema": "something/else"})";
  EXPECT_FALSE(load_baseline(dir, &error));
  EXPECT_NE(error.find("schema"), std::string::npos) << error;
}

// The command end to end: save, check the same files (pass), then a slower design in the same
// file (fail, exit 1, the metric named), and an unreadable baseline (exit 2).
TEST(CheckBaselineCommand, SavesComparesAndFailsARegression) {
  const std::filesystem::path dir = testing::fresh_dir("check_baseline");
  std::filesystem::create_directories(dir / "lib");
  const std::string scenario = (dir / "lib" / "s.yaml").string();
  const auto write = [&](const std::string& interval) {
    std::ofstream(scenario) << "name: lossy\nseed: 3\nduration: 10m\ndrain: 2h\n"
                               "traffic: {arrival: poisson, rate: 5/s}\n"
                               "user: {pay_probability: 1, pay_delay: {dist: exponential, mean: "
                               "8s}}\n"
                               "channels:\n  - name: w\n    callback: {drop_probability: 0.3}\n"
                               "system:\n  compensation: {strategy: polling, polling: {interval: "
                            << interval << "}}\n";
  };
  write("30s");
  const std::string baseline = (dir / "base").string();
  testing::Output saved = testing::paysim_output(
      "check --replications 6 --save-baseline " + baseline + " " + scenario, "save");
  ASSERT_EQ(saved.exit_code, 0) << saved.out << saved.err;
  EXPECT_NE(saved.out.find("baseline saved to"), std::string::npos) << saved.out;

  testing::Output same = testing::paysim_output(
      "check --replications 6 --baseline " + baseline + " " + scenario, "same");
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  EXPECT_NE(same.out.find("PASS  baseline: 0 of"), std::string::npos) << same.out;

  write("150s");
  const std::string junit = (dir / "junit.xml").string();
  testing::Output slower = testing::paysim_output(
      "check --replications 6 --junit " + junit + " --baseline " + baseline + " " + scenario,
      "slower");
  EXPECT_EQ(slower.exit_code, 1) << slower.out << slower.err;
  EXPECT_NE(slower.out.find("worse latency.charge_to_paid_ms.mean"), std::string::npos)
      << slower.out;
  const std::string xml = testing::read(junit);
  EXPECT_NE(xml.find("name=\"baseline\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure type=\"baseline\" message=\"FAIL  baseline:"), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("worse latency.charge_to_paid_ms.mean"), std::string::npos) << xml;
  // Absorbed by a tolerance the team chose.
  testing::Output tolerant = testing::paysim_output(
      "check --replications 6 --tolerance 1000% --baseline " + baseline + " " + scenario,
      "tolerant");
  EXPECT_EQ(tolerant.exit_code, 0) << tolerant.out << tolerant.err;

  testing::Output missing = testing::paysim_output(
      "check --baseline " + (dir / "nowhere").string() + " " + scenario, "missing");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot read the baseline"), std::string::npos) << missing.err;
  testing::Output bad_tolerance = testing::paysim_output(
      "check --tolerance lots --baseline " + baseline + " " + scenario, "bad_tolerance");
  EXPECT_EQ(bad_tolerance.exit_code, 2);
  EXPECT_NE(bad_tolerance.err.find("--tolerance"), std::string::npos) << bad_tolerance.err;
}

}  // namespace
}  // namespace harness
