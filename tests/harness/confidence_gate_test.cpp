// Statistical gates (issue 18): an expectation written "< T at 95%" is judged over the scenario's
// replications, passing only when the confidence interval of the metric's mean lies on the
// passing side of T, failing when it lies on the other, inconclusive when it straddles T.
//
// The workload makes the metric's distribution known: Poisson arrivals at 2/s for 3 minutes,
// every user pays, every callback is lost with probability p and never re-sent, no compensation.
// Each order is then a drop independently with probability p (Poisson thinning), so dropped.final
// is Poisson with mean 360 p: 108 at p = 0.3 (sd 10.4), 162 at p = 0.45. With 10 replications
// the 95% interval of the mean is about ±7.5 wide: "< 130" passes at p = 0.3 whatever the seeds
// (a noise-only change), fails at p = 0.45 (a real regression), and "< 108" (the true mean)
// straddles.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "harness/run.h"
#include "harness/scenario_loader.h"

namespace harness {
namespace {

Scenario gated(const std::string& drop, const std::string& expect, uint64_t seed = 5,
               const std::string& replications = "10") {
  const std::string text = "name: gate\nseed: " + std::to_string(seed) +
                           "\nduration: 3m\ndrain: 2m\nreplications: " + replications +
                           "\ntraffic: {arrival: poisson, rate: 2/s}\n"
                           "user: {pay_probability: 1.0}\n"
                           "channels:\n  - name: wallet\n    callback: {drop_probability: " +
                           drop +
                           ", retries: []}\n"
                           "system: {compensation: {strategy: none}}\n"
                           "expect:\n  dropped.final: \"" +
                           expect + "\"\n  orders.created: \"> 0\"\n";
  LoadResult loaded = load_scenario_text(text, "gate.yaml");
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
  return *loaded.scenario;
}

const reports::ConfidenceVerdict& verdict_of(const RunOutcome& outcome) {
  const reports::Expectation& e = outcome.report.expect.at(0);
  EXPECT_TRUE(e.over_replications.has_value());
  return *e.over_replications;
}

using Verdict = reports::ConfidenceVerdict::Verdict;

TEST(ConfidenceGate, TheIntervalOfTheMeanCoversThePoissonMean) {
  const RunOutcome outcome = run_judged(gated("0.3", "< 130 at 95%"));
  const reports::ConfidenceVerdict& c = verdict_of(outcome);
  EXPECT_EQ(c.replications, 10u);
  EXPECT_DOUBLE_EQ(c.confidence, 0.95);
  EXPECT_LE(c.low, 108.0);
  EXPECT_GE(c.high, 108.0);
  // About 2.26 * 10.4 / sqrt(10) either side; a wrong quantile or a missing sqrt(n) is far off.
  EXPECT_GT(c.high - c.low, 8.0);
  EXPECT_LT(c.high - c.low, 25.0);
  // This run is replication 0: its value is the report's, the mean is over all ten.
  EXPECT_TRUE(outcome.report.expect.at(0).actual.has_value());
}

TEST(ConfidenceGate, ANoiseOnlyChangePassesEveryTimeAndARealRegressionFails) {
  // Other seeds: the same system, only the noise differs.
  for (const uint64_t seed : {5u, 6u, 7u, 8u}) {
    const RunOutcome same = run_judged(gated("0.3", "< 130 at 95%", seed));
    EXPECT_EQ(verdict_of(same).verdict, Verdict::kPass) << "seed " << seed;
    EXPECT_TRUE(same.expectations_passed);
    EXPECT_EQ(same.exit_code(), 0);
  }
  // A real regression: half again as many callbacks lost.
  const RunOutcome worse = run_judged(gated("0.45", "< 130 at 95%"));
  EXPECT_EQ(verdict_of(worse).verdict, Verdict::kFail);
  EXPECT_GT(verdict_of(worse).low, 130.0);
  EXPECT_FALSE(worse.report.expect.at(0).pass);
  EXPECT_EQ(worse.exit_code(), 1);
  // The same gate written on one run's value: a seed can flip it when the threshold is near.
  EXPECT_EQ(reports::verdict_word(worse.report.expect.at(0)), "FAIL");
}

TEST(ConfidenceGate, AThresholdAtTheTrueMeanIsInconclusiveAndDoesNotPass) {
  const RunOutcome outcome = run_judged(gated("0.3", "< 108 at 95%"));
  EXPECT_EQ(verdict_of(outcome).verdict, Verdict::kInconclusive);
  EXPECT_FALSE(outcome.report.expect.at(0).pass);
  EXPECT_EQ(reports::verdict_word(outcome.report.expect.at(0)), "INCONCLUSIVE");
  EXPECT_EQ(outcome.exit_code(), 1);
  // A higher confidence widens the interval: what passed at 80% need not pass at 99.9%.
  const reports::ConfidenceVerdict at80 = verdict_of(run_judged(gated("0.3", "< 130 at 80%")));
  const reports::ConfidenceVerdict at999 = verdict_of(run_judged(gated("0.3", "< 130 at 99.9%")));
  EXPECT_LT(at80.high - at80.low, at999.high - at999.low);
  EXPECT_DOUBLE_EQ(at80.mean, at999.mean);  // the same ten runs
}

TEST(ConfidenceGate, JudgeOnKnownValues) {
  Expectation below;
  below.metric = "dropped.final";
  below.op = CompareOp::kLt;
  below.threshold = 10;
  below.confidence = 0.95;
  // Mean 5, s = 1, n = 4: 5 ± 3.182 * 0.5 = [3.409, 6.591].
  const reports::ConfidenceVerdict c = judge(below, {4, 5, 6, 5});
  EXPECT_NEAR(c.mean, 5.0, 1e-12);
  EXPECT_NEAR(c.low, 5 - 3.182446 * std::sqrt(2.0 / 3.0) / 2, 1e-5);
  EXPECT_EQ(c.verdict, Verdict::kPass);
  below.threshold = 6;
  EXPECT_EQ(judge(below, {4, 5, 6, 5}).verdict, Verdict::kInconclusive);
  below.threshold = 3;
  EXPECT_EQ(judge(below, {4, 5, 6, 5}).verdict, Verdict::kFail);
  // Equal values: a zero-width interval, conclusive on either side; "<=" holds at the threshold.
  below.op = CompareOp::kLe;
  below.threshold = 5;
  EXPECT_EQ(judge(below, {5, 5, 5}).verdict, Verdict::kPass);
  below.op = CompareOp::kGt;
  EXPECT_EQ(judge(below, {5, 5, 5}).verdict, Verdict::kFail);
  // One value: no interval, never a pass.
  below.op = CompareOp::kLt;
  below.threshold = 100;
  EXPECT_EQ(judge(below, {5}).verdict, Verdict::kInconclusive);
}

TEST(ConfidenceGate, TheScenarioSaysWhatItMeansOrIsRefusedWhereItIsWritten) {
  const auto error_of = [](const std::string& expect, const std::string& replications) {
    const std::string text = "name: g\nreplications: " + replications +
                             "\nchannels: [{name: wallet}]\nexpect:\n  dropped.final: \"" + expect +
                             "\"\n";
    LoadResult loaded = load_scenario_text(text, "g.yaml");
    return loaded.ok() ? std::string() : loaded.errors.at(0).to_string();
  };
  EXPECT_EQ(error_of("< 5 at 95%", "5"), "");
  EXPECT_EQ(error_of(">= 0.5 at 99.9%", "2"), "");
  EXPECT_NE(error_of("== 5 at 95%", "5").find("a confidence needs <, <=, > or >="),
            std::string::npos);
  EXPECT_NE(error_of("< 5 at 101%", "5").find("(80% to 99.9%)"), std::string::npos);
  EXPECT_NE(error_of("< 5 at 95", "5").find("expected a confidence like"), std::string::npos);
  const std::string one = error_of("< 5 at 95%", "1");
  EXPECT_NE(one.find("g.yaml:5:3: expect:"), std::string::npos) << one;
  EXPECT_NE(one.find("set replications to 2 or more"), std::string::npos) << one;
}

}  // namespace
}  // namespace harness
