// Inline SVG charts for the HTML report: line charts (a linear or log-10 x axis, many series with
// a legend) and a scatter chart that marks the Pareto front. Each chart is one self-contained
// <svg> element: a <title> for screen readers and tests, a visible title, labelled axes with
// grid lines and tick labels, and one <path class="series" data-series="NAME"> per series (with a
// <circle class="dot"> for a point alone between gaps; or one <circle class="point"
// data-label="LABEL"> per scatter point). Dark on light, no scripts, no
// external fonts; text is XML-escaped. Output depends only on the input (deterministic).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace reports {

struct ChartSeries {
  std::string name;
  // (x, y) in increasing x. A NaN y is a gap: the line stops before it and starts again after it
  // (a minute with no sample is not 0), and a point with gaps on both sides is drawn as a dot.
  std::vector<std::pair<double, double>> points;
  // Empty, or parallel to points (then without gaps): the 95% confidence interval (low, high) of
  // each y, drawn as a shaded band with an error bar at each point.
  std::vector<std::pair<double, double>> band;
};

struct LineChart {
  std::string id;       // the svg's id attribute, e.g. "chart-latency-cdf"
  std::string title;    // shown above the chart and as its <title>
  std::string x_label;  // with units, e.g. "charge→paid latency (ms, log scale)"
  std::string y_label;
  bool log_x = false;           // x > 0 required on a log axis; other points are left out
  std::optional<double> y_min;  // default: 0
  std::optional<double> y_max;  // default: the data's maximum, rounded up to a nice number
  std::string y_unit_suffix;    // appended to y tick labels, e.g. "%"
  std::vector<ChartSeries> series;
  bool markers = false;  // a dot at every point (few points, e.g. one per sweep value)
};

struct ScatterPoint {
  ScatterPoint() = default;
  ScatterPoint(std::string label_text, double x_value, double y_value)
      : label(std::move(label_text)), x(x_value), y(y_value) {}

  std::string label;
  double x = 0.0;
  double y = 0.0;
  std::optional<double> y_low;  // the 95% confidence interval of y, drawn as an error bar
  std::optional<double> y_high;
};

struct ScatterChart {
  std::string id;
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<ScatterPoint> points;
};

// Every series has its own colour and dash pattern, so a series drawn exactly over another still
// shows through its gaps; the legend names a series whose points equal an earlier one's
// ("= NAME"). A series with a band gets a shaded band (class "band") and error bars.
std::string render_line_chart(const LineChart& chart);
// Lower is better on both axes: the Pareto front (pareto_front) is drawn as a red staircase and its
// points are filled; every point is labelled, without overlap (internal/label_placement.h): a
// label that fits nowhere near its point becomes a number listed under the chart.
std::string render_scatter_chart(const ScatterChart& chart);

// Indices of the points no other point dominates when lower x and lower y are better (a point
// dominates another when it is no worse on both axes and better on one), in increasing x.
std::vector<std::size_t> pareto_front(const std::vector<ScatterPoint>& points);

}  // namespace reports
