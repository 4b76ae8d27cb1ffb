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

// Evaluates `expectations` against a finished report, filling report.expect. Returns whether
// all passed.
bool evaluate_expectations(const std::vector<Expectation>& expectations, reports::Report& report);

std::string_view to_string(CompareOp op);

}  // namespace harness
