// Running a scenario: the world, the clock on the wall, and the expectations.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "harness/scenario.h"
#include "reports/report.h"
#include "sim/trace.h"

namespace harness {

struct RunOutcome {
  reports::Report report;
  bool expectations_passed = true;
  bool invariants_held = true;
  // 0 all well, 1 an expectation failed or an invariant was violated (SPEC section 5).
  int exit_code() const { return expectations_passed && invariants_held ? 0 : 1; }
};

// Runs one (already loaded and validated) scenario to the end and evaluates its expect block.
// `on_minute`: see World::run (a progress display).
RunOutcome run_scenario(const Scenario& scenario, sim::Tracer* tracer = nullptr,
                        const std::function<void(sim::Time)>& on_minute = {});

// run_scenario, then the expectations asked "at N%" judged over the scenario's replications: the
// run is replication 0, replications 1.. run with replication_seed (harness/sweep.h) as sweep's
// do; each such expectation passes when the N% confidence interval of the metric's mean (Student's
// t) lies on its passing side, fails when it lies on the other, and is inconclusive (not passed)
// when it straddles the threshold. What `run` and `check` do, so they cannot disagree.
// `on_replication(r)`: called before replication r >= 1 starts (a progress display).
// `replications`: when non-null, every replication 1.. runs whether or not an expectation needs
// it, and their reports are appended in order (replication 0 is the outcome's report): what
// `check --baseline` compares.
RunOutcome run_judged(const Scenario& scenario, sim::Tracer* tracer = nullptr,
                      const std::function<void(sim::Time)>& on_minute = {},
                      const std::function<void(size_t)>& on_replication = {},
                      std::vector<reports::Report>* replications = nullptr);

// Evaluates `expectations` against a finished report, filling report.expect. Returns whether
// all passed. An expectation with a confidence is compared on this report's value alone (a
// replication of a sweep or compare: "k of n runs passed").
bool evaluate_expectations(const std::vector<Expectation>& expectations, reports::Report& report);

// Judges `e` (with a confidence) on the metric's values over the replications.
reports::ConfidenceVerdict judge(const Expectation& e, const std::vector<double>& values);

std::string_view to_string(CompareOp op);

}  // namespace harness
