// JUnit XML for CI (`paysim check --junit FILE`, `run --format junit`, and junit.xml of compare,
// sweep and merge): one <testsuite> per run, named "scenario/variant (seed S, replication R)"
// ("scenario (seed S, replication R)" when there is no variant), with <properties> scenario,
// variant, seed, replication and paysim_version (the build, as `paysim --version` prints it). A
// suite holds one <testcase> per expectation, named "metric op threshold", and one testcase
// "invariants". A failed expectation carries <failure type="expectation"> naming the metric, the
// threshold and the actual value; an expectation on a metric the report does not have is an
// <error type="missing_metric">: the check could not be made, which is not the same as a number
// over its limit. The invariants testcase fails when violations > 0 and lists the kept details.
//
// Times: the invariants testcase and its suite carry the run's wall time (sim.wall_ms; the run
// is what checked them), the expectation testcases 0 (reading a number off the finished report),
// so a suite's time is the sum of its testcases' and <testsuites> the sum of its suites'. The
// callers that want byte-identical files (compare, sweep, merge) zero wall_ms first.
// Every attribute and text is XML-escaped, and characters XML 1.0 forbids are replaced by '?'.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reports/experiment.h"
#include "reports/report.h"

namespace reports {

// `check --baseline`'s verdict on a run, reported as one more testcase named "baseline" (time 0);
// a failed one carries <failure type="baseline" message=summary> with the details (the moved
// metrics, one per line) as its text.
struct JunitBaselineCase {
  bool failed = false;
  std::string summary;
  std::string details;
};

// One run as JUnit reports it.
struct JunitRun {
  JunitRun(const Report* r, std::size_t replication_index = 0)  // NOLINT: {&report, r} reads well
      : report(r), replication(replication_index) {}

  const Report* report = nullptr;  // REQUIRES: non-null
  std::size_t replication = 0;     // of its point in a compare or sweep; 0 for run and check
  std::optional<JunitBaselineCase> baseline;  // check --baseline only
};

// `build`: the paysim that made the runs, e.g. "paysim 0.1.0 (revision c96b707d1e2f)".
std::string render_junit(const std::vector<JunitRun>& runs, std::string_view build);

// Every point's runs in order, each with its replication index: what junit.xml of a compare or a
// sweep reports.
std::vector<JunitRun> junit_runs(const Experiment& experiment);

// Where escaped text goes: an attribute value keeps its line breaks only as character references
// (&#10;); element content keeps them as they are.
enum class XmlContext { kAttribute, kText };

// Escapes & < > " ' and control characters for the given context.
std::string xml_escape(std::string_view text, XmlContext context = XmlContext::kAttribute);

}  // namespace reports
