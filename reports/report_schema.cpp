#include "reports/report_schema.h"

#include <fmt/format.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <variant>

#include "reports/metrics.h"
#include "reports/report.h"

namespace reports {
namespace {

using Json = nlohmann::ordered_json;

// The parts of report.json that are not metrics; the metric parts are built from the tables.
constexpr std::string_view kDetailItem = R"json({
  "type": "object", "description": "one breach",
  "properties": {
    "order": {"type": "integer", "minimum": 0, "description": "the order id"},
    "event": {"type": "string", "description": "the event that broke the invariant"},
    "time_ms": {"type": "number", "description": "simulated time of the event, ms"},
    "message": {"type": "string", "description": "what broke, in words"}
  },
  "required": ["order", "event", "time_ms", "message"], "additionalProperties": false
})json";

constexpr std::string_view kExpect = R"json({
  "type": "array", "description": "the scenario's expectations, evaluated",
  "items": {
    "type": "object", "description": "one expectation",
    "properties": {
      "metric": {"type": "string", "description": "metric path"},
      "op": {"type": "string", "enum": ["<", "<=", "==", "!=", ">=", ">"],
             "description": "comparison"},
      "threshold": {"type": "number", "description": "value compared against"},
      "actual": {"type": ["number", "null"],
                 "description": "the metric's value, null when no such metric"},
      "pass": {"type": "boolean", "description": "whether actual op threshold holds; with a confidence, whether the verdict over the replications is pass"},
      "confidence": {"type": "number", "exclusiveMinimum": 0.5, "exclusiveMaximum": 1,
                     "description": "only for an expectation written \"... at N%\": N / 100"},
      "replications": {"type": "integer", "minimum": 0,
                       "description": "only with a confidence: the runs the metric was measured in (this run is the first)"},
      "mean": {"type": "number", "description": "only with a confidence: the metric's mean over the replications"},
      "ci_low": {"type": "number", "description": "only with a confidence: the interval's low end (Student's t)"},
      "ci_high": {"type": "number", "description": "only with a confidence: the interval's high end"},
      "verdict": {"type": "string", "enum": ["pass", "fail", "inconclusive"],
                  "description": "only with a confidence: the interval lies on the passing side, on the failing side, or across the threshold"}
    },
    "required": ["metric", "op", "threshold", "actual", "pass"], "additionalProperties": false
  }
})json";

constexpr std::string_view kTimeseriesRows = R"json({
  "type": "array",
  "description": "one row per simulated minute from 0: the minute, then one integer per column",
  "items": {"type": "array", "items": {"type": "integer"}}
})json";

constexpr std::string_view kHistogram = R"json({
  "type": "object", "description": "raw LogHistogram state (LogHistogram::to_json), microseconds",
  "properties": {
    "relative_accuracy": {"type": "number",
                          "description": "the histogram's relative accuracy (0.01)"},
    "count": {"type": "integer", "minimum": 0, "description": "values recorded"},
    "sum": {"type": "integer", "description": "exact sum, microseconds"},
    "min": {"type": "integer", "description": "smallest value, microseconds"},
    "max": {"type": "integer", "description": "largest value, microseconds"},
    "zero": {"type": "integer", "minimum": 0, "description": "values equal to 0"},
    "offset": {"type": "integer", "minimum": 0, "description": "bucket index of counts[0]"},
    "counts": {"type": "array", "items": {"type": "integer", "minimum": 0},
               "description": "counts[k]: values in bucket offset + k"}
  },
  "required": ["relative_accuracy", "count", "sum", "min", "max", "zero", "offset", "counts"],
  "additionalProperties": false
})json";

constexpr std::string_view kLatencyRef = "#/$defs/latency";
constexpr std::string_view kHistogramRef = "#/$defs/histogram";

Json typed(std::string_view type, std::string_view doc) {
  Json s;
  s["type"] = type;
  s["description"] = doc;
  return s;
}

// A count: a non-negative JSON integer.
Json count_schema(std::string_view doc) {
  Json s;
  s["type"] = "integer";
  s["minimum"] = 0;
  s["description"] = doc;
  return s;
}

Json ref_schema(std::string_view ref, std::string_view doc = {}) {
  Json s;
  s["$ref"] = ref;
  if (!doc.empty()) s["description"] = doc;
  return s;
}

