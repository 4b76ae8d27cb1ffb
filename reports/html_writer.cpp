#include "reports/html_writer.h"

#include <fmt/format.h>

#include <limits>

#include "reports/internal/svg_axes.h"

namespace reports {
namespace {

using internal::escape;

// Dark on light, system fonts only (nothing to download), tables that scroll sideways when wide.
constexpr const char* kStyle = R"css(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1a1a1a;
       background: #fbfbf8; margin: 24px 32px; line-height: 1.4; }
h1 { font-size: 24px; margin: 0 0 8px 0; }
h2 { font-size: 18px; margin: 28px 0 8px 0; border-bottom: 1px solid #d0d0c8; padding-bottom: 4px; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; margin: 0 0 12px 0; }
dl.facts dt { color: #555; } dl.facts dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 13px; background: #ffffff; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid #d0d0c8; padding: 3px 8px; text-align: right; white-space: nowrap; }
th { background: #efefe8; } td:first-child, th:first-child { text-align: left; }
td.best { background: #dff3df; font-weight: 700; }
tr.fail td { background: #fbe4e4; } tr.fail td:last-child { color: #a30000; font-weight: 700; }
tr.pass td:last-child { color: #1d6b1d; }
svg.chart { display: block; margin: 8px 0 16px 0; background: #ffffff; border: 1px solid #d0d0c8; max-width: 100%;
            height: auto; }
svg .chart-title { font-size: 16px; font-weight: 600; fill: #1a1a1a; }
svg .tick { font-size: 12px; fill: #333333; } svg .axis-label { font-size: 13px; fill: #1a1a1a; }
svg .legend-text, svg .point-label { font-size: 12px; fill: #1a1a1a; }
svg .grid { stroke: #e4e4de; stroke-width: 1; } svg .plot-frame { fill: none; stroke: #555555; stroke-width: 1; }
svg .no-data { font-size: 14px; fill: #777777; }
svg .bar-value, svg .segment-value, svg .cell-value { font-size: 11px; } svg .bar-value { fill: #1a1a1a; }
svg .segment-value, svg .cell-value { font-weight: 600; }
.chart-wrap { overflow-x: auto; max-width: 100%; } .chart-wrap svg.chart { max-width: none; }
p.note { color: #444; font-size: 13px; max-width: 70em; }
)css";

std::string table_html(const HtmlTable& table) {
  if (table.header.empty()) return "";
  std::string out = "<div class=\"table-wrap\"><table>\n";
  if (!table.caption.empty()) out += "<caption>" + escape(table.caption) + "</caption>\n";
  out += "<thead><tr>";
  for (const std::string& h : table.header) out += "<th>" + escape(h) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const bool has_class = r < table.row_classes.size() && !table.row_classes[r].empty();
    out += has_class ? "<tr class=\"" + escape(table.row_classes[r]) + "\">" : "<tr>";
    for (std::size_t c = 0; c < table.rows[r].size(); ++c) {
      const bool best = r < table.best.size() && c < table.best[r].size() && table.best[r][c];
      out += best ? "<td class=\"best\">" + escape(table.rows[r][c]) + " ★</td>"
                  : "<td>" + escape(table.rows[r][c]) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody></table></div>\n";
  return out;
}

LineChart latency_cdf(const std::vector<HtmlSeries>& series) {
  LineChart chart{"chart-latency-cdf",
                  "Charge→paid latency, cumulative distribution",
                  "charge→paid latency (ms, log scale)",
                  "charged orders PAID within x (%)",
                  true,
                  0.0,
                  100.0,
                  "%",
                  {}};
  for (const HtmlSeries& s : series) {
    ChartSeries line{s.name, {}, {}};
    const double total = static_cast<double>(s.charge_to_paid_us.count());
    double cumulative = 0.0;
    for (const HistogramBucket& b : s.charge_to_paid_us.nonempty_buckets()) {
      if (line.points.empty() && b.upper > 0)
        line.points.emplace_back(static_cast<double>(b.lower) / 1000.0, 100.0 * cumulative / total);
      cumulative += static_cast<double>(b.count);
      if (b.upper > 0)
        line.points.emplace_back(static_cast<double>(b.upper) / 1000.0, 100.0 * cumulative / total);
    }
    chart.series.push_back(std::move(line));
  }
  return chart;
}

enum class OverTime { kPendingPayments, kQueryRate, kChargeToPaidP99 };

LineChart per_minute(const std::vector<HtmlSeries>& series, OverTime what) {
  LineChart chart;
  chart.x_label = "simulated time (minutes)";
  switch (what) {
    case OverTime::kPendingPayments:
      chart.id = "chart-pending-payments";
      chart.title = "Pending payments over time";
      chart.y_label = "pending payments (peak in minute)";
      break;
    case OverTime::kQueryRate:
      chart.id = "chart-query-rate";
      chart.title = "Channel query rate over time";
      chart.y_label = "active queries per second (minute mean)";
      break;
    case OverTime::kChargeToPaidP99:
      chart.id = "chart-charge-to-paid-p99";
      chart.title = "p99 charge→paid per minute (ms)";
      chart.y_label = "p99 charge→paid of orders PAID in the minute (ms)";
      break;
  }
  for (const HtmlSeries& s : series) {
    ChartSeries line{s.name, {}, {}};
    if (what == OverTime::kChargeToPaidP99) {
      // A minute without a sample is a gap (NaN), not 0 ms.
      for (std::size_t m = 0; m < s.charge_to_paid_p99_ms.size(); ++m) {
        line.points.emplace_back(
            static_cast<double>(m),
            s.charge_to_paid_p99_ms[m].value_or(std::numeric_limits<double>::quiet_NaN()));
      }
    } else {
      const bool queries = what == OverTime::kQueryRate;
      const std::vector<double>& values = queries ? s.queries_per_minute : s.pending_payments;
      for (std::size_t m = 0; m < values.size(); ++m) {
        line.points.emplace_back(static_cast<double>(m), queries ? values[m] / 60.0 : values[m]);
      }
    }
    chart.series.push_back(std::move(line));
  }
  return chart;
}

}  // namespace

std::string render_html(const HtmlReport& report) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + escape(report.title) + "</title>\n<style>" + kStyle +
         "</style>\n</head>\n<body>\n";
  out += "<h1>" + escape(report.title) + "</h1>\n<dl class=\"facts\">\n";
  for (const auto& [label, value] : report.facts) {
    out += "<dt>" + escape(label) + "</dt><dd>" + escape(value) + "</dd>\n";
  }
  out += "</dl>\n";
  if (!report.key_table.header.empty())
    out += "<h2>Key metrics</h2>\n" + table_html(report.key_table);
  out += "<h2 id=\"expectations\">Expectations</h2>\n";
  out += report.expectations.rows.empty()
             ? "<p class=\"note\">No expectations: the scenario has no <code>expect:</code> "
               "block.</p>\n"
             : table_html(report.expectations);
  if (!report.outcomes.groups.empty() || !report.resolved_by.rows.empty()) {
    out += "<h2>Outcomes</h2>\n";
    if (!report.outcomes.groups.empty()) out += render_bar_chart(report.outcomes);
    if (!report.resolved_by.rows.empty()) out += render_stacked_bar_chart(report.resolved_by);
  }
  if (!report.sweep_lines.empty() || !report.sweep_heat_maps.empty() ||
      !report.sweep_note.empty()) {
    out += "<h2>Against the swept values</h2>\n";
    for (const LineChart& chart : report.sweep_lines) out += render_line_chart(chart);
    for (const HeatMap& map : report.sweep_heat_maps) {
      out += "<div class=\"chart-wrap\">" + render_heat_map(map) + "</div>\n";
    }
    if (!report.sweep_note.empty())
      out += "<p class=\"note\">" + escape(report.sweep_note) + "</p>\n";
  }
  out += "<h2>Consistency latency</h2>\n" + render_line_chart(latency_cdf(report.series));
  out += "<h2>Over time</h2>\n";
  for (OverTime what :
       {OverTime::kPendingPayments, OverTime::kQueryRate, OverTime::kChargeToPaidP99})
    out += render_line_chart(per_minute(report.series, what));
  if (!report.cost_latency.empty()) {
    const ScatterChart scatter{"chart-cost-latency", "Cost against consistency latency",
                               "channel queries per order (cost)", "p99 charge→paid latency (ms)",
                               report.cost_latency};
    out += "<h2>Cost against latency</h2>\n" + render_scatter_chart(scatter);
  }
  out += "<h2>All metrics</h2>\n" + table_html(report.full_table);
  for (const std::string& note : report.notes)
    out += "<p class=\"note\">" + escape(note) + "</p>\n";
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace reports
