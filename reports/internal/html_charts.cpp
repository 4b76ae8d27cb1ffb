#include "reports/internal/html_charts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "reports/metrics.h"

namespace reports::internal {
namespace {

constexpr const char* kOutcomeMetrics[] = {"dropped.final_external", "dropped.final_internal",
                                           "duplicates.unresolved", "dropped.user_visible"};

// Whether an interval is wider than the rounding noise of summing equal values.
bool has_spread(const MeanInterval& m) {
  return m.low && m.high && (*m.high - *m.low) / 2.0 > 1e-9 * std::max(1.0, std::abs(m.mean));
}

BarValue bar_value(const MeanInterval* m) {
  if (m == nullptr || m->n == 0) return {};
  if (!has_spread(*m)) return {m->mean, std::nullopt, std::nullopt};
  return {m->mean, m->low, m->high};
}

// Short enough for a cell, never in exponent notation: "55430", "343.5", "0.25".
std::string value_text(double v) {
  if (std::abs(v) < 1e15 && v == std::round(v)) return fmt::format("{}", static_cast<long long>(v));
  if (std::abs(v) >= 1000) return fmt::format("{:.0f}", v);
  return fmt::format("{:.4g}", v);
}

std::string cell_text(const MeanInterval& m) {
  if (m.n == 0) return "none";
  if (!has_spread(m)) return value_text(m.mean);
  const double half_width = (*m.high - *m.low) / 2.0;
  return value_text(m.mean) + " ± " +
         (half_width >= 100 ? fmt::format("{:.0f}", half_width)
                            : fmt::format("{:.3g}", half_width));
}

// The value a point sets for a sweep key, or "".
std::string value_of(const ExperimentPoint& point, const std::string& key) {
  for (const auto& [k, v] : point.values) {
    if (k == key) return v;
  }
  return "";
}

std::string chart_id(std::string_view prefix, std::string_view path) {
  std::string id(prefix);
  for (const char c : path) id += (c == '.' || c == '_') ? '-' : c;
  return id;
}

}  // namespace

BarChart outcome_bars(const std::vector<std::string>& labels,
                      const std::vector<PointAggregate>& aggregates) {
  BarChart chart;
  chart.id = "chart-outcomes";
  chart.title = "Outcomes: drops by cause and unresolved duplicates";
  const bool replicated = std::any_of(aggregates.begin(), aggregates.end(), [](const auto& a) {
    const MeanInterval* m = a.find("dropped.final");
    return m != nullptr && m->n > 1;
  });
  chart.y_label = replicated ? "orders per run (mean, 95% CI)" : "orders";
  chart.series = labels;
  for (const char* path : kOutcomeMetrics) {
    BarGroup group{path, {}};
    for (const PointAggregate& a : aggregates) group.values.push_back(bar_value(a.find(path)));
    chart.groups.push_back(std::move(group));
  }
  return chart;
}

StackedBarChart resolved_by_bars(const std::vector<std::string>& labels,
                                 const std::vector<PointAggregate>& aggregates) {
  StackedBarChart chart;
  chart.id = "chart-resolved-by";
  chart.title = "How PAID orders learned of their payment (resolved_by)";
  chart.x_label = "share of the orders resolved (%), from mean counts over replications";
  std::vector<std::string_view> paths;
  for (const ScalarMetric& m : scalar_metrics()) {
    if (metric_group_of(m.path) != "resolved_by") continue;
    paths.push_back(m.path);
    chart.segments.emplace_back(metric_key_of(m.path));
  }
  for (std::size_t p = 0; p < aggregates.size(); ++p) {
    StackedRow row{labels[p], {}};
    for (const std::string_view path : paths) row.values.push_back(aggregates[p].mean(path));
    chart.rows.push_back(std::move(row));
  }
  return chart;
}

std::optional<double> sweep_number(std::string_view text, bool* duration) {
  *duration = false;
  if (text.empty()) return std::nullopt;
  const std::string s(text);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || !std::isfinite(v)) return std::nullopt;
  const std::string_view unit(end);
  if (unit.empty()) return v;
  *duration = true;
  if (unit == "ms") return v / 1000.0;
  if (unit == "s") return v;
  if (unit == "m") return v * 60.0;
  if (unit == "h") return v * 3600.0;
  *duration = false;
  return std::nullopt;
}

