// The charts of the HTML report that help choose between designs, built from each point's
// aggregate (reports/experiment.h; a single run is one point of one replication): outcome bars,
// the resolved-by mix, and for sweeps the key metrics against the swept values. Internal to
// reports/; html_builders.cpp puts them into an HtmlReport.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reports/experiment.h"
#include "reports/svg_bars.h"
#include "reports/svg_chart.h"

namespace reports::internal {

// The metrics an architect reads first, with the label tables and charts give them.
struct KeyMetric {
  const char* path;
  const char* label;
};
inline constexpr KeyMetric kKeyMetrics[] = {
    {"dropped.final", "dropped.final"},
    {"dropped.user_visible", "dropped.user_visible"},
    {"duplicates.unresolved", "duplicates.unresolved"},
    {"latency.charge_to_paid_ms.p99", "charge→paid p99 (ms)"},
    {"cost.channel_queries", "channel queries"},
    {"cost.peak_query_qps", "peak query qps"},
};

// Drops by cause, unresolved duplicates and user-visible drops: a group per metric, a bar per
// point (labels[i] names aggregates[i]), error bars from the replications' 95% intervals.
BarChart outcome_bars(const std::vector<std::string>& labels,
                      const std::vector<PointAggregate>& aggregates);

// A bar per point of its resolved_by.* means (the metric table's resolved_by group, in its
// order), as shares of the point's total.
StackedBarChart resolved_by_bars(const std::vector<std::string>& labels,
                                 const std::vector<PointAggregate>& aggregates);

// A sweep value as a number: "250", "0.5", or a duration ("500ms", "10s", "2m", "1h") in seconds;
// nullopt for anything else. `duration` says whether it had a time unit.
std::optional<double> sweep_number(std::string_view text, bool* duration);

// For a sweep over one axis whose values are all numbers: each key metric against the value, a
// band and error bars for the 95% interval when there are replications. Otherwise none.
std::vector<LineChart> sweep_line_charts(const Experiment& experiment,
                                         const std::vector<PointAggregate>& aggregates);
// For a sweep over two axes: a heat map per key metric, the first axis down, the second across.
std::vector<HeatMap> sweep_heat_maps(const Experiment& experiment,
                                     const std::vector<PointAggregate>& aggregates);

}  // namespace reports::internal
