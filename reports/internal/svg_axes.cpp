#include "reports/internal/svg_axes.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "reports/junit_writer.h"

namespace reports::internal {

double Scale::operator()(double v) const {
  double lo = domain_low;
  double hi = domain_high;
  if (log) {
    v = std::log10(std::max(v, 1e-300));
    lo = std::log10(lo);
    hi = std::log10(hi);
  }
  const double t = hi > lo ? (v - lo) / (hi - lo) : 0.0;
  return range_low + t * (range_high - range_low);
}

std::vector<double> nice_ticks(double low, double high, int target) {
  if (!(high > low)) high = low + 1.0;
  const double raw = (high - low) / std::max(1, target - 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  const double first = std::floor(low / step) * step;
  for (double t = first; ticks.size() < 50; t += step) {
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
    if (t >= high - step * 1e-9) break;
  }
  return ticks;
}

std::vector<double> decade_ticks(double low, double high) {
  low = std::max(low, 1e-3);
  high = std::max(high, low * 10);
  std::vector<double> ticks;
  for (double t = std::pow(10.0, std::floor(std::log10(low))); ticks.size() < 30; t *= 10) {
    ticks.push_back(t);
    if (t >= high) break;
  }
  return ticks;
}

std::string tick_text(double v) {
  const double a = std::abs(v);
  if (a >= 1e6) return fmt::format("{:g}M", v / 1e6);
  if (a >= 1e4) return fmt::format("{:g}k", v / 1e3);
  return fmt::format("{:g}", v);
}

std::string coord(double v) {
  std::string s = fmt::format("{:.2f}", v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string escape(std::string_view text) { return xml_escape(text, XmlContext::kAttribute); }

std::string svg_open(const Frame& f, std::string_view id, std::string_view title) {
  return fmt::format(
      "<svg id=\"{0}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{1}\" "
      "height=\"{2}\" "
      "viewBox=\"0 0 {1} {2}\" role=\"img\" aria-labelledby=\"{0}-title\">\n"
      "<title id=\"{0}-title\">{3}</title>\n"
      "<rect x=\"0\" y=\"0\" width=\"{1}\" height=\"{2}\" fill=\"#ffffff\"/>\n"
      "<text class=\"chart-title\" x=\"{4}\" y=\"26\">{3}</text>\n",
      escape(id), coord(f.width), coord(f.height), escape(title), coord(f.plot_left()));
}

std::string svg_axes(const Frame& f, const Scale& x, const std::vector<double>& x_ticks,
                     const Scale& y, const std::vector<double>& y_ticks, std::string_view x_label,
                     std::string_view y_label, std::string_view y_suffix) {
  std::string out = "<g class=\"axes\">\n";
  for (double t : y_ticks) {
    const std::string py = coord(y(t));
    out += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
                       coord(f.plot_left()), py, coord(f.plot_right()), py);
    out += fmt::format(
        "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\" "
        "dominant-baseline=\"middle\">{}{}</text>\n",
        coord(f.plot_left() - 8), py, escape(tick_text(t)), escape(y_suffix));
  }
  for (double t : x_ticks) {
    const std::string px = coord(x(t));
    out += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", px,
                       coord(f.plot_top()), px, coord(f.plot_bottom()));
    out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                       px, coord(f.plot_bottom() + 18), escape(tick_text(t)));
  }
  out += fmt::format("<rect class=\"plot-frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n",
                     coord(f.plot_left()), coord(f.plot_top()),
                     coord(f.plot_right() - f.plot_left()), coord(f.plot_bottom() - f.plot_top()));
  out += fmt::format(
      "<text class=\"axis-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
      coord((f.plot_left() + f.plot_right()) / 2), coord(f.height - 14), escape(x_label));
  const double cy = (f.plot_top() + f.plot_bottom()) / 2;
  out += fmt::format(
      "<text class=\"axis-label\" x=\"20\" y=\"{0}\" text-anchor=\"middle\" transform=\"rotate(-90 "
      "20 {0})\">{1}</text>\n",
      coord(cy), escape(y_label));
  out += "</g>\n";
  return out;
}

std::string error_bar(double x, double low_px, double high_px, double cap, std::string_view colour,
                      double low, double high) {
  return fmt::format(
      "<path class=\"error-bar\" data-low=\"{:g}\" data-high=\"{:g}\" d=\"M{},{} L{},{} M{},{} "
      "L{},{} M{},{} L{},{}\" stroke=\"{}\" stroke-width=\"1.5\" fill=\"none\"/>\n",
      low, high, coord(x), coord(low_px), coord(x), coord(high_px), coord(x - cap / 2),
      coord(low_px), coord(x + cap / 2), coord(low_px), coord(x - cap / 2), coord(high_px),
      coord(x + cap / 2), coord(high_px), colour);
}

std::string series_colour(std::size_t i) {
  static constexpr std::array<const char*, 10> kColours = {
      "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
      "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
  return kColours[i % kColours.size()];
}

std::string series_dash(std::size_t i) {
  // Six patterns against ten colours: no two of the first thirty series look alike, and a dashed
  // series drawn over an identical one lets it show through its gaps.
  static constexpr std::array<const char*, 6> kDashes = {"",         "9 4", "3 3",
                                                         "12 3 3 3", "2 6", "16 5"};
  return kDashes[i % kDashes.size()];
}

}  // namespace reports::internal
