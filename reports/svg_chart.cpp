#include "reports/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "reports/internal/label_placement.h"
#include "reports/internal/svg_axes.h"

namespace reports {
namespace {

using internal::coord;
using internal::escape;
using internal::Frame;
using internal::Scale;

using internal::kLegendRow;

Frame frame_for(std::size_t legend_rows) {
  Frame f;
  f.height = internal::height_with_legend(f, f.height, legend_rows);
  return f;
}

// Equal points, a gap (NaN) equal to a gap.
bool same_points(const ChartSeries& a, const ChartSeries& b) {
  return std::equal(a.points.begin(), a.points.end(), b.points.begin(), b.points.end(),
                    [](const auto& p, const auto& q) {
                      return p.first == q.first && (p.second == q.second ||
                                                    (std::isnan(p.second) && std::isnan(q.second)));
                    });
}

// Whether points[k] is drawn (not a gap, and on a log axis right of 0).
bool drawn(const LineChart& chart, const ChartSeries& s, std::size_t k) {
  return k < s.points.size() && !std::isnan(s.points[k].second) &&
         !(chart.log_x && !(s.points[k].first > 0));
}

// The name a legend row shows: the series' own, and "= NAME" when its points equal an earlier
// series' (drawn on top of it: its dashes let the one below show through).
std::string legend_name(const std::vector<ChartSeries>& series, std::size_t i) {
  std::string name = series[i].name;
  if (name.size() > 30) name = name.substr(0, 29) + "…";
  for (std::size_t j = 0; j < i; ++j) {
    if (!series[i].points.empty() && same_points(series[j], series[i])) {
      std::string other = series[j].name;
      if (other.size() > 14) other = other.substr(0, 13) + "…";
      return name + " (= " + other + ")";
    }
  }
  return name;
}

std::string legend(const Frame& f, const std::vector<ChartSeries>& series) {
  std::string out = "<g class=\"legend\">\n";
  const double x = f.plot_right() + 16;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const double y = f.plot_top() + 8 + kLegendRow * static_cast<double>(i);
    const std::string dash = internal::series_dash(i);
    out += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"3\"{}/>\n",
        coord(x), coord(y), coord(x + 22), coord(y), internal::series_colour(i),
        dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"");
    out += fmt::format(
        "<text class=\"legend-text\" x=\"{}\" y=\"{}\" dominant-baseline=\"middle\">{}</text>\n",
        coord(x + 28), coord(y), escape(legend_name(series, i)));
  }
  out += "</g>\n";
  return out;
}

}  // namespace

