// The JSON Schema (draft 2020-12) of report.json, built from the metric tables of
// reports/metrics.h and the fixed parts of the format (docs/report-format.md): every metric group,
// metric and latency family, with its one-line doc as the description, in report order.
//
// reports/schema/report.schema.json is render_report_schema()'s text, checked in for editors and
// other tools; tests/reports/metrics_test.cpp fails when the two differ. Regenerate it with
//   paysim schema --report > reports/schema/report.schema.json
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace reports {

nlohmann::ordered_json report_json_schema();

// report_json_schema().dump(2) and a newline: the bytes of reports/schema/report.schema.json.
std::string render_report_schema();

}  // namespace reports
