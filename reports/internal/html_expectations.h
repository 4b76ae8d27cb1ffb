// The Expectations section of the HTML report (reports/html_writer.h): the scenario's expect
// block as evaluated, one row per entry (per point and entry in an experiment).
#pragma once

#include <string>
#include <vector>

#include "reports/experiment.h"
#include "reports/html_writer.h"
#include "reports/report.h"

namespace reports::internal {

// Columns metric, expected ("< 60000"), as written (the scenario's own value text, when
// `as_written` has one per report.expect entry), actual, result (pass / FAIL / ERROR when the
// report has no such metric). No rows when the report has no expectations.
HtmlTable run_expectations_table(const Report& report, const std::vector<std::string>& as_written);

// Columns point, metric, expected, actual (the value, or "min – max" over the replications),
// result (pass / FAIL, with how many runs passed when there are several). The wording of the
// scenario file is left out: merge rebuilds an experiment without reading it, and must write
// what the unsharded sweep writes.
HtmlTable experiment_expectations_table(const Experiment& experiment);

}  // namespace reports::internal
