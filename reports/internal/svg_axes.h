// The frame every chart of svg_chart.h shares: the plot area inside the margins, linear and
// log-10 scales, "nice" tick positions, and the SVG text for axes, grid lines, tick labels and
// axis titles. Internal to reports/.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace reports::internal {

struct Scale {
  double domain_low = 0.0;
  double domain_high = 1.0;
  double range_low = 0.0;  // pixels
  double range_high = 1.0;
  bool log = false;

  double operator()(double v) const;
};

// Frame geometry: the whole svg is width x height; the plot is the rectangle inside the margins.
struct Frame {
  double width = 1100;
  double height = 380;
  double left = 84;
  double right = 320;  // room for the legend
  double top = 44;
  double bottom = 58;
  double plot_left() const { return left; }
  double plot_right() const { return width - right; }
  double plot_top() const { return top; }
  double plot_bottom() const { return height - bottom; }
};

// The height of one legend row beside a plot.
inline constexpr double kLegendRow = 18.0;
// The frame's height with room for a legend of `rows` rows beside the plot, at least `height`.
inline double height_with_legend(const Frame& f, double height, std::size_t rows) {
  return std::max(height, f.top + 20 + kLegendRow * static_cast<double>(rows) + f.bottom);
}

// Up to about `target` ticks at 1, 2 or 5 times a power of ten covering [low, high]; the first
// and last tick bound the range (so a scale built on them includes every value).
std::vector<double> nice_ticks(double low, double high, int target = 6);
// Powers of ten covering [low, high] (low > 0), at least two.
std::vector<double> decade_ticks(double low, double high);

// "0.5", "12", "1.5k", "2M": short tick text.
std::string tick_text(double v);
// A number for SVG coordinates: 2 decimals, no trailing zeros.
std::string coord(double v);
// XML-escaped text for element content or attributes.
std::string escape(std::string_view text);

// <svg ...><title>…</title> opening with the chart title drawn at the top left.
std::string svg_open(const Frame& frame, std::string_view id, std::string_view title);
// Grid lines, axis lines, tick labels and the axis titles.
std::string svg_axes(const Frame& frame, const Scale& x, const std::vector<double>& x_ticks,
                     const Scale& y, const std::vector<double>& y_ticks, std::string_view x_label,
                     std::string_view y_label, std::string_view y_suffix);

// A vertical error bar (class "error-bar") at x from low_px to high_px with caps `cap` wide;
// data-low and data-high carry the interval's values.
std::string error_bar(double x, double low_px, double high_px, double cap, std::string_view colour,
                      double low, double high);

// Series colours (Tableau 10, dark enough on white) and dash patterns ("" solid, else an SVG
// stroke-dasharray): series i has colour i % 10 and dash i % 6.
std::string series_colour(std::size_t i);
std::string series_dash(std::size_t i);

}  // namespace reports::internal
