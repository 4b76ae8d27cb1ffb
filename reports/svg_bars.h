// Inline SVG charts for choosing between designs, beside reports/svg_chart.h's line and scatter
// charts, with the same frame, fonts and colours: grouped bars with error bars, stacked bars and
// a heat map. Each is one self-contained <svg> with a <title>; every bar, segment and cell carries
// a <title> with its exact value. Output depends only on the input (deterministic).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace reports {

// A bar's height and, when there were replications, its 95% confidence interval.
struct BarValue {
  double value = 0.0;
  std::optional<double> low;
  std::optional<double> high;
};

struct BarGroup {
  std::string label;             // under the group, e.g. the metric
  std::vector<BarValue> values;  // one per series of the chart, in its order
};

// Groups along x, one bar per series in each, coloured as the line charts colour their series.
// A bar with an interval gets an error bar (class "error-bar", data-low/data-high the interval);
// an interval below 0 is drawn clipped at the axis, its data-low the true value.
struct BarChart {
  std::string id;
  std::string title;
  std::string y_label;
  std::vector<std::string> series;  // legend, one row per series
  std::vector<BarGroup> groups;
};

// Horizontal bars of segments, one bar per row, each row's segments in `segments` order and
// coloured by segment; a row's values are shown as shares of the row's total (x from 0 to 100%)
// and a segment wide enough prints its share. A zero segment draws nothing; a row with a total of
// 0 draws "nothing resolved".
struct StackedRow {
  std::string label;
  std::vector<double> values;  // one per segment
};

struct StackedBarChart {
  std::string id;
  std::string title;
  std::string x_label;
  std::vector<std::string> segments;
  std::vector<StackedRow> rows;
};

// A grid of cells (rows x columns), each coloured by its value on a light-to-dark scale between
// the grid's minimum and maximum and printing its text; a cell without a value is grey.
struct HeatMapCell {
  std::optional<double> value;
  std::string text;  // what the cell prints, e.g. "12 ± 3"
};

struct HeatMap {
  std::string id;
  std::string title;
  std::string row_label;     // the axis down the side, e.g. a sweep key
  std::string column_label;  // the axis along the top
  std::vector<std::string> rows;
  std::vector<std::string> columns;
  std::vector<std::vector<HeatMapCell>> cells;  // [row][column]
};

std::string render_bar_chart(const BarChart& chart);
std::string render_stacked_bar_chart(const StackedBarChart& chart);
std::string render_heat_map(const HeatMap& map);

}  // namespace reports
