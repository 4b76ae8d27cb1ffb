// The charts that help choose between designs (reports/svg_bars.h, the sweep and outcome builders
// of reports/internal/html_charts.h): the right number of bars, segments and cells, error bars
// that span the confidence interval, and line-chart series that stay visible when identical.
#include "reports/svg_bars.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "reports/experiment.h"
#include "reports/html_writer.h"
#include "reports/internal/html_charts.h"
#include "reports/svg_chart.h"

namespace reports {
namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size()))
    ++n;
  return n;
}

TEST(BarChart, DrawsABarPerSeriesAndGroupAndAnErrorBarPerInterval) {
  BarChart chart{"chart-x", "Outcomes", "orders", {"base", "polling", "delay"}, {}};
  for (const char* metric : {"a", "b", "c", "d"}) {
    chart.groups.push_back({metric, {{3, 1, 5}, {0, std::nullopt, std::nullopt}, {7.5, 6, 9}}});
  }
  const std::string svg = render_bar_chart(chart);
  EXPECT_EQ(count(svg, "<rect class=\"bar\""), 12u);
  EXPECT_EQ(count(svg, "class=\"error-bar\""), 8u);
  EXPECT_NE(svg.find("class=\"error-bar\" data-low=\"6\" data-high=\"9\""), std::string::npos);
  EXPECT_EQ(count(svg, "data-series=\"polling\""), 4u);
  EXPECT_EQ(count(svg, "class=\"tick group-label\""), 4u);
  EXPECT_EQ(render_bar_chart(chart), svg) << "deterministic";
}

// The error bar's ends are the interval's, on the same scale as the bar: its top is above the bar
// top by as much as high is above the mean.
TEST(BarChart, ErrorBarExtentsMatchTheInterval) {
  const BarChart chart{"c", "t", "y", {"only"}, {{"g", {{10, 5, 20}}}}};
  const std::string svg = render_bar_chart(chart);
  std::smatch bar;
  ASSERT_TRUE(std::regex_search(svg, bar,
                                std::regex("class=\"bar\"[^>]* y=\"([0-9.]+)\" width=\"[0-9.]+\" "
                                           "height=\"([0-9.]+)\"")));
  const double top = std::stod(bar[1]);
  const double bottom = top + std::stod(bar[2]);
  std::smatch err;
  ASSERT_TRUE(std::regex_search(
      svg, err,
      std::regex("data-low=\"5\" data-high=\"20\" d=\"M[0-9.]+,([0-9.]+) L[0-9.]+,([0-9.]+)")));
  const double low_px = std::stod(err[1]);
  const double high_px = std::stod(err[2]);
  const double px_per_unit = (bottom - top) / 10.0;
  EXPECT_NEAR(bottom - low_px, 5 * px_per_unit, 0.02);
  EXPECT_NEAR(bottom - high_px, 20 * px_per_unit, 0.02);
}

TEST(StackedBarChart, DrawsOnlyNonZeroSegmentsAsShares) {
  const StackedBarChart chart{"chart-mix",
                              "Mix",
                              "share (%)",
                              {"callback", "polling", "sync"},
                              {{"a", {75, 25, 0}}, {"b", {0, 0, 10}}, {"c", {0, 0, 0}}}};
  const std::string svg = render_stacked_bar_chart(chart);
  EXPECT_EQ(count(svg, "<rect class=\"segment\""), 3u);
  EXPECT_NE(svg.find("a, callback: 75 (75.0%)"), std::string::npos);
  EXPECT_NE(svg.find(">75%</text>"), std::string::npos);
  EXPECT_NE(svg.find(">100%</text>"), std::string::npos);
  EXPECT_NE(svg.find("nothing resolved"), std::string::npos);
}

TEST(HeatMap, DrawsACellPerRowAndColumnWithItsText) {
  HeatMap map{"chart-heat", "p99", "interval", "source", {"10s", "60s"}, {"x", "y", "z"}, {}};
  map.cells = {{{1.0, "1"}, {2.0, "2 ± 0.5"}, {std::nullopt, "none"}},
               {{4.0, "4"}, {5.0, "5"}, {6.0, "6"}}};
  const std::string svg = render_heat_map(map);
  EXPECT_EQ(count(svg, "<rect class=\"cell\""), 6u);
  EXPECT_NE(svg.find(">2 ± 0.5</text>"), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#e0e0e0\""), std::string::npos) << "no value: grey";
  EXPECT_NE(svg.find("fill=\"#f7fbff\""), std::string::npos) << "the lowest value";
  EXPECT_NE(svg.find("fill=\"#08306b\""), std::string::npos) << "the highest value";
}

TEST(LineChart, IdenticalSeriesStayVisibleAndTheLegendSaysSo) {
  LineChart chart;
  chart.id = "c";
  chart.series = {{"first", {{0, 1}, {1, 2}}, {}}, {"second", {{0, 1}, {1, 2}}, {}}};
  const std::string svg = render_line_chart(chart);
  EXPECT_NE(svg.find("second (= first)"), std::string::npos);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      svg, m, std::regex("data-series=\"second\"[^>]*stroke-dasharray=\"([0-9 ]+)\"")));
  EXPECT_FALSE(m[1].str().empty()) << "the top series is dashed, the one below shows through";
}