// A closed object whose properties are added with add_property, in order, all required.
Json object_schema(std::string_view doc) {
  Json s;
  s["type"] = "object";
  s["description"] = doc;
  s["properties"] = Json::object();
  s["required"] = Json::array();
  s["additionalProperties"] = false;
  return s;
}

void add_property(Json& object, std::string_view key, Json schema) {
  object["properties"][std::string(key)] = std::move(schema);
  object["required"].push_back(key);
}

// How report.json writes each kind of scalar (reports/metrics.h, ScalarField).
Json scalar_schema(const ReportField<std::uint64_t>&, std::string_view doc) {
  return count_schema(doc);
}
Json scalar_schema(const ReportField<std::int64_t>&, std::string_view doc) {
  return typed("number", doc);
}
Json scalar_schema(const ReportField<double>&, std::string_view doc) {
  return typed("number", doc);
}

Json latency_schema() {
  Json latency = object_schema(
      "a latency digest in milliseconds of simulated time; all zeros when count is 0");
  for (const LatencyStatistic& statistic : latency_statistics()) {
    const bool is_count = std::holds_alternative<std::uint64_t LatencySummary::*>(statistic.value);
    add_property(latency, statistic.key,
                 is_count ? count_schema(statistic.doc) : typed("number", statistic.doc));
  }
  return latency;
}

Json timeseries_schema() {
  Json timeseries = object_schema("per simulated minute counts, gauges and the p99 of charge→paid");
  Json columns;
  columns["type"] = "array";
  columns["items"]["type"] = "string";
  columns["description"] = fmt::format("{}", fmt::join(default_timeseries_columns(), ", "));
  add_property(timeseries, "columns", std::move(columns));
  add_property(timeseries, "rows", Json::parse(kTimeseriesRows));
  return timeseries;
}

}  // namespace

Json report_json_schema() {
  Json schema;
  schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  schema["$id"] = "https://paysim.example/schema/report.schema.json";
  schema["title"] = fmt::format("paysim report.json ({})", kReportSchema);
  schema["description"] =
      "One run of one scenario: SPEC section 6, docs/report-format.md. Keys come in this order.";
  schema["type"] = "object";
  schema["additionalProperties"] = false;
  schema["properties"] = Json::object();
  schema["required"] = Json::array();
  Json version;
  version["const"] = kReportSchema;
  version["type"] = "string";
  version["description"] = "format name and version";
  add_property(schema, "schema", std::move(version));
  add_property(schema, "scenario", typed("string", "the scenario's name"));
  add_property(schema, "variant",
               typed("string", "the variant or sweep point, \"\" for the base scenario"));
  add_property(schema, "seed", count_schema("the seed the run used"));

  for (const MetricGroup& group : metric_groups()) {
    Json object = object_schema(group.doc);
    for (const ScalarMetric& metric : scalar_metrics()) {
      if (metric_group_of(metric.path) != group.key) continue;
      std::visit(
          [&](const auto& field) {
            add_property(object, metric_key_of(metric.path), scalar_schema(field, metric.doc));
          },
          metric.field);
    }
    for (const LatencyFamily& family : latency_families()) {
      if (metric_group_of(family.path) != group.key) continue;
      add_property(object, metric_key_of(family.path), ref_schema(kLatencyRef, family.doc));
    }
    add_property(schema, group.key, std::move(object));
  }
  Json details;
  details["type"] = "array";
  details["description"] = fmt::format("the first {} breaches", kMaxInvariantDetails);
  details["items"] = Json::parse(kDetailItem);
  add_property(schema["properties"]["invariants"], "details", std::move(details));
  add_property(schema, "expect", Json::parse(kExpect));
  add_property(schema, "timeseries", timeseries_schema());

  // Only in sweep shards (to_json with include_histograms), so not required.
  Json histograms = object_schema("raw latency histograms, only in sweep part files");
  for (const LatencyFamily& family : latency_families()) {
    add_property(histograms, family.histogram_key,
                 ref_schema(kHistogramRef, fmt::format("the raw buckets behind {}, in microseconds",
                                                       family.path)));
  }
  schema["properties"]["histograms"] = std::move(histograms);

  schema["$defs"]["latency"] = latency_schema();
  schema["$defs"]["histogram"] = Json::parse(kHistogram);
  return schema;
}

std::string render_report_schema() { return report_json_schema().dump(2) + "\n"; }

}  // namespace reports
