// The builders of reports/html_writer.h: what a run and an experiment show in the HTML report.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "reports/html_writer.h"
#include "reports/internal/html_charts.h"
#include "reports/internal/html_expectations.h"
#include "reports/internal/number_text.h"
#include "reports/metric_direction.h"

namespace reports {
namespace {

// The header of the column after each variant's: that variant minus the base scenario.
constexpr const char* kDifferenceHeader = "Δ vs base";

using internal::KeyMetric;
using internal::kKeyMetrics;

std::string value_text(double v) {
  if (std::abs(v) < 1e15 && v == std::round(v)) return fmt::format("{}", static_cast<long long>(v));
  return fmt::format("{:.6g}", v);
}

// What a cell shows for a metric nothing measured (a latency no order reached).
constexpr const char* kNone = "none";
// What a difference cell shows when there is nothing to subtract.
constexpr const char* kNoDifference = "-";

// Whether an interval is wider than the rounding noise of summing equal values (three equal
// p50s can give a half-width of 1e-12): a point estimate is shown without "± 0".
bool has_spread(const MeanInterval& m) {
  return m.low && m.high && (*m.high - *m.low) / 2.0 > 1e-9 * std::max(1.0, std::abs(m.mean));
}

std::string half_width_text(const MeanInterval& m) {
  const double half_width = (*m.high - *m.low) / 2.0;
  return half_width >= 100 ? fmt::format("{:.0f}", half_width) : fmt::format("{:.3g}", half_width);
}

std::string interval_text(const MeanInterval& m) {
  if (m.n == 0) return kNone;
  if (!has_spread(m)) return value_text(m.mean);
  return value_text(m.mean) + " ± " + half_width_text(m);
}

std::string signed_text(double v) {
  if (v == 0.0) return "0";
  return fmt::format("{}{}", v > 0 ? "+" : "", value_text(v));
}

// A variant minus the base. One replication: the difference, and in brackets its share of the
// base's value ("+12 (+3.5%)"). Several: the mean paired difference ± the 95% half-width.
std::string difference_text(const MeanInterval& d, const MeanInterval* base) {
  if (d.n == 0) return kNoDifference;
  if (!has_spread(d)) {
    std::string text = signed_text(d.mean);
    if (d.n == 1 && d.mean != 0.0 && base != nullptr && base->n > 0 && base->mean != 0.0) {
      text += fmt::format(" ({:+.1f}%)", 100.0 * d.mean / std::abs(base->mean));
    }
    return text;
  }
  return signed_text(d.mean) + " ± " + half_width_text(d);
}

// The mean to rank a cell by: none when the metric is missing or was never measured.
std::optional<double> measured_mean(const MeanInterval* m) {
  return m != nullptr && m->n > 0 ? std::optional<double>(m->mean) : std::nullopt;
}

double queries_per_order(const PointAggregate& a) {
  const double orders = a.mean("orders.created");
  return orders > 0 ? a.mean("cost.channel_queries") / orders : 0.0;
}

// The full table: one row per metric path, a column per point, the best value of a row marked;
// in a compare, each point after the base is followed by its difference from the base.
HtmlTable full_metrics_table(const Experiment& e, const std::vector<PointAggregate>& aggregates) {
  const ExperimentPoint* base = e.base();
  std::vector<Differences> differences(e.points.size());
  HtmlTable full;
  full.header = {"metric"};
  std::vector<std::size_t> value_column;  // the column of each point's value
  for (std::size_t p = 0; p < e.points.size(); ++p) {
    value_column.push_back(full.header.size());
    full.header.push_back(e.points[p].label);
    if (base != nullptr && p > 0) {
      differences[p] = paired_differences(*base, e.points[p]);
      full.header.push_back(kDifferenceHeader);
    }
  }
  const std::vector<std::string>& paths =
      aggregates.empty() ? std::vector<std::string>{} : aggregates[0].metric_paths;
  for (const std::string& path : paths) {
    std::vector<std::string> row = {path};
    std::vector<std::optional<double>> values;
    for (std::size_t p = 0; p < aggregates.size(); ++p) {
      const MeanInterval* mi = aggregates[p].find(path);
      row.push_back(mi ? interval_text(*mi) : "");
      values.push_back(measured_mean(mi));
      if (base != nullptr && p > 0) {
        const MeanInterval* d = differences[p].find(path);
        row.push_back(d ? difference_text(*d, aggregates[0].find(path)) : "");
      }
    }
    std::vector<bool> best(row.size(), false);
    for (std::size_t p : best_indices(values, metric_direction(path))) best[value_column[p]] = true;
    full.rows.push_back(std::move(row));
    full.best.push_back(std::move(best));
  }
  return full;
}

}  // namespace

HtmlReport html_for_run(const Report& report, const std::vector<std::string>& expect_as_written) {
  HtmlReport html;
  html.title =
      "paysim run: " + report.scenario + (report.variant.empty() ? "" : " / " + report.variant);
  html.facts = {
      {"scenario", report.scenario},
      {"variant", report.variant.empty() ? "-" : report.variant},
      {"seed", std::to_string(report.seed)},
      {"simulated time", value_text(static_cast<double>(report.sim.simulated_us) / 60e6) + " min"},
      {"events", std::to_string(report.sim.events)}};
  html.expectations = internal::run_expectations_table(report, expect_as_written);
  // The run as a point of one replication: one bar per group, no error bars, and its own time
  // series (a mean over one run is the run's value).
  const ExperimentPoint point{
      report.variant.empty() ? report.scenario : report.variant, {}, {&report}};
  const std::vector<PointAggregate> aggregate = {aggregate_point(point)};
  html.series.push_back({point.label, report.latency.charge_to_paid_us,
                         aggregate[0].pending_payments, aggregate[0].queries_per_minute,
                         aggregate[0].charge_to_paid_p99_ms});
  html.outcomes = internal::outcome_bars({point.label}, aggregate);
  html.resolved_by = internal::resolved_by_bars({point.label}, aggregate);
  const nlohmann::ordered_json j = to_json(report);
  html.full_table.header = {"metric", "value"};
  for (const std::string& path : metric_paths(j)) {
    if (path == "sim.wall_ms") continue;  // the one non-deterministic number stays out of the file
    const std::optional<double> value = measured_value(j, path);
    html.full_table.rows.push_back({path, value ? internal::number_text(*value) : kNone});
  }
  html.notes.push_back(
      "Latencies are simulated time, from a log-bucketed histogram (percentiles within 1%).");
  return html;
}

HtmlReport html_for_experiment(const Experiment& e) {
  HtmlReport html;
  html.title = "paysim " + e.kind + ": " + e.scenario;
  std::string seeds;
  for (std::uint64_t s : e.seeds) seeds += (seeds.empty() ? "" : ", ") + std::to_string(s);
  html.facts = {{"scenario", e.scenario},
                {e.kind == "compare" ? "variants" : "grid points",
                 e.base() != nullptr ? "base + " + std::to_string(e.points.size() - 1)
                                     : std::to_string(e.points.size())},
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
    html.series.push_back({point.label, a.latency.charge_to_paid_us, a.pending_payments,
                           a.queries_per_minute, a.charge_to_paid_p99_ms});
    const std::optional<double> p99 = measured_mean(a.find("latency.charge_to_paid_ms.p99"));
    if (e.points.size() >= 2 && p99) {
      ScatterPoint sp{point.label, queries_per_order(a), *p99};
      const MeanInterval* m = a.find("latency.charge_to_paid_ms.p99");
      if (has_spread(*m)) {
        sp.y_low = m->low;
        sp.y_high = m->high;
      }
      html.cost_latency.push_back(std::move(sp));
    }
  }

  // Key metrics: one row per point, the best of each column marked.
  HtmlTable& key = html.key_table;
  key.caption = e.seeds.size() > 1
                    ? "mean ± half-width of the 95% confidence interval over replications"
                    : "";
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
      const MeanInterval* mi = aggregates[p].find(m.path);
      key.rows[p].push_back(mi ? interval_text(*mi) : "");
    }
    key.rows[p].push_back(fmt::format("{:.3f}", queries_per_order(aggregates[p])));
    key.rows[p].push_back(std::to_string(aggregates[p].failed_runs));
  }
  for (std::size_t k = 0; k <= std::size(kKeyMetrics); ++k) {
    std::vector<std::optional<double>> column;
    for (const PointAggregate& a : aggregates) {
      column.push_back(k < std::size(kKeyMetrics) ? measured_mean(a.find(kKeyMetrics[k].path))
                                                  : queries_per_order(a));
    }
    for (std::size_t p : best_indices(column, Better::kLower)) key.best[p][first_metric + k] = true;
  }

  std::vector<std::string> labels;
  for (const ExperimentPoint& point : e.points) labels.push_back(point.label);
  html.outcomes = internal::outcome_bars(labels, aggregates);
  html.resolved_by = internal::resolved_by_bars(labels, aggregates);
  html.sweep_lines = internal::sweep_line_charts(e, aggregates);
  html.sweep_heat_maps = internal::sweep_heat_maps(e, aggregates);
  if (e.kind == "sweep" && e.points.size() >= 2 && html.sweep_lines.empty() &&
      html.sweep_heat_maps.empty()) {
    html.sweep_note = e.axes.size() > 2
                          ? "More than two swept axes: no chart against the swept values; the "
                            "outcome bars and the tables show every grid point."
                          : "The swept values are not all numbers: no line against them; the "
                            "outcome bars and the tables show every point.";
  }
  html.expectations = internal::experiment_expectations_table(e);
  html.full_table = full_metrics_table(e, aggregates);
  html.notes.push_back(
      "★ marks the best value of a row (or column): lower is better for drops, duplicates, "
      "latencies and cost, higher for orders paid; counts that describe the traffic are not "
      "marked.");
  if (e.seeds.size() > 1) {
    html.notes.push_back(
        "Numbers are means over replications ± the half-width of a 95% confidence interval "
        "(Student's t). Latency CDFs merge the replications' histograms.");
  } else {
    html.notes.push_back("One replication per point: no confidence interval can be given.");
  }
  html.notes.push_back(
      "none: a latency that no order reached in any run (count 0); it is never marked best.");
  if (e.kind == "compare") {
    html.notes.push_back(
        "Every variant ran on the same traffic (common random numbers): the same users, payments "
        "and channel faults, so differences come from the strategy alone.");
  }
  if (e.base() != nullptr) {
    html.notes.push_back(
        e.seeds.size() > 1
            ? "Δ vs base: the variant minus the base scenario, replication by replication on the "
              "same seed (paired), as the mean difference ± the half-width of its 95% confidence "
              "interval (Student's t)."
            : "Δ vs base: the variant minus the base scenario, and in brackets that difference as "
              "a share of the base's value.");
  }
  return html;
}

}  // namespace reports
