#include "harness/run.h"

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "harness/world.h"

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

}  // namespace harness
