#include "reports/svg_bars.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "reports/internal/svg_axes.h"

namespace reports {
namespace {

using internal::coord;
using internal::escape;
using internal::Frame;
using internal::Scale;

using internal::kLegendRow;

// "12", "0.25", "1.23k": the short text a bar or a cell prints.
std::string short_text(double v) {
  if (std::abs(v) < 1e4 && v == std::round(v)) return fmt::format("{}", static_cast<long long>(v));
  if (std::abs(v) >= 1e4) return internal::tick_text(std::round(v / 10) * 10);
  return fmt::format("{:.3g}", v);
}

std::string truncated(const std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes - 1;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

// A swatch and a name per entry, down the right margin.
std::string swatch_legend(const Frame& f, const std::vector<std::string>& names) {
  std::string out = "<g class=\"legend\">\n";
  const double x = f.plot_right() + 16;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const double y = f.plot_top() + 8 + kLegendRow * static_cast<double>(i);
    out += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"12\" fill=\"{}\"/>"
        "<text class=\"legend-text\" x=\"{}\" y=\"{}\" dominant-baseline=\"middle\">{}</text>\n",
        coord(x), coord(y - 6), internal::series_colour(i), coord(x + 20), coord(y),
        escape(truncated(names[i], 40)));
  }
  out += "</g>\n";
  return out;
}

// Whether text on this series colour should be dark (the colour is light) rather than white.
bool light_colour(std::size_t i) {
  const std::string hex = internal::series_colour(i);
  const auto channel = [&](std::size_t at) {
    return static_cast<double>(std::stoi(hex.substr(at, 2), nullptr, 16));
  };
  return 0.299 * channel(1) + 0.587 * channel(3) + 0.114 * channel(5) > 140;
}

// The heat map's colour at t in [0, 1]: ColorBrewer Blues, light to dark.
std::string heat_colour(double t) {
  static constexpr std::array<std::array<double, 3>, 3> kStops = {
      {{247, 251, 255}, {107, 174, 214}, {8, 48, 107}}};
  t = std::clamp(t, 0.0, 1.0);
  const std::size_t k = t < 0.5 ? 0 : 1;
  const double u = t < 0.5 ? t * 2 : (t - 0.5) * 2;
  std::array<int, 3> rgb{};
  for (std::size_t c = 0; c < 3; ++c) {
    rgb[c] = static_cast<int>(std::lround(kStops[k][c] + u * (kStops[k + 1][c] - kStops[k][c])));
  }
  return fmt::format("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
}

}  // namespace

std::string render_bar_chart(const BarChart& chart) {
  Frame f;
  f.height = internal::height_with_legend(f, f.height, chart.series.size());
  double y_high = 0.0;
  for (const BarGroup& g : chart.groups) {
    for (const BarValue& v : g.values) y_high = std::max({y_high, v.value, v.high.value_or(0.0)});
  }
  const std::vector<double> y_ticks =
      internal::nice_ticks(0.0, y_high > 0 ? y_high * 1.05 : 1.0, 6);
  const Scale y{y_ticks.front(), y_ticks.back(), f.plot_bottom(), f.plot_top(), false};
  const Scale unused_x{0.0, 1.0, f.plot_left(), f.plot_right(), false};

  std::string out = internal::svg_open(f, chart.id, chart.title);
  out += internal::svg_axes(f, unused_x, {}, y, y_ticks, "", chart.y_label, "");
  const std::size_t n_series = std::max<std::size_t>(chart.series.size(), 1);
  const double group_width = (f.plot_right() - f.plot_left()) /
                             static_cast<double>(std::max<std::size_t>(chart.groups.size(), 1));
  const double bar_width = group_width * 0.8 / static_cast<double>(n_series);
  const double gap = std::min(2.0, bar_width * 0.15);
  out += "<g class=\"data\">\n";
  for (std::size_t g = 0; g < chart.groups.size(); ++g) {
    const BarGroup& group = chart.groups[g];
    const double group_left = f.plot_left() + group_width * static_cast<double>(g);
    out += fmt::format(
        "<text class=\"tick group-label\" x=\"{}\" y=\"{}\" "
        "text-anchor=\"middle\">{}</text>\n",
        coord(group_left + group_width / 2), coord(f.plot_bottom() + 18), escape(group.label));
    for (std::size_t s = 0; s < group.values.size() && s < chart.series.size(); ++s) {
      const BarValue& v = group.values[s];
      const double left = group_left + group_width * 0.1 + bar_width * static_cast<double>(s);
      const double top = std::min(y(std::max(v.value, 0.0)), f.plot_bottom());
      const bool interval = v.low && v.high;
      const std::string tip =
          interval ? fmt::format("{}, {}: {:g} (95% CI {:g} to {:g})", chart.series[s], group.label,
                                 v.value, *v.low, *v.high)
                   : fmt::format("{}, {}: {:g}", chart.series[s], group.label, v.value);
      out += fmt::format(
          "<rect class=\"bar\" data-series=\"{}\" data-group=\"{}\" x=\"{}\" y=\"{}\" "
          "width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>\n",
          escape(chart.series[s]), escape(group.label), coord(left + gap / 2), coord(top),
          coord(bar_width - gap), coord(f.plot_bottom() - top), internal::series_colour(s),
          escape(tip));
      const double centre = left + bar_width / 2;
      double label_y = top;
      if (interval) {
        const double low_px = std::min(y(std::max(*v.low, 0.0)), f.plot_bottom());
        const double high_px = std::max(y(*v.high), f.plot_top());
        out += internal::error_bar(centre, low_px, high_px, std::min(10.0, bar_width * 0.6),
                                   "#1a1a1a", *v.low, *v.high);
        label_y = std::min(label_y, high_px);
      }
      // The value over the bar when there is room for it.
      if (bar_width >= 24) {
        out += fmt::format(
            "<text class=\"bar-value\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
            coord(centre), coord(label_y - 4), escape(short_text(v.value)));
      }
    }
  }
  out += "</g>\n";
  out += swatch_legend(f, chart.series);
  out += "</svg>\n";
  return out;
}

std::string render_stacked_bar_chart(const StackedBarChart& chart) {
  constexpr double kRowHeight = 24.0;
  constexpr double kRowPitch = 34.0;
  Frame f;
  f.left = 230;
  const double plot_height = 12 + kRowPitch * static_cast<double>(chart.rows.size());
  f.height = internal::height_with_legend(f, f.top + plot_height + f.bottom, chart.segments.size());
  const std::vector<double> x_ticks = internal::nice_ticks(0.0, 100.0, 6);
  const Scale x{0.0, 100.0, f.plot_left(), f.plot_right(), false};
  const Scale unused_y{0.0, 1.0, f.plot_bottom(), f.plot_top(), false};

  std::string out = internal::svg_open(f, chart.id, chart.title);
  out += internal::svg_axes(f, x, x_ticks, unused_y, {}, chart.x_label, "", "");
  out += "<g class=\"data\">\n";
  for (std::size_t r = 0; r < chart.rows.size(); ++r) {
    const StackedRow& row = chart.rows[r];
    const double top = f.plot_top() + 12 + kRowPitch * static_cast<double>(r);
    double total = 0.0;
    for (double v : row.values) total += std::max(v, 0.0);
    out += fmt::format(
        "<text class=\"tick row-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\" "
        "dominant-baseline=\"middle\">{}<title>{} ({:g} in all)</title></text>\n",
        coord(f.plot_left() - 8), coord(top + kRowHeight / 2), escape(truncated(row.label, 30)),
        escape(row.label), total);
    if (!(total > 0)) {
      out += fmt::format(
          "<text class=\"no-data\" x=\"{}\" y=\"{}\" dominant-baseline=\"middle\">nothing "
          "resolved</text>\n",
          coord(f.plot_left() + 8), coord(top + kRowHeight / 2));
      continue;
    }
    double cumulative = 0.0;
    for (std::size_t s = 0; s < row.values.size() && s < chart.segments.size(); ++s) {
      const double value = std::max(row.values[s], 0.0);
      if (!(value > 0)) continue;
      const double share = 100.0 * value / total;
      const double left = x(100.0 * cumulative / total);
      cumulative += value;
      const double right = x(100.0 * cumulative / total);
      out += fmt::format(
          "<rect class=\"segment\" data-row=\"{}\" data-segment=\"{}\" x=\"{}\" y=\"{}\" "
          "width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"0.5\">"
          "<title>{}, {}: {:g} ({:.1f}%)</title></rect>\n",
          escape(row.label), escape(chart.segments[s]), coord(left), coord(top),
          coord(right - left), coord(kRowHeight), internal::series_colour(s), escape(row.label),
          escape(chart.segments[s]), value, share);
      const std::string text = fmt::format("{:.0f}%", share);
      if (right - left >= 12.0 + 7.5 * static_cast<double>(text.size())) {
        out += fmt::format(
            "<text class=\"segment-value\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" "
            "dominant-baseline=\"middle\" fill=\"{}\">{}</text>\n",
            coord((left + right) / 2), coord(top + kRowHeight / 2),
            light_colour(s) ? "#1a1a1a" : "#ffffff", text);
      }
    }
  }
  out += "</g>\n";
  out += swatch_legend(f, chart.segments);
  out += "</svg>\n";
  return out;
}

std::string render_heat_map(const HeatMap& map) {
  constexpr double kCellHeight = 34.0;
  const double n_columns = static_cast<double>(std::max<std::size_t>(map.columns.size(), 1));
  const double cell_width = std::clamp(700.0 / n_columns, 70.0, 150.0);
  Frame f;
  f.left = 190;
  f.top = 96;
  f.right = 200;
  f.bottom = 24;
  f.width = std::max(f.left + cell_width * n_columns + f.right, 760.0);
  f.height = f.top + std::max(kCellHeight * static_cast<double>(map.rows.size()), 80.0) + f.bottom;
  double low = 0.0;
  double high = 0.0;
  bool any = false;
  for (const auto& row : map.cells) {
    for (const HeatMapCell& c : row) {
      if (!c.value) continue;
      low = any ? std::min(low, *c.value) : *c.value;
      high = any ? std::max(high, *c.value) : *c.value;
      any = true;
    }
  }

  std::string out = internal::svg_open(f, map.id, map.title);
  out += "<g class=\"axes\">\n";
  // The axes' keys in full, on lines of their own: rows down the side, columns across the top.
  out += fmt::format(
      "<text class=\"axis-label\" x=\"12\" y=\"{}\">rows ↓ {}</text>\n"
      "<text class=\"axis-label\" x=\"12\" y=\"{}\">columns → {}</text>\n",
      coord(f.top - 50), escape(map.row_label), coord(f.top - 32), escape(map.column_label));
  for (std::size_t c = 0; c < map.columns.size(); ++c) {
    out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                       coord(f.plot_left() + cell_width * (static_cast<double>(c) + 0.5)),
                       coord(f.top - 10), escape(truncated(map.columns[c], 18)));
  }
  for (std::size_t r = 0; r < map.rows.size(); ++r) {
    out += fmt::format(
        "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\" "
        "dominant-baseline=\"middle\">{}</text>\n",
        coord(f.plot_left() - 10), coord(f.top + kCellHeight * (static_cast<double>(r) + 0.5)),
        escape(truncated(map.rows[r], 26)));
  }
  out += "</g>\n<g class=\"data\">\n";
  for (std::size_t r = 0; r < map.rows.size() && r < map.cells.size(); ++r) {
    for (std::size_t c = 0; c < map.columns.size() && c < map.cells[r].size(); ++c) {
      const HeatMapCell& cell = map.cells[r][c];
      const double t = cell.value && high > low ? (*cell.value - low) / (high - low) : 0.0;
      const double cx = f.plot_left() + cell_width * static_cast<double>(c);
      const double cy = f.top + kCellHeight * static_cast<double>(r);
      out += fmt::format(
          "<rect class=\"cell\" data-row=\"{}\" data-column=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" "
          "height=\"{}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1\"><title>{}, {}: "
          "{}</title></rect>\n",
          escape(map.rows[r]), escape(map.columns[c]), coord(cx), coord(cy), coord(cell_width),
          coord(kCellHeight), cell.value ? heat_colour(t) : "#e0e0e0", escape(map.rows[r]),
          escape(map.columns[c]), escape(cell.text));
      out += fmt::format(
          "<text class=\"cell-value\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" "
          "dominant-baseline=\"middle\" fill=\"{}\">{}</text>\n",
          coord(cx + cell_width / 2), coord(cy + kCellHeight / 2), t > 0.55 ? "#ffffff" : "#1a1a1a",
          escape(cell.text));
    }
  }
  out += "</g>\n";
  // The scale: the lightest and darkest colours and the values they stand for.
  if (any) {
    const double lx = f.plot_left() + cell_width * n_columns + 24;
    const double ly = f.top;
    out += "<g class=\"legend\">\n";
    for (int k = 0; k < 5; ++k) {
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"18\" height=\"14\" fill=\"{}\"/>\n",
                         coord(lx), coord(ly + 16.0 * k), heat_colour(k / 4.0));
      if (k == 0 || k == 4) {
        out += fmt::format(
            "<text class=\"legend-text\" x=\"{}\" y=\"{}\" "
            "dominant-baseline=\"middle\">{}{}</text>\n",
            coord(lx + 26), coord(ly + 16.0 * k + 7), escape(short_text(k == 0 ? low : high)),
            k == 0 ? " (lowest)" : " (highest)");
      }
    }
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace reports
