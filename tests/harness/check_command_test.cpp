// `paysim check` end to end, through the real binary: exit codes (0 all pass, 1 a failed
// expectation, 2 a scenario that does not load, even when others pass), one line per
// expectation naming metric, threshold and actual, every variant run, the JUnit file, and
// agreement with `paysim run` on the same scenario.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/reports/junit_shape.h"

namespace {

namespace fs = std::filesystem;

struct Result {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

Result paysim(const std::string& args) {
  Result result;
  const std::string command = std::string(PAYSIM_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// A tiny scenario: an ideal channel, a few hundred orders, a short drain.
std::string tiny(const std::string& expect, const std::string& extra = "") {
  return "name: tiny\nseed: 3\nduration: 2m\ndrain: 10m\ntraffic: {rate: 5/s}\n"
         "channels: [{name: wallet, preset: ideal}]\n" +
         extra + "expect:\n" + expect;
}

class CheckCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("paysim_check_test_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "nested");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  fs::path dir_;
};

TEST_F(CheckCommand, AllPassingExitsZeroAndPrintsEachExpectation) {
  write("a.yaml", tiny("  dropped.final: 0\n  orders.created: \"> 100\"\n"));
  write("nested/b.yml", tiny("  duplicates.unresolved: 0\n"));
  write("notes.txt", "not a scenario");
  const Result r = paysim("check " + dir_.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("PASS  dropped.final == 0  (actual 0)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("PASS  orders.created > 100  (actual "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("nested/b.yml"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("2 run(s) from 2 file(s): 2 passed"), std::string::npos) << r.output;
  // Files run in sorted order.
  EXPECT_LT(r.output.find("a.yaml"), r.output.find("nested/b.yml"));
}

// issue 17: `paysim check .` in a repository loaded .github/workflows/*.yml as scenarios.
TEST_F(CheckCommand, DirectorySearchSkipsHiddenDirectories) {
  write("a.yaml", tiny("  dropped.final: 0\n"));
  fs::create_directories(dir_ / ".github/workflows");
  write(".github/workflows/ci.yml", "on: push\njobs: {}\n");
  const Result r = paysim("check " + dir_.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find(".github"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("1 run(s) from 1 file(s)"), std::string::npos) << r.output;
  // Named on the command line, a hidden directory is searched like any other.
  EXPECT_EQ(paysim("check " + (dir_ / ".github").string()).exit_code, 2);
}

TEST_F(CheckCommand, FailedExpectationExitsOneAndWritesJunit) {
  const std::string file = write("fail.yaml", tiny("  orders.created: \"< 10\"\n"));
  const std::string junit = (dir_ / "junit.xml").string();
  const Result r = paysim("check --junit " + junit + " " + file);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("FAIL  orders.created < 10  (actual "), std::string::npos) << r.output;
  std::ifstream in(junit);
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("<testcase classname=\"tiny (seed 3, replication 0)\" "
                     "name=\"orders.created &lt; 10\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("message=\"orders.created = "), std::string::npos) << xml;
  EXPECT_NE(xml.find("expected &lt; 10"), std::string::npos) << xml;
  // run evaluates the same block the same way.
  EXPECT_EQ(paysim("run " + file).exit_code, 1);
}

// issue 18: "at 95%" judges the metric over the scenario's replications; a straddling interval is
// INCONCLUSIVE, not a pass, in the output, the JUnit file (type "inconclusive") and run's exit.
TEST_F(CheckCommand, AConfidenceExpectationIsJudgedOverTheReplications) {
  const std::string file =
      write("c.yaml", tiny("  orders.created: \"> 100 at 95%\"\n  sim.events: \"> 0 at 99%\"\n",
                           "replications: 5\n"));
  Result r = paysim("check " + file);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("PASS  orders.created > 100 at 95%  (mean "), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("95% interval ["), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("over 5 runs)"), std::string::npos) << r.output;
  // About 600 orders (5/s for 2 minutes): a threshold inside the interval straddles it.
  const std::string straddle =
      write("s.yaml", tiny("  orders.created: \"> 600 at 95%\"\n", "replications: 5\n"));
  const std::string junit = (dir_ / "junit.xml").string();
  r = paysim("check --junit " + junit + " " + straddle);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("INCONCLUSIVE  orders.created > 600 at 95%"), std::string::npos)
      << r.output;
  std::ifstream in(junit);
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("<failure type=\"inconclusive\""), std::string::npos) << xml;
  // run judges it the same way, and its report.json carries the verdict.
  r = paysim("run --out " + (dir_ / "out").string() + " " + straddle);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  std::ifstream report_in(dir_ / "out" / "report.json");
  const nlohmann::json report = nlohmann::json::parse(report_in);
  const nlohmann::json& e = report["expect"][0];
  EXPECT_EQ(e["verdict"], "inconclusive") << e.dump();
  EXPECT_EQ(e["replications"], 5);
  EXPECT_LT(e["ci_low"].get<double>(), 600);
  EXPECT_GT(e["ci_high"].get<double>(), 600);
}

TEST_F(CheckCommand, EveryVariantRunsWithItsOwnExpectations) {
  const std::string file = write(
      "v.yaml", tiny("  orders.created: \"> 100\"\n",
                     "variants:\n  - {name: strict, set: {expect.orders.created: \"> 1000000\"}}\n"
                     "  - {name: same, set: {seed: 4}}\n"));
  const Result r = paysim("check -j 2 " + file);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("PASS  " + file + "  ("), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("FAIL  " + file + " [strict]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("PASS  " + file + " [same]"), std::string::npos) << r.output;
  EXPECT_EQ(paysim("run --variant strict " + file).exit_code, 1);
  EXPECT_EQ(paysim("run --variant same " + file).exit_code, 0);
}

// issue 17: a suite per scenario and variant, named with its seed, carrying the properties CI
// shows (seed, variant, replication, the build as --version prints it) and a time per testcase;
// read back as JUnit, with every count consistent.
TEST_F(CheckCommand, JunitHasASuitePerScenarioAndVariantWithProperties) {
  const std::string file = write(
      "v.yaml", tiny("  orders.created: \"> 100\"\n",
                     "variants:\n  - {name: strict, set: {expect.orders.created: \"> 1000000\"}}\n"
                     "  - {name: reseeded, set: {seed: 4}}\n"));
  const std::string junit = (dir_ / "junit.xml").string();
  EXPECT_EQ(paysim("check -j 2 --junit " + junit + " " + file).exit_code, 1);
  std::ifstream in(junit);
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const reports::testing::JunitFile parsed = reports::testing::read_junit(xml);
  ASSERT_TRUE(parsed.problems.empty()) << ::testing::PrintToString(parsed.problems) << xml;
  EXPECT_EQ(parsed.tests, 6u);
  EXPECT_EQ(parsed.failures, 1u);
  EXPECT_EQ(parsed.errors, 0u);
  ASSERT_EQ(parsed.suites.size(), 3u);
  EXPECT_EQ(parsed.suites[0].name, "tiny (seed 3, replication 0)");
  EXPECT_EQ(parsed.suites[1].name, "tiny/strict (seed 3, replication 0)");
  EXPECT_EQ(parsed.suites[2].name, "tiny/reseeded (seed 4, replication 0)");
  std::string version = paysim("--version").output;
  while (!version.empty() && version.back() == '\n') version.pop_back();
  ASSERT_EQ(version.rfind("paysim ", 0), 0u) << version;
  const char* variants[] = {"", "strict", "reseeded"};
  for (std::size_t i = 0; i < 3; ++i) {
    const reports::testing::JunitSuite& suite = parsed.suites[i];
    EXPECT_EQ(suite.properties.at("variant"), variants[i]);
    EXPECT_EQ(suite.properties.at("seed"), i == 2 ? "4" : "3");
    EXPECT_EQ(suite.properties.at("replication"), "0");
    EXPECT_EQ(suite.properties.at("paysim_version"), version);
    ASSERT_EQ(suite.cases.size(), 2u);
    EXPECT_GT(suite.cases[1].time_s, 0.0) << "invariants carries the run's wall time";
  }
  EXPECT_EQ(parsed.suites[1].cases[0].outcome, "failure");
}

TEST_F(CheckCommand, LoadErrorsAreAllReportedAndExitTwo) {
  write("good.yaml", tiny("  dropped.final: 0\n"));
  write("bad1.yaml", "channels: [{name: a, colour: red}]\n");
  write("bad2.yaml", "channels: [{name: a}]\nsystem: {compensation: {strategy: pollling}}\n");
  const Result r = paysim("check " + dir_.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("bad1.yaml:1:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("bad2.yaml:2:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("PASS  dropped.final == 0"), std::string::npos) << r.output;  // still ran
  EXPECT_EQ(paysim("check " + (dir_ / "missing.yaml").string()).exit_code, 2);
}

// Regression (issue 12): `expect` on a metric that does not exist passed `validate` and failed the
// run with exit 1; it is a scenario error (exit 2) wherever the expectation comes from.
TEST_F(CheckCommand, UnknownMetricIsAScenarioErrorEverywhere) {
  const std::string file = write("typo.yaml", tiny("  dropped.final: 0\n  dropped.finale: 0\n"));
  const std::string located =
      file +
      ":9:3: expect.dropped.finale: unknown metric 'dropped.finale' (did you mean "
      "'dropped.final'?)";
  for (const char* command : {"validate ", "run ", "check ", "compare "}) {
    const Result r = paysim(command + file);
    EXPECT_EQ(r.exit_code, 2) << command << r.output;
    EXPECT_NE(r.output.find(located), std::string::npos) << command << r.output;
  }
  const std::string good = write("good.yaml", tiny("  dropped.final: 0\n"));
  const Result set = paysim("run --set expect.latency.charge_to_paid_ms.p95=1 " + good);
  EXPECT_EQ(set.exit_code, 2) << set.output;
  EXPECT_NE(set.output.find("--set: expect.latency.charge_to_paid_ms.p95: unknown metric"),
            std::string::npos)
      << set.output;
  const std::string variant = write(
      "variant.yaml", tiny("  dropped.final: 0\n",
                           "variants:\n  - name: v\n    set:\n      expect.dropped.finale: 0\n"));
  const Result validate = paysim("validate " + variant);
  EXPECT_EQ(validate.exit_code, 2) << validate.output;
  EXPECT_NE(validate.output.find(variant + ":10:7: expect.dropped.finale: unknown metric"),
            std::string::npos)
      << validate.output;
}

// `!=` is documented in docs/report-format.md and reports/report.h; the loader accepts it and a
// run evaluates it.
TEST_F(CheckCommand, NotEqualExpectationsRunEndToEnd) {
  const std::string file =
      write("ne.yaml", tiny("  orders.created: \"!= 0\"\n  dropped.final: \"!= 0\"\n"));
  const fs::path out = dir_ / "out";
  const Result r = paysim("run --out " + out.string() + " --format json " + file);
  EXPECT_EQ(r.exit_code, 1) << r.output;  // dropped.final is 0 on an ideal channel
  std::ifstream in(out / "report.json");
  const nlohmann::json report = nlohmann::json::parse(in);
  ASSERT_EQ(report["expect"].size(), 2u);
  EXPECT_EQ(report["expect"][0]["metric"], "orders.created");
  EXPECT_EQ(report["expect"][0]["op"], "!=");
  EXPECT_EQ(report["expect"][0]["pass"], true);
  EXPECT_EQ(report["expect"][1]["op"], "!=");
  EXPECT_EQ(report["expect"][1]["actual"], 0);
  EXPECT_EQ(report["expect"][1]["pass"], false);
  const Result check = paysim("check " + file);
  EXPECT_NE(check.output.find("PASS  orders.created != 0"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("FAIL  dropped.final != 0  (actual 0)"), std::string::npos)
      << check.output;
}

TEST_F(CheckCommand, NoExpectBlockPassesOnInvariants) {
  const std::string file = write(
      "plain.yaml", "name: plain\nduration: 1m\ndrain: 5m\nchannels: [{name: w, preset: ideal}]\n");
  const Result r = paysim("check " + file);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("PASS  invariants hold"), std::string::npos) << r.output;
}

}  // namespace
