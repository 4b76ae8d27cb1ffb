// Every metric of report.json, defined once: its path, its unit, which way is better, a one-line
// doc, and where it lives in struct Report. Everything that spells out metrics is driven from
// these tables (reports/metrics.cpp):
//   - to_json and latency_json (reports/report.h): the keys of report.json and their order;
//   - report_from_json (reports/report_reader.h): reading a report back;
//   - metric_direction (reports/metric_direction.h): the best cell of compare and sweep tables;
//   - report_json_schema (reports/report_schema.h): reports/schema/report.schema.json;
//   - and through report.json, metric_paths, the table, CSV, HTML and summary writers and the
//     metric paths `expect:` accepts.
//
// Adding a metric is one field in struct Report plus one line in the table and its doc line:
//   1. the field, in its group's struct in reports/report.h;
//   2. one line in kScalarMetrics in reports/metrics.cpp, among its group's (a latency: in
//      kLatencyFamilies), giving path, unit, direction, field and one-line doc (clang-format
//      wraps a long one);
//   3. its row in its group's table of docs/report-format.md.
// Then regenerate the checked-in schema: paysim schema --report > reports/schema/report.schema.json
// tests/reports/metrics_test.cpp fails until the doc and the schema agree with the table, and
// when a field of a group's struct has no line.
//
// A new group (an object of report.json) is one more line in kMetricGroups, in report order.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "reports/report.h"

namespace reports {

// Which way is better for a metric, so that comparison tables can mark the best variant. kNone
// for numbers that describe the traffic or the mechanism rather than its quality.
enum class Better : std::uint8_t { kNone, kLower, kHigher };

// What a metric counts or measures, as docs/report-format.md names it (unit_name).
enum class Unit : std::uint8_t { kCount, kRows, kQueriesPerSecond, kMinorUnits, kMilliseconds };
std::string_view unit_name(Unit unit);  // "count", "rows", "queries/s", "minor units", "ms"

// A field of one of Report's groups, report.*group.*member, as a pair of functions a constant
// table can hold: read it from a const report, or get a reference to fill it.
template <typename T>
struct ReportField {
  const T& (*get)(const Report&);
  T& (*ref)(Report&);
};

// How a scalar is stored, which fixes how report.json writes it: a std::uint64_t is an exact
// count (a JSON integer); a std::int64_t is microseconds of simulated time (the field ends in
// _us) and a double is milliseconds, both written as milliseconds rounded to 3 decimals.
using ScalarField =
    std::variant<ReportField<std::uint64_t>, ReportField<std::int64_t>, ReportField<double>>;

// One number of report.json.
struct ScalarMetric {
  std::string_view path;  // "group.key", e.g. "dropped.final"
  Unit unit;
  Better better;
  ScalarField field;
  std::string_view doc;  // one line; the schema's description
};

// A latency: a histogram of microseconds in Report::latency, written as an object of
// kLatencyStatistics (count, mean, p50, ..., max), each a metric "path.statistic".
struct LatencyFamily {
  std::string_view path;           // "latency.charge_to_paid_ms"
  std::string_view histogram_key;  // its raw buckets in sweep shards: "histograms.<key>"
  LogHistogram Latencies::*histogram;
  std::string_view doc;
};

// One statistic of every latency family.
struct LatencyStatistic {
  std::string_view key;  // "p99"
  Unit unit;
  Better better;
  std::variant<std::uint64_t LatencySummary::*, double LatencySummary::*> value;  // ms if double
  std::string_view doc;
};

// An object of report.json that holds metrics, e.g. "orders"; its metrics are the scalars and
// latency families whose path starts with "<key>.".
struct MetricGroup {
  std::string_view key;
  std::string_view doc;
};

std::span<const MetricGroup> metric_groups();  // in report.json order
std::span<const ScalarMetric> scalar_metrics();
std::span<const LatencyFamily> latency_families();
std::span<const LatencyStatistic> latency_statistics();

// "orders" for "orders.created"; the key within the group is the rest ("created").
std::string_view metric_group_of(std::string_view path);
std::string_view metric_key_of(std::string_view path);

// One metric path of report.json with its definition: a scalar, or one statistic of a latency
// family (e.g. "latency.charge_to_paid_ms.p99").
struct MetricDefinition {
  std::string path;
  Unit unit;
  Better better;
  std::string_view doc;
};

// Every metric path, in report.json order: equal to metric_paths(to_json(report)) for any report.
const std::vector<MetricDefinition>& metric_definitions();
// The definition of a metric path, or nullptr when no metric has it.
const MetricDefinition* find_metric(std::string_view path);

}  // namespace reports
