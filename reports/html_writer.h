// The HTML report people read: one self-contained file (inline CSS and inline SVG only: no
// scripts, no network, no external fonts), dark text on a light page, that opens from disk in any
// browser. It holds, in order: the title and the facts of the run (scenario, seeds, ...), a
// key-metrics table, the Expectations (the scenario's expect block as evaluated: metric,
// threshold, actual value, pass or fail; or a sentence saying there is none), the outcomes (bars
// of drops by cause and unresolved duplicates per point with 95% error bars, the resolved-by mix
// as stacked shares), for a sweep the key metrics against the swept values (lines with a
// confidence band for one numeric axis, heat maps for two), the charts — the
// charge→paid latency CDF per series (log x axis in ms), pending payments, query rate and the p99
// of charge→paid over time per series (minutes on x; a minute without a PAID order is a gap in
// the p99 line, not 0 ms) and, when there are scatter points, the cost-vs-latency chart with its
// Pareto front — then the full metrics table (metrics as rows, series as columns, the best value
// marked) and notes.
//
// render_html only lays out what it is given; the builders below turn a run or an experiment into
// that input. Output depends only on the input, so equal inputs give byte-identical files.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reports/experiment.h"
#include "reports/histogram.h"
#include "reports/report.h"
#include "reports/svg_bars.h"
#include "reports/svg_chart.h"

namespace reports {

// One variant, sweep point or run, as the charts draw it.
struct HtmlSeries {
  std::string name;
  LogHistogram charge_to_paid_us;
  std::vector<double> pending_payments;    // per simulated minute
  std::vector<double> queries_per_minute;  // per simulated minute
  // Per simulated minute (PointAggregate::charge_to_paid_p99_ms); nullopt: no sample, a gap.
  std::vector<std::optional<double>> charge_to_paid_p99_ms;
};

// A table of text cells; best[r][c] marks a cell as the best of its row.
struct HtmlTable {
  std::string caption;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<bool>> best;   // empty, or the same shape as rows
  std::vector<std::string> row_classes;  // empty, or a CSS class per row ("" for none)
};

struct HtmlReport {
  std::string title;
  std::vector<std::pair<std::string, std::string>> facts;  // label -> value, shown under the title
  HtmlTable key_table;                                     // may be empty
  // A row per expect entry (internal/html_expectations.h); no rows: the scenario has none.
  HtmlTable expectations;
  // Outcomes (each drawn when it has groups or rows): drops by cause and unresolved duplicates per
  // point, and how PAID orders learned of their payment.
  BarChart outcomes;
  StackedBarChart resolved_by;
  // A sweep: each key metric against a one-axis numeric sweep's value, or a heat map per key
  // metric over two axes; a sentence when neither fits.
  std::vector<LineChart> sweep_lines;
  std::vector<HeatMap> sweep_heat_maps;
  std::string sweep_note;
  std::vector<HtmlSeries> series;
  std::vector<ScatterPoint> cost_latency;  // may be empty: no scatter chart
  HtmlTable full_table;
  std::vector<std::string> notes;
};

std::string render_html(const HtmlReport& report);

// One run (`paysim run --format html`). `expect_as_written`: the value text of each expect entry
// as the scenario file has it ("< 60000", "0"), parallel to report.expect; shown beside the
// evaluated threshold when given.
HtmlReport html_for_run(const Report& report,
                        const std::vector<std::string>& expect_as_written = {});
// A compare or a sweep: one series per point, cells "mean ± half-width" of the 95% interval.
HtmlReport html_for_experiment(const Experiment& experiment);

}  // namespace reports
