// The human summary that `paysim run` prints on stdout: a header line (scenario, variant, seed,
// simulated time, events), then one aligned "group  metric  value" row per counter, one row per
// latency with count/mean/p50/p90/p99/p999/max in milliseconds, the expectations with PASS/FAIL,
// and the invariant violations. Lines fit a 100-column terminal (long scenario names and messages
// excepted). Built from to_json(report), so a metric added to the report appears here unasked.
#pragma once

#include <string>

#include "reports/report.h"

namespace reports {

std::string render_table(const Report& report);

}  // namespace reports