std::string render_line_chart(const LineChart& chart) {
  const Frame f = frame_for(chart.series.size());
  double x_low = std::numeric_limits<double>::max();
  double x_high = std::numeric_limits<double>::lowest();
  double y_high = 0.0;
  bool any_drawn = false;
  for (const ChartSeries& s : chart.series) {
    for (const auto& [x, y] : s.points) {
      if (chart.log_x && !(x > 0)) continue;
      // A gap's x still spans the axis, so that charts over the same minutes line up.
      x_low = std::min(x_low, x);
      x_high = std::max(x_high, x);
      if (std::isnan(y)) continue;
      y_high = std::max(y_high, y);
      any_drawn = true;
    }
    for (const auto& [low, high] : s.band) y_high = std::max(y_high, high);
  }
  const bool empty = !any_drawn;
  if (!empty && chart.markers && !chart.log_x) {
    // Room around the first and last dot so that their markers and error bars clear the frame.
    const double pad = std::max(x_high - x_low, 1.0) * 0.05;
    x_low = x_low >= 0 && x_low - pad < 0 ? 0.0 : x_low - pad;  // no negative tick for counts
    x_high += pad;
  }
  if (empty) {
    x_low = chart.log_x ? 1.0 : 0.0;
    x_high = chart.log_x ? 1000.0 : 1.0;
  }
  const std::vector<double> x_ticks =
      chart.log_x ? internal::decade_ticks(x_low, x_high) : internal::nice_ticks(x_low, x_high, 8);
  const double y_low = chart.y_min.value_or(0.0);
  const std::vector<double> y_ticks =
      internal::nice_ticks(y_low, chart.y_max.value_or(std::max(y_high, y_low + 1)), 6);
  const Scale x{x_ticks.front(), x_ticks.back(), f.plot_left(), f.plot_right(), chart.log_x};
  const Scale y{y_ticks.front(), y_ticks.back(), f.plot_bottom(), f.plot_top(), false};

  std::string out = internal::svg_open(f, chart.id, chart.title);
  out += internal::svg_axes(f, x, x_ticks, y, y_ticks, chart.x_label, chart.y_label,
                            chart.y_unit_suffix);
  if (empty) {
    out += fmt::format(
        "<text class=\"no-data\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">no data</text>\n",
        coord((f.plot_left() + f.plot_right()) / 2), coord((f.plot_top() + f.plot_bottom()) / 2));
  }
  out += "<g class=\"data\">\n";
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const ChartSeries& s = chart.series[i];
    if (s.band.size() != s.points.size() || s.points.empty() || chart.log_x) continue;
    // The band: along the highs, back along the lows; clipped to the plot (a count's interval
    // can reach below 0).
    const auto clip = [&](double v) { return std::clamp(y(v), f.plot_top(), f.plot_bottom()); };
    std::string d;
    for (std::size_t k = 0; k < s.points.size(); ++k) {
      d += fmt::format("{}{},{}", k == 0 ? "M" : " L", coord(x(s.points[k].first)),
                       coord(clip(s.band[k].second)));
    }
    for (std::size_t k = s.points.size(); k-- > 0;) {
      d += fmt::format(" L{},{}", coord(x(s.points[k].first)), coord(clip(s.band[k].first)));
    }
    out += fmt::format(
        "<path class=\"band\" data-series=\"{}\" d=\"{} Z\" fill=\"{}\" fill-opacity=\"0.15\" "
        "stroke=\"none\"/>\n",
        escape(s.name), d, internal::series_colour(i));
    for (std::size_t k = 0; k < s.points.size(); ++k) {
      out +=
          internal::error_bar(x(s.points[k].first), clip(s.band[k].first), clip(s.band[k].second),
                              8, internal::series_colour(i), s.band[k].first, s.band[k].second);
    }
  }
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const ChartSeries& s = chart.series[i];
    std::string d;
    std::string dots;  // points with gaps on both sides, which a path alone would not show
    bool gap_before = false;
    for (std::size_t k = 0; k < s.points.size(); ++k) {
      if (!drawn(chart, s, k)) {
        gap_before = gap_before || std::isnan(s.points[k].second);
        continue;
      }
      const auto [px, py] = s.points[k];
      d += fmt::format("{}{},{}", d.empty() ? "M" : (gap_before ? " M" : " L"), coord(x(px)),
                       coord(y(py)));
      const bool gap_after = k + 1 < s.points.size() && std::isnan(s.points[k + 1].second);
      const bool alone = (gap_before || k == 0) && (gap_after || k + 1 == s.points.size());
      if (alone && (gap_before || gap_after) && !chart.markers) {
        dots += fmt::format(
            "<circle class=\"dot\" data-series=\"{}\" cx=\"{}\" cy=\"{}\" r=\"2.5\" "
            "fill=\"{}\"/>\n",
            escape(s.name), coord(x(px)), coord(y(py)), internal::series_colour(i));
      }
      gap_before = false;
    }
    const std::string dash = internal::series_dash(i);
    out += fmt::format(
        "<path class=\"series\" data-series=\"{}\" d=\"{}\" fill=\"none\" stroke=\"{}\" "
        "stroke-width=\"2\" "
        "stroke-linejoin=\"round\"{}/>\n",
        escape(chart.series[i].name), d, internal::series_colour(i),
        dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"");
    out += dots;
    if (!chart.markers) continue;
    for (const auto& [px, py] : chart.series[i].points) {
      if ((chart.log_x && !(px > 0)) || std::isnan(py)) continue;
      out += fmt::format(
          "<circle class=\"marker\" cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{}\" stroke=\"#ffffff\" "
          "stroke-width=\"1\"/>\n",
          coord(x(px)), coord(y(py)), internal::series_colour(i));
    }
  }
  out += "</g>\n";
  out += legend(f, chart.series);
  out += "</svg>\n";
  return out;
}

