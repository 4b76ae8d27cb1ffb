// The builders of reports/html_writer.h: what a run and an experiment show in the HTML report.
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "reports/html_writer.h"
#include "reports/internal/number_text.h"
#include "reports/metric_direction.h"

namespace reports {
namespace {

// The metrics an architect reads first, with the label the key table gives them.
struct KeyMetric {
  const char* path;
  const char* label;
};
constexpr KeyMetric kKeyMetrics[] = {
    {"dropped.final", "dropped.final"},
    {"dropped.user_visible", "dropped.user_visible"},
    {"duplicates.unresolved", "duplicates.unresolved"},
    {"latency.charge_to_paid_ms.p99", "charge→paid p99 (ms)"},
    {"cost.channel_queries", "channel queries"},
    {"cost.peak_query_qps", "peak query qps"},
};

std::string value_text(double v) {
  if (std::abs(v) < 1e15 && v == std::round(v)) return fmt::format("{}", static_cast<long long>(v));
  return fmt::format("{:.6g}", v);
}

std::string interval_text(const MeanInterval& m) {
  if (!m.low || !m.high) return value_text(m.mean);
  const double half_width = (*m.high - *m.low) / 2.0;
  if (half_width == 0.0) return value_text(m.mean);
  return value_text(m.mean) + " ± " + (half_width >= 100 ? fmt::format("{:.0f}", half_width) : fmt::format("{:.3g}", half_width));
}

double queries_per_order(const PointAggregate& a) {
  const double orders = a.mean("orders.created");
  return orders > 0 ? a.mean("cost.channel_queries") / orders : 0.0;
}

const MeanInterval* find_metric(const PointAggregate& a, std::string_view path) {
  for (std::size_t i = 0; i < a.metric_paths.size(); ++i) {
    if (a.metric_paths[i] == path) return &a.metrics[i];
  }
  return nullptr;
}

}  // namespace

HtmlReport html_for_run(const Report& report) {
  HtmlReport html;
  html.title = "paysim run: " + report.scenario + (report.variant.empty() ? "" : " / " + report.variant);
  html.facts = {{"scenario", report.scenario},
                {"variant", report.variant.empty() ? "-" : report.variant},
                {"seed", std::to_string(report.seed)},
                {"simulated time", value_text(static_cast<double>(report.sim.simulated_us) / 60e6) + " min"},
                {"events", std::to_string(report.sim.events)}};
  html.series.push_back({report.variant.empty() ? report.scenario : report.variant, report.latency.charge_to_paid_us,
                         {}, {}});
  for (std::int64_t m = 0; m < report.timeseries.minute_count(); ++m) {
    html.series.back().pending_payments.push_back(static_cast<double>(report.timeseries.at(m, kPendingPayments)));
    html.series.back().queries_per_minute.push_back(static_cast<double>(report.timeseries.at(m, kQueries)));
  }
  const nlohmann::ordered_json j = to_json(report);
  html.full_table.header = {"metric", "value"};
  for (const std::string& path : metric_paths(j)) {
    if (path == "sim.wall_ms") continue;  // the one non-deterministic number stays out of the file
    html.full_table.rows.push_back({path, internal::number_text(*metric_value(j, path))});
  }
  html.notes.push_back("Latencies are simulated time, from a log-bucketed histogram (percentiles within 1%).");
  return html;
}

HtmlReport html_for_experiment(const Experiment& e) {
  HtmlReport html;
  html.title = "paysim " + e.kind + ": " + e.scenario;
  std::string seeds;
  for (std::uint64_t s : e.seeds) seeds += (seeds.empty() ? "" : ", ") + std::to_string(s);
  html.facts = {{"scenario", e.scenario},
                {e.kind == "compare" ? "variants" : "grid points", std::to_string(e.points.size())},
                {"replications", std::to_string(e.seeds.size())},
                {"seeds", seeds}};
  for (const auto& [key, value] : e.set) html.facts.emplace_back("--set " + key, value);
  for (const SweepAxisValues& axis : e.axes) {
    std::string values;
    for (const std::string& v : axis.values) values += (values.empty() ? "" : ", ") + v;
    html.facts.emplace_back("axis " + axis.key, values);
  }

  std::vector<PointAggregate> aggregates;
  for (const ExperimentPoint& point : e.points) {
    aggregates.push_back(aggregate_point(point));
    const PointAggregate& a = aggregates.back();
    html.series.push_back({point.label, a.charge_to_paid_us, a.pending_payments, a.queries_per_minute});
    if (e.points.size() >= 2) {
      html.cost_latency.push_back({point.label, queries_per_order(a), a.mean("latency.charge_to_paid_ms.p99")});
    }
  }

  // Key metrics: one row per point, the best of each column marked.
  HtmlTable& key = html.key_table;
  key.caption = e.seeds.size() > 1 ? "mean ± half-width of the 95% confidence interval over replications" : "";
  key.header = {e.kind == "compare" ? "variant" : "point"};
  for (const KeyMetric& m : kKeyMetrics) key.header.push_back(m.label);
  key.header.push_back("queries per order");
  key.header.push_back("failed runs");
  const std::size_t first_metric = 1;
  key.rows.assign(e.points.size(), {});
  key.best.assign(e.points.size(), std::vector<bool>(key.header.size(), false));
  for (std::size_t p = 0; p < e.points.size(); ++p) {
    key.rows[p].push_back(e.points[p].label);
    for (const KeyMetric& m : kKeyMetrics) {
      const MeanInterval* mi = find_metric(aggregates[p], m.path);
      key.rows[p].push_back(mi ? interval_text(*mi) : "");
    }
    key.rows[p].push_back(fmt::format("{:.3f}", queries_per_order(aggregates[p])));
    key.rows[p].push_back(std::to_string(aggregates[p].failed_runs));
  }
  for (std::size_t k = 0; k <= std::size(kKeyMetrics); ++k) {
    std::vector<std::optional<double>> column;
    for (const PointAggregate& a : aggregates) {
      column.push_back(k < std::size(kKeyMetrics) ? a.mean(kKeyMetrics[k].path) : queries_per_order(a));
    }
    for (std::size_t p : best_indices(column, Better::kLower)) key.best[p][first_metric + k] = true;
  }

  // Every metric: one row per metric path, one column per point.
  HtmlTable& full = html.full_table;
  full.header = {"metric"};
  for (const ExperimentPoint& point : e.points) full.header.push_back(point.label);
  const std::vector<std::string>& paths = aggregates.empty() ? std::vector<std::string>{} : aggregates[0].metric_paths;
  for (const std::string& path : paths) {
    std::vector<std::string> row = {path};
    std::vector<std::optional<double>> values;
    for (const PointAggregate& a : aggregates) {
      const MeanInterval* mi = find_metric(a, path);
      row.push_back(mi ? interval_text(*mi) : "");
      values.push_back(mi ? std::optional<double>(mi->mean) : std::nullopt);
    }
    std::vector<bool> best(row.size(), false);
    for (std::size_t p : best_indices(values, metric_direction(path))) best[p + 1] = true;
    full.rows.push_back(std::move(row));
    full.best.push_back(std::move(best));
  }
  html.notes.push_back("★ marks the best value of a row (or column): lower is better for drops, duplicates, "
                       "latencies and cost, higher for orders paid; counts that describe the traffic are not marked.");
  if (e.seeds.size() > 1) {
    html.notes.push_back(
        "Numbers are means over replications ± the half-width of a 95% confidence interval "
        "(Student's t). Latency CDFs merge the replications' histograms.");
  } else {
    html.notes.push_back("One replication per point: no confidence interval can be given.");
  }
  if (e.kind == "compare") {
    html.notes.push_back("Every variant ran on the same traffic (common random numbers): the same users, payments "
                         "and channel faults, so differences come from the strategy alone.");
  }
  return html;
}

}  // namespace reports
