#include "harness/run.h"

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "harness/sweep.h"
#include "harness/world.h"
#include "reports/statistics.h"

namespace harness {

std::string_view to_string(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "==";
    case CompareOp::kNe:
      return "!=";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
  }
  return "?";
}

namespace {
// == and != allow a relative 1e-9 so that a threshold written in decimal matches a rounded value.
bool nearly_equal(double actual, double threshold) {
  return std::fabs(actual - threshold) <= 1e-9 * std::max(1.0, std::fabs(threshold));
}

bool compare(double actual, CompareOp op, double threshold) {
  switch (op) {
    case CompareOp::kEq:
      return nearly_equal(actual, threshold);
    case CompareOp::kNe:
      return !nearly_equal(actual, threshold);
    case CompareOp::kLt:
      return actual < threshold;
    case CompareOp::kLe:
      return actual <= threshold;
    case CompareOp::kGt:
      return actual > threshold;
    case CompareOp::kGe:
      return actual >= threshold;
  }
  return false;
}
}  // namespace

bool evaluate_expectations(const std::vector<Expectation>& expectations, reports::Report& report) {
  report.expect.clear();
  if (expectations.empty()) return true;
  const nlohmann::ordered_json json = reports::to_json(report);
  bool all = true;
  for (const Expectation& e : expectations) {
    reports::Expectation result;
    result.metric = e.metric;
    result.op = std::string(to_string(e.op));
    result.threshold = e.threshold;
    result.actual = reports::metric_value(json, e.metric);
    result.pass = result.actual.has_value() && compare(*result.actual, e.op, e.threshold);
    all = all && result.pass;
    report.expect.push_back(std::move(result));
  }
  return all;
}

RunOutcome run_scenario(const Scenario& scenario, sim::Tracer* tracer,
                        const std::function<void(sim::Time)>& on_minute) {
  // The wall clock measures the harness, never the model: it only fills sim.wall_ms.
  const auto started = std::chrono::steady_clock::now();
  RunOutcome outcome;
  {
    World world(scenario, tracer);
    outcome.report = world.run(on_minute);
  }
  outcome.report.sim.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  outcome.invariants_held = outcome.report.invariants.violations == 0;
  outcome.expectations_passed = evaluate_expectations(scenario.expect, outcome.report);
  return outcome;
}

reports::ConfidenceVerdict judge(const Expectation& e, const std::vector<double>& values) {
  using Verdict = reports::ConfidenceVerdict::Verdict;
  reports::ConfidenceVerdict out;
  out.confidence = e.confidence;
  const reports::MeanInterval interval = reports::mean_interval(values, e.confidence);
  out.replications = interval.n;
  out.mean = interval.mean;
  out.low = interval.low.value_or(interval.mean);
  out.high = interval.high.value_or(interval.mean);
  if (interval.n < 2) return out;  // inconclusive: no interval
  // Whether the whole interval passes, and whether the whole interval fails.
  if (compare(out.low, e.op, e.threshold) && compare(out.high, e.op, e.threshold)) {
    out.verdict = Verdict::kPass;
  } else if (!compare(out.low, e.op, e.threshold) && !compare(out.high, e.op, e.threshold)) {
    out.verdict = Verdict::kFail;
  }
  return out;
}

RunOutcome run_judged(const Scenario& scenario, sim::Tracer* tracer,
                      const std::function<void(sim::Time)>& on_minute,
                      const std::function<void(size_t)>& on_replication,
                      std::vector<reports::Report>* replications) {
  RunOutcome outcome = run_scenario(scenario, tracer, on_minute);
  std::vector<size_t> judged;  // indexes into scenario.expect (= report.expect)
  for (size_t i = 0; i < scenario.expect.size(); ++i) {
    if (scenario.expect[i].confidence > 0) judged.push_back(i);
  }
  if (judged.empty() && replications == nullptr) return outcome;
  // values[k]: the metric of judged[k] in each replication that has it.
  std::vector<std::vector<double>> values(judged.size());
  std::vector<bool> missing(judged.size(), false);
  const auto collect = [&](const reports::Report& report) {
    const nlohmann::ordered_json json = reports::to_json(report);
    for (size_t k = 0; k < judged.size(); ++k) {
      const std::optional<double> v =
          reports::metric_value(json, scenario.expect[judged[k]].metric);
      if (v) values[k].push_back(*v);
      if (!v) missing[k] = true;
    }
  };
  collect(outcome.report);
  for (size_t r = 1; r < static_cast<size_t>(scenario.replications); ++r) {
    if (on_replication) on_replication(r);
    Scenario replica = scenario;
    replica.seed = replication_seed(scenario.seed, r);
    RunOutcome run = run_scenario(replica);
    collect(run.report);
    // A broken invariant in any replication is a finding: named in the report that is written.
    if (!run.invariants_held) {
      outcome.invariants_held = false;
      outcome.report.invariants.record(
          {0, "replication", 0,
           "replication " + std::to_string(r) + " (seed " + std::to_string(replica.seed) +
               ") broke " + std::to_string(run.report.invariants.violations) +
               " invariant(s): paysim run --seed " + std::to_string(replica.seed)});
    }
    if (replications != nullptr) replications->push_back(std::move(run.report));
  }
  if (judged.empty()) return outcome;
  outcome.expectations_passed = true;
  for (size_t k = 0; k < judged.size(); ++k) {
    reports::Expectation& result = outcome.report.expect[judged[k]];
    result.over_replications = judge(scenario.expect[judged[k]], values[k]);
    result.pass = !missing[k] &&
                  result.over_replications->verdict == reports::ConfidenceVerdict::Verdict::kPass;
  }
  for (const reports::Expectation& e : outcome.report.expect)
    outcome.expectations_passed = outcome.expectations_passed && e.pass;
  return outcome;
}

}  // namespace harness
