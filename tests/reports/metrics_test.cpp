// Issue 13, "one table per definition": the metric table of reports/metrics.h is the one place a
// metric is defined, and everything that names metrics follows it: report.json and its reader,
// the comparison directions, the checked-in JSON Schemas and docs/report-format.md.
#include "reports/metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "reports/metric_direction.h"
#include "reports/report_reader.h"
#include "reports/report_schema.h"
#include "tests/markdown_tables.h"
#include "tests/reports/report_test_fixture.h"

namespace reports {
namespace {

using Json = nlohmann::ordered_json;

const std::filesystem::path kSource = PAYSIM_SOURCE_DIR;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> definition_paths() {
  std::vector<std::string> paths;
  for (const MetricDefinition& metric : metric_definitions()) paths.push_back(metric.path);
  return paths;
}

std::size_t scalars_in(std::string_view group) {
  std::size_t n = 0;
  for (const ScalarMetric& metric : scalar_metrics()) n += metric_group_of(metric.path) == group;
  return n;
}

// ---- the table and report.json ---------------------------------------------------------------

TEST(MetricTable, DefinesExactlyTheMetricPathsOfReportJsonInOrder) {
  EXPECT_EQ(definition_paths(), metric_paths(to_json(testing::sample_report())));
  EXPECT_EQ(definition_paths(), metric_paths(to_json(Report{}, /*include_histograms=*/true)));
}

TEST(MetricTable, PathsAreUniqueGroupedAndFindable) {
  std::set<std::string> seen;
  for (const MetricDefinition& metric : metric_definitions()) {
    EXPECT_TRUE(seen.insert(metric.path).second) << metric.path << " is defined twice";
    EXPECT_FALSE(metric.doc.empty()) << metric.path;
    EXPECT_EQ(find_metric(metric.path), &metric);
    const std::string_view group = metric_group_of(metric.path);
    bool known = false;
    for (const MetricGroup& g : metric_groups()) known = known || g.key == group;
    EXPECT_TRUE(known) << metric.path << ": no group '" << group << "' in kMetricGroups";
  }
  EXPECT_EQ(find_metric("dropped.nope"), nullptr);
  EXPECT_EQ(find_metric("latency.charge_to_paid_ms"), nullptr);  // an object, not a number
}

TEST(MetricTable, MillisecondsAreExactlyTheTimesAndLatencyStatistics) {
  for (const ScalarMetric& metric : scalar_metrics()) {
    const bool is_count = std::holds_alternative<ReportField<std::uint64_t>>(metric.field);
    EXPECT_EQ(metric.unit == Unit::kMilliseconds, !is_count) << metric.path;
    EXPECT_EQ(metric.path.ends_with("_ms"), !is_count) << metric.path;
  }
  for (const LatencyFamily& family : latency_families()) {
    EXPECT_TRUE(family.path.ends_with("_ms")) << family.path;
    EXPECT_TRUE(family.histogram_key.ends_with("_us")) << family.histogram_key;
  }
}

// Each field of a group's struct has its line: every field is 8 bytes, so a field added to the
// struct without a line in the table changes the size but not the count.
TEST(MetricTable, EveryFieldOfTheMetricStructsHasALine) {
  constexpr std::size_t kField = 8;
  static_assert(sizeof(std::uint64_t) == kField && sizeof(double) == kField);
  EXPECT_EQ(sizeof(SimStats), scalars_in("sim") * kField);
  EXPECT_EQ(sizeof(OrderCounts), scalars_in("orders") * kField);
  EXPECT_EQ(sizeof(DropCounts), scalars_in("dropped") * kField);
  EXPECT_EQ(sizeof(ResolvedBy), scalars_in("resolved_by") * kField);
  EXPECT_EQ(sizeof(DuplicateCounts), scalars_in("duplicates") * kField);
  EXPECT_EQ(sizeof(RefundCounts), scalars_in("refunds") * kField);
  EXPECT_EQ(sizeof(ReconciliationCounts), scalars_in("reconciliation") * kField);
  EXPECT_EQ(sizeof(CostCounts), scalars_in("cost") * kField);
  EXPECT_EQ(sizeof(Latencies), latency_families().size() * sizeof(LogHistogram));
  EXPECT_EQ(sizeof(LatencySummary), latency_statistics().size() * kField);
}

// Every line points at its own field: a different value in each comes out at its own path and
// back through the reader.
TEST(MetricTable, EachLineReadsAndWritesItsOwnField) {
  Report r;
  std::vector<double> expected;
  for (const ScalarMetric& metric : scalar_metrics()) {
    const auto n = static_cast<double>(10 + expected.size());
    if (const auto* count = std::get_if<ReportField<std::uint64_t>>(&metric.field)) {
      count->ref(r) = static_cast<std::uint64_t>(n);
    } else if (const auto* us = std::get_if<ReportField<std::int64_t>>(&metric.field)) {
      us->ref(r) = static_cast<std::int64_t>(n * 1000);  // written as n ms
    } else {
      std::get<ReportField<double>>(metric.field).ref(r) = n;
    }
    expected.push_back(n);
  }
  for (std::size_t i = 0; i < latency_families().size(); ++i) {
    (r.latency.*latency_families()[i].histogram).record(static_cast<std::int64_t>(i + 1) * 1000);
  }
  const Json j = to_json(r, /*include_histograms=*/true);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(metric_value(j, scalar_metrics()[i].path), expected[i]) << scalar_metrics()[i].path;
  }
  for (std::size_t i = 0; i < latency_families().size(); ++i) {
    const std::string path(latency_families()[i].path);
    EXPECT_EQ(metric_value(j, path + ".count"), 1.0) << path;
    EXPECT_EQ(metric_value(j, path + ".max"), static_cast<double>(i + 1)) << path;
  }
  std::string error;
  const std::optional<Report> back = report_from_json(j, &error);
  ASSERT_TRUE(back.has_value()) << error;
  EXPECT_EQ(to_json(*back, true), j);
}

TEST(MetricTable, TheReaderNamesAMissingMetric) {
  Json j = to_json(testing::sample_report(), true);
  j["refunds"].erase("gave_up");
  std::string error;
  EXPECT_FALSE(report_from_json(j, &error).has_value());
  EXPECT_EQ(error, "missing key 'refunds.gave_up'");
}

// ---- which way is better ---------------------------------------------------------------------

// The rules reports/metric_direction.cpp applied before the table, by path prefix.
Better rule_direction(std::string_view path) {
  if (path == "orders.paid" || path == "duplicates.refunded") return Better::kHigher;
  if (path == "orders.failed" || path == "invariants.violations") return Better::kLower;
  if (path.starts_with("dropped.") || path.starts_with("cost.")) return Better::kLower;
  if (path.starts_with("latency."))
    return path.ends_with(".count") ? Better::kNone : Better::kLower;
  for (std::string_view lower : {"duplicates.charged_orders", "duplicates.unresolved",
                                 "duplicates.wrong_refunds", "duplicates.overcharged_minor"}) {
    if (path == lower) return Better::kLower;
  }
  return Better::kNone;
}

// The table keeps every direction the rules gave but for metrics added after them:
// refunds.gave_up, a refund abandoned after its last retry (the money stays with the shop), is
// lower-better like cost.dead_letters; so is every attack the service accepted (security.*,
// added with live mode), while the attacks sent describe the test, not the service; and
// duplicates.purchases (issue 16 item 4), a duplicate like duplicates.charged_orders, and
// orders.pay_refused (item 8), a lost sale.
Better table_direction(std::string_view path) {
  if (path == "refunds.gave_up" || path == "duplicates.purchases" || path == "orders.pay_refused")
    return Better::kLower;
  if (path.starts_with("security."))
    return path == "security.attacks_sent" ? Better::kNone : Better::kLower;
  return rule_direction(path);
}

TEST(MetricDirection, TheTableKeepsTheRulesButForRefundsGivenUp) {
  for (const MetricDefinition& metric : metric_definitions()) {
    const Better expected = table_direction(metric.path);
    EXPECT_EQ(metric_direction(metric.path), expected) << metric.path;
  }
  EXPECT_EQ(metric_direction("refunds.gave_up"), Better::kLower);
  EXPECT_EQ(metric_direction("no.such_metric"), Better::kNone);
}

// ---- the JSON Schemas ------------------------------------------------------------------------

TEST(ReportSchema, TheCheckedInFileIsTheGeneratedSchema) {
  EXPECT_EQ(read_file(kSource / "reports/schema/report.schema.json"), render_report_schema())
      << "reports/schema/report.schema.json is not the schema the metric table gives; "
         "regenerate it:\n  paysim schema --report > reports/schema/report.schema.json";
}

// The schema node at a dotted path, following $ref into $defs; nullptr when there is none.
const Json* schema_node(const Json& root, std::string_view path) {
  const Json* node = &root;
  while (true) {
    if (node->contains("$ref")) {
      const std::string ref = (*node)["$ref"];
      node = &root["$defs"][ref.substr(ref.rfind('/') + 1)];
    }
    if (path.empty()) return node;
    const std::size_t dot = path.find('.');
    const std::string key(path.substr(0, dot));
    if (!node->contains("properties") || !(*node)["properties"].contains(key)) return nullptr;
    node = &(*node)["properties"][key];
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
}

TEST(ReportSchema, DescribesEveryMetricWithItsDoc) {
  const Json schema = report_json_schema();
  for (const MetricDefinition& metric : metric_definitions()) {
    const Json* node = schema_node(schema, metric.path);
    ASSERT_NE(node, nullptr) << metric.path;
    EXPECT_EQ((*node)["description"], metric.doc) << metric.path;
    EXPECT_EQ((*node)["type"], metric.unit == Unit::kMilliseconds ? "number" : "integer")
        << metric.path;
  }
}

// summary.schema.json is written by hand, but its pooled latencies are the report's families.
TEST(SummarySchema, PooledLatencyIsEveryLatencyFamily) {
  const Json summary = Json::parse(read_file(kSource / "reports/schema/summary.schema.json"));
  const Json& pooled = summary["properties"]["points"]["items"]["properties"]["pooled_latency"];
  Json keys = Json::array();
  for (const LatencyFamily& family : latency_families()) keys.push_back(metric_key_of(family.path));
  EXPECT_EQ(pooled["required"], keys);
  Json properties_keys = Json::array();
  for (const auto& [key, value] : pooled["properties"].items()) properties_keys.push_back(key);
  EXPECT_EQ(properties_keys, keys);
  EXPECT_EQ(summary["$defs"]["latency"], report_json_schema()["$defs"]["latency"]);
}

// ---- docs/report-format.md -------------------------------------------------------------------

// The rows of the doc's key tables whose first cell is a dotted path: `orders.created`.
struct DocRow {
  std::string path;
  std::string section;
  std::string unit;  // the "unit" column, "" when the table has none
};

std::vector<DocRow> documented_paths() {
  std::vector<DocRow> rows;
  for (const markdown::Table& table : markdown::tables(kSource / "docs/report-format.md")) {
    if (table.header.empty() || table.header[0] != "key") continue;
    const auto unit_column = std::find(table.header.begin(), table.header.end(), "unit");
    for (const std::vector<std::string>& row : table.rows) {
      const std::string path = markdown::code_span(row.at(0));
      if (path.find('.') == std::string::npos) continue;
      std::string unit;
      if (unit_column != table.header.end()) {
        unit = row.at(static_cast<std::size_t>(unit_column - table.header.begin()));
      }
      rows.push_back({path, table.section, unit});
    }
  }
  return rows;
}

const DocRow* find_row(const std::vector<DocRow>& rows, std::string_view path) {
  const auto it =
      std::find_if(rows.begin(), rows.end(), [&](const DocRow& row) { return row.path == path; });
  return it == rows.end() ? nullptr : &*it;
}

TEST(ReportFormatDoc, HasKeyTables) {
  EXPECT_GT(documented_paths().size(), 40u) << "docs/report-format.md's key tables were not found";
}

// Each scalar metric and each latency family is a row of its group's section, with its unit.
TEST(ReportFormatDoc, DocumentsEveryMetric) {
  const std::vector<DocRow> rows = documented_paths();
  auto expect_row = [&](std::string_view path, const std::string& unit) {
    const DocRow* row = find_row(rows, path);
    ASSERT_NE(row, nullptr) << path << " is in the metric table but in no table row of "
                            << "docs/report-format.md";
    const std::string group(metric_group_of(path));
    EXPECT_NE(row->section.find("`" + group + "`"), std::string::npos)
        << path << " is documented under '## " << row->section << "'";
    if (!row->unit.empty()) {
      EXPECT_EQ(row->unit, unit) << path;
    }
  };
  for (const ScalarMetric& metric : scalar_metrics()) {
    expect_row(metric.path, std::string(unit_name(metric.unit)));
  }
  for (const LatencyFamily& family : latency_families()) expect_row(family.path, "ms");

  // The statistics of a latency family are listed once, in the latency section.
  std::string statistics;
  for (const LatencyStatistic& statistic : latency_statistics()) {
    statistics += (statistics.empty() ? "`{" : ", ") + std::string(statistic.key);
  }
  statistics += "}`";
  EXPECT_NE(read_file(kSource / "docs/report-format.md").find(statistics), std::string::npos)
      << "docs/report-format.md does not list the latency statistics as " << statistics;
}

// A path the doc lists must exist in report.json: a metric, or another key the schema has
// (invariants.details).
TEST(ReportFormatDoc, DocumentsNoPathThatDoesNotExist) {
  const Json schema = report_json_schema();
  for (const DocRow& row : documented_paths()) {
    EXPECT_NE(schema_node(schema, row.path), nullptr)
        << row.path << " is documented in docs/report-format.md but report.json has no such key";
  }
}

}  // namespace
}  // namespace reports