std::vector<std::size_t> pareto_front(const std::vector<ScatterPoint>& points) {
  std::vector<std::size_t> front;
  for (std::size_t i = 0; i < points.size(); ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < points.size() && !dominated; ++j) {
      const ScatterPoint& a = points[j];
      const ScatterPoint& b = points[i];
      dominated = j != i && a.x <= b.x && a.y <= b.y && (a.x < b.x || a.y < b.y);
    }
    if (!dominated) front.push_back(i);
  }
  std::stable_sort(front.begin(), front.end(), [&](std::size_t a, std::size_t b) {
    return points[a].x < points[b].x || (points[a].x == points[b].x && points[a].y < points[b].y);
  });
  return front;
}

std::string render_scatter_chart(const ScatterChart& chart) {
  Frame f;
  f.right = 60;
  f.height = 460;
  double x_high = 0.0;
  double y_high = 0.0;
  for (const ScatterPoint& p : chart.points) {
    x_high = std::max(x_high, p.x);
    y_high = std::max({y_high, p.y, p.y_high.value_or(0.0)});
  }
  const std::vector<double> x_ticks =
      internal::nice_ticks(0.0, x_high > 0 ? x_high * 1.08 : 1.0, 8);
  const std::vector<double> y_ticks =
      internal::nice_ticks(0.0, y_high > 0 ? y_high * 1.08 : 1.0, 6);
  const Scale x{x_ticks.front(), x_ticks.back(), f.plot_left(), f.plot_right(), false};
  const Scale y{y_ticks.front(), y_ticks.back(), f.plot_bottom(), f.plot_top(), false};
  const std::vector<std::size_t> front = pareto_front(chart.points);

  // Points at the same place (e.g. a key that does not matter for this strategy) are drawn and
  // labelled once, naming how many share it.
  std::vector<std::size_t> drawn;
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < chart.points.size(); ++i) {
    const ScatterPoint& p = chart.points[i];
    std::size_t same = 0;
    bool drawn_before = false;
    for (std::size_t j = 0; j < chart.points.size(); ++j) {
      if (chart.points[j].x != p.x || chart.points[j].y != p.y) continue;
      drawn_before = drawn_before || j < i;
      same += j != i ? 1 : 0;
    }
    if (drawn_before) continue;
    drawn.push_back(i);
    labels.push_back(same == 0 ? p.label
                               : fmt::format("{} (+{} at the same place)", p.label, same));
  }
  // Labels go where they overlap nothing: not each other, the points or their error bars.
  std::vector<internal::LabelRequest> requests;
  std::vector<internal::Box> error_bars;
  for (std::size_t k = 0; k < drawn.size(); ++k) {
    const ScatterPoint& p = chart.points[drawn[k]];
    requests.push_back({x(p.x), y(p.y), 6.0, labels[k]});
    if (p.y_low && p.y_high) {
      const double top = std::max(y(*p.y_high), f.plot_top());
      const double bottom = std::min(y(std::max(*p.y_low, 0.0)), f.plot_bottom());
      error_bars.push_back({x(p.x) - 5, top, 10, bottom - top});
    }
  }
  // The staircase of the front, segment by segment, is a soft obstacle too.
  for (std::size_t k = 0; k < front.size(); ++k) {
    const ScatterPoint& p = chart.points[front[k]];
    const double right = k + 1 < front.size() ? x(chart.points[front[k + 1]].x) : f.plot_right();
    const double top = k == 0 ? f.plot_top() : y(chart.points[front[k - 1]].y);
    error_bars.push_back({x(p.x), y(p.y) - 1, right - x(p.x), 2});
    error_bars.push_back({x(p.x) - 1, top, 2, y(p.y) - top});
  }
  const internal::Box plot{f.plot_left(), f.plot_top(), f.plot_right() - f.plot_left(),
                           f.plot_bottom() - f.plot_top()};
  const std::vector<internal::PlacedLabel> placed =
      internal::place_labels(requests, plot, error_bars);
  std::vector<std::size_t> keyed;  // indices into drawn of the labels shown as numbers
  for (std::size_t k = 0; k < placed.size(); ++k) {
    if (placed[k].numbered) keyed.push_back(k);
  }
  // The key of numbered labels goes under the x axis title; the plot itself does not move.
  Frame outer = f;
  outer.height += keyed.empty() ? 0.0 : 8.0 + kLegendRow * static_cast<double>(keyed.size());

  std::string out = internal::svg_open(outer, chart.id, chart.title);
  out += internal::svg_axes(f, x, x_ticks, y, y_ticks, chart.x_label, chart.y_label, "");
  out += "<g class=\"data\">\n";
  if (!front.empty()) {
    // A staircase through the front: everything above and to the right of it is dominated.
    std::string d;
    for (std::size_t k = 0; k < front.size(); ++k) {
      const ScatterPoint& p = chart.points[front[k]];
      if (k == 0) {
        d = fmt::format("M{},{}", coord(x(p.x)), coord(f.plot_top()));
      } else {
        d += fmt::format(" L{},{}", coord(x(p.x)), coord(y(chart.points[front[k - 1]].y)));
      }
      d += fmt::format(" L{},{}", coord(x(p.x)), coord(y(p.y)));
    }
    d += fmt::format(" L{},{}", coord(f.plot_right()), coord(y(chart.points[front.back()].y)));
    out += fmt::format(
        "<path class=\"series pareto-front\" data-series=\"Pareto front\" d=\"{}\" fill=\"none\" "
        "stroke=\"#d62728\" "
        "stroke-width=\"2\" stroke-dasharray=\"6 3\"/>\n",
        d);
  }
  for (std::size_t k = 0; k < drawn.size(); ++k) {
    const ScatterPoint& p = chart.points[drawn[k]];
    if (p.y_low && p.y_high) {
      const double low = std::min(y(std::max(*p.y_low, 0.0)), f.plot_bottom());
      out += internal::error_bar(x(p.x), low, std::max(y(*p.y_high), f.plot_top()), 8, "#555555",
                                 *p.y_low, *p.y_high);
    }
  }
  for (std::size_t k = 0; k < drawn.size(); ++k) {
    const std::size_t i = drawn[k];
    const ScatterPoint& p = chart.points[i];
    const bool on_front = std::find(front.begin(), front.end(), i) != front.end();
    out += fmt::format(
        "<circle class=\"point{}\" data-label=\"{}\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\" "
        "stroke=\"#1a1a1a\" "
        "stroke-width=\"1\"><title>{}: x={:g}, y={:g}</title></circle>\n",
        on_front ? " on-front" : "", escape(p.label), coord(x(p.x)), coord(y(p.y)),
        on_front ? 6 : 5, on_front ? "#d62728" : "#ffffff", escape(labels[k]), p.x, p.y);
  }
  for (std::size_t k = 0; k < drawn.size(); ++k) {
    const internal::PlacedLabel& l = placed[k];
    const internal::Box& b = l.box;
    if (l.leader) {
      // From the point to the nearest point of the label's box.
      const double lx = std::clamp(requests[k].x, b.x, b.x + b.width);
      const double ly = std::clamp(requests[k].y, b.y, b.y + b.height);
      out += fmt::format(
          "<line class=\"leader\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#777777\" "
          "stroke-width=\"1\"/>\n",
          coord(requests[k].x), coord(requests[k].y), coord(lx), coord(ly));
    }
    out += fmt::format(
        "<text class=\"point-label{}\" x=\"{}\" y=\"{}\" data-box=\"{} {} {} {}\">{}</text>\n",
        l.numbered ? " label-number" : "", coord(b.x + 1), coord(b.y + 0.8 * b.height), coord(b.x),
        coord(b.y), coord(b.width), coord(b.height),
        l.numbered ? std::to_string(l.number) : escape(labels[k]));
  }
  out += "</g>\n";
  if (!keyed.empty()) {
    out += "<g class=\"label-key\">\n";
    for (std::size_t n = 0; n < keyed.size(); ++n) {
      out += fmt::format("<text class=\"legend-text\" x=\"{}\" y=\"{}\">{}: {}</text>\n",
                         coord(f.plot_left()),
                         coord(f.height + 4 + kLegendRow * static_cast<double>(n + 1) - 6),
                         placed[keyed[n]].number, escape(labels[keyed[n]]));
    }
    out += "</g>\n";
  }
  // The legend sits on the title's line, outside the plot, so it covers no point or label.
  out += fmt::format(
      "<g class=\"legend\"><circle cx=\"{0}\" cy=\"{1}\" r=\"6\" fill=\"#d62728\" "
      "stroke=\"#1a1a1a\"/>"
      "<text class=\"legend-text\" x=\"{2}\" y=\"{1}\" dominant-baseline=\"middle\">on the Pareto "
      "front (no point is "
      "cheaper and faster)</text></g>\n",
      coord(f.plot_right() - 330), coord(22), coord(f.plot_right() - 320));
  out += "</svg>\n";
  return out;
}

}  // namespace reports