std::vector<LineChart> sweep_line_charts(const Experiment& e,
                                         const std::vector<PointAggregate>& aggregates) {
  if (e.kind != "sweep" || e.axes.size() != 1 || e.points.size() < 2) return {};
  const std::string& key = e.axes[0].key;
  std::vector<double> xs;
  bool any_duration = false;
  bool all_durations = true;
  for (const ExperimentPoint& point : e.points) {
    bool duration = false;
    const std::optional<double> x = sweep_number(value_of(point, key), &duration);
    if (!x) return {};
    any_duration = any_duration || duration;
    all_durations = all_durations && (duration || *x == 0.0);
    xs.push_back(*x);
  }
  if (any_duration && !all_durations) return {};
  // The points in increasing value (the grid's order is the file's, which need not be sorted).
  std::vector<std::size_t> order(e.points.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return xs[a] < xs[b]; });
  std::vector<LineChart> charts;
  for (const KeyMetric& metric : kKeyMetrics) {
    LineChart chart;
    chart.id = chart_id("chart-sweep-", metric.path);
    chart.title = fmt::format("{} against {}", metric.label, key);
    chart.x_label = any_duration ? key + " (s)" : key;
    chart.y_label = e.seeds.size() > 1 ? std::string(metric.label) + ", mean and 95% CI"
                                       : std::string(metric.label);
    chart.markers = true;
    ChartSeries series{metric.label, {}, {}};
    bool any_interval = false;
    for (const std::size_t i : order) {
      const MeanInterval* m = aggregates[i].find(metric.path);
      if (m == nullptr || m->n == 0) continue;  // a latency no order reached: no point
      series.points.emplace_back(xs[i], m->mean);
      const bool spread = has_spread(*m);
      any_interval = any_interval || spread;
      series.band.emplace_back(spread ? *m->low : m->mean, spread ? *m->high : m->mean);
    }
    if (!any_interval) series.band.clear();
    chart.series.push_back(std::move(series));
    charts.push_back(std::move(chart));
  }
  return charts;
}

std::vector<HeatMap> sweep_heat_maps(const Experiment& e,
                                     const std::vector<PointAggregate>& aggregates) {
  if (e.kind != "sweep" || e.axes.size() != 2) return {};
  const SweepAxisValues& down = e.axes[0];
  const SweepAxisValues& across = e.axes[1];
  std::vector<HeatMap> maps;
  for (const KeyMetric& metric : kKeyMetrics) {
    HeatMap map;
    map.id = chart_id("chart-heat-", metric.path);
    map.title = e.seeds.size() > 1 ? fmt::format("{} (mean ± 95% half-width)", metric.label)
                                   : std::string(metric.label);
    map.row_label = down.key;
    map.column_label = across.key;
    map.rows = down.values;
    map.columns = across.values;
    for (const std::string& row_value : down.values) {
      std::vector<HeatMapCell> row;
      for (const std::string& column_value : across.values) {
        HeatMapCell cell{std::nullopt, "-"};
        for (std::size_t p = 0; p < e.points.size(); ++p) {
          if (value_of(e.points[p], down.key) != row_value ||
              value_of(e.points[p], across.key) != column_value)
            continue;
          const MeanInterval* m = aggregates[p].find(metric.path);
          if (m == nullptr) break;
          cell.text = cell_text(*m);
          if (m->n > 0) cell.value = m->mean;
          break;
        }
        row.push_back(std::move(cell));
      }
      map.cells.push_back(std::move(row));
    }
    maps.push_back(std::move(map));
  }
  return maps;
}

}  // namespace reports::internal
