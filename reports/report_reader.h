// Reading a report back from its JSON, for `paysim merge`: sweep shards carry every run's report
// as to_json(report, /*include_histograms=*/true), and merge rebuilds the Report objects from them
// so that it can write exactly what an unsharded sweep writes.
//
// Contract: for any report r, report_from_json(to_json(r, true)) gives a report whose to_json
// (with or without histograms) is byte-identical to r's, with one exception: sim.wall_ms comes
// back rounded to 3 decimals (as it was written). The latency histograms are read from
// "histograms" (exact), never from the rounded summaries; a JSON without "histograms" is an error.
// Errors are values: nullopt, and *error (if non-null) names the key that was wrong.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "reports/report.h"

namespace reports {

std::optional<Report> report_from_json(const nlohmann::ordered_json& j, std::string* error);

}  // namespace reports