Report run(std::uint64_t dropped_external, std::uint64_t callbacks, std::uint64_t polled) {
  Report r;
  r.scenario = "s";
  r.orders.created = 100;
  r.dropped.final_external = dropped_external;
  r.dropped.final = dropped_external;
  r.resolved_by.callback = callbacks;
  r.resolved_by.polling = polled;
  r.cost.channel_queries = 10 * polled;
  return r;
}

TEST(HtmlCharts, OutcomeBarsCarryTheReplicationsInterval) {
  const Report a1 = run(2, 90, 10);
  const Report a2 = run(4, 80, 20);
  const Report a3 = run(9, 85, 15);
  const ExperimentPoint point{"p", {}, {&a1, &a2, &a3}};
  const std::vector<PointAggregate> aggregates = {aggregate_point(point)};
  const BarChart bars = internal::outcome_bars({"p"}, aggregates);
  ASSERT_EQ(bars.groups.size(), 4u);
  EXPECT_EQ(bars.groups[0].label, "dropped.final_external");
  const MeanInterval* m = aggregates[0].find("dropped.final_external");
  ASSERT_TRUE(m->low && m->high);
  EXPECT_EQ(bars.groups[0].values[0].value, 5.0);
  EXPECT_EQ(bars.groups[0].values[0].low, m->low);
  EXPECT_EQ(bars.groups[0].values[0].high, m->high);
  EXPECT_FALSE(bars.groups[1].values[0].low) << "all equal: no interval";

  // The resolved-by mix takes its segments from the metric table.
  const StackedBarChart mix = internal::resolved_by_bars({"p"}, aggregates);
  EXPECT_EQ(mix.segments,
            (std::vector<std::string>{"callback", "polling", "delay_message", "order_query", "sync",
                                      "reconciliation", "close"}));
  EXPECT_EQ(mix.rows[0].values[0], 85.0);
  EXPECT_EQ(mix.rows[0].values[1], 15.0);
}

TEST(HtmlCharts, SweepNumbersReadDurationsAsSeconds) {
  bool duration = false;
  EXPECT_EQ(internal::sweep_number("250", &duration), 250.0);
  EXPECT_FALSE(duration);
  EXPECT_EQ(internal::sweep_number("500ms", &duration), 0.5);
  EXPECT_TRUE(duration);
  EXPECT_EQ(internal::sweep_number("2m", &duration), 120.0);
  EXPECT_FALSE(internal::sweep_number("pending_table", &duration));
  EXPECT_FALSE(internal::sweep_number("[10s, 30s]", &duration));
}

TEST(HtmlCharts, OneNumericAxisGivesLinesWithBandsTwoAxesGiveHeatMaps) {
  const Report r1 = run(2, 90, 10);
  const Report r2 = run(4, 80, 20);
  const Report r3 = run(6, 70, 30);
  const std::string key = "system.compensation.polling.interval";
  // The grid in the file's order, not sorted: the line is drawn in increasing value.
  Experiment one{"sweep", "s", {1, 2}, {}, {{key, {"60s", "10s"}}}, {}};
  one.points = {{key + "=60s", {{key, "60s"}}, {&r1, &r2}},
                {key + "=10s", {{key, "10s"}}, {&r2, &r3}}};
  std::vector<PointAggregate> aggregates;
  for (const ExperimentPoint& p : one.points) aggregates.push_back(aggregate_point(p));
  const std::vector<LineChart> lines = internal::sweep_line_charts(one, aggregates);
  ASSERT_EQ(lines.size(), std::size(internal::kKeyMetrics));
  EXPECT_EQ(lines[0].x_label, key + " (s)");
  ASSERT_EQ(lines[0].series.size(), 1u);
  EXPECT_EQ(lines[0].series[0].points,
            (std::vector<std::pair<double, double>>{{10.0, 5.0}, {60.0, 3.0}}));
  ASSERT_EQ(lines[0].series[0].band.size(), 2u);
  EXPECT_EQ(lines[0].series[0].band[0].first, *aggregates[1].find("dropped.final")->low);
  const std::string svg = render_line_chart(lines[0]);
  EXPECT_EQ(count(svg, "class=\"band\""), 1u);
  EXPECT_EQ(count(svg, "class=\"error-bar\""), 2u);
  EXPECT_TRUE(internal::sweep_heat_maps(one, aggregates).empty());

  Experiment two{"sweep", "s", {1}, {}, {{"a", {"1", "2"}}, {"b", {"x", "y", "z"}}}, {}};
  std::vector<PointAggregate> two_aggregates;
  for (const char* a : {"1", "2"}) {
    for (const char* b : {"x", "y", "z"}) {
      two.points.push_back({std::string("a=") + a + ", b=" + b, {{"a", a}, {"b", b}}, {&r1}});
      two_aggregates.push_back(aggregate_point(two.points.back()));
    }
  }
  EXPECT_TRUE(internal::sweep_line_charts(two, two_aggregates).empty());
  const std::vector<HeatMap> maps = internal::sweep_heat_maps(two, two_aggregates);
  ASSERT_EQ(maps.size(), std::size(internal::kKeyMetrics));
  EXPECT_EQ(maps[0].rows, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(maps[0].columns, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(maps[0].cells[1][2].text, "2");
  EXPECT_EQ(count(render_heat_map(maps[0]), "<rect class=\"cell\""), 6u);
}

}  // namespace
}  // namespace reports
