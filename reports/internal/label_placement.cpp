#include "reports/internal/label_placement.h"

#include <array>
#include <string>

namespace reports::internal {
namespace {

constexpr double kLabelHeight = 15.0;
constexpr double kGap = 4.0;        // between a point's marker and its label
constexpr int kRings = 4;           // ring 0 touches the point, rings 1.. need a leader line
constexpr double kRingStep = 22.0;  // how much farther out each ring is

bool inside(const Box& inner, const Box& outer) {
  return inner.x >= outer.x && inner.y >= outer.y &&
         inner.x + inner.width <= outer.x + outer.width &&
         inner.y + inner.height <= outer.y + outer.height;
}

// The box of a label of the given size in direction `d` (0 right, 1 left, 2 above, 3 below, 4-7
// the diagonals) at `distance` from the point's edge.
Box candidate(const LabelRequest& r, double width, int d, double distance) {
  const double reach = r.radius + kGap + distance;
  const double h = kLabelHeight;
  switch (d) {
    case 0:
      return {r.x + reach, r.y - h / 2, width, h};
    case 1:
      return {r.x - reach - width, r.y - h / 2, width, h};
    case 2:
      return {r.x - width / 2, r.y - reach - h, width, h};
    case 3:
      return {r.x - width / 2, r.y + reach, width, h};
    case 4:
      return {r.x + reach * 0.7, r.y - reach * 0.7 - h, width, h};
    case 5:
      return {r.x - reach * 0.7 - width, r.y - reach * 0.7 - h, width, h};
    case 6:
      return {r.x + reach * 0.7, r.y + reach * 0.7, width, h};
    default:
      return {r.x - reach * 0.7 - width, r.y + reach * 0.7, width, h};
  }
}

}  // namespace

bool intersects(const Box& a, const Box& b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

double text_width_px(std::string_view text, double font_px) {
  std::size_t code_points = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++code_points;
  }
  return 0.62 * font_px * static_cast<double>(code_points) + 2.0;
}

std::vector<PlacedLabel> place_labels(const std::vector<LabelRequest>& requests, const Box& plot,
                                      const std::vector<Box>& soft_obstacles) {
  std::vector<Box> taken;
  for (const LabelRequest& r : requests) {
    taken.push_back({r.x - r.radius, r.y - r.radius, 2 * r.radius, 2 * r.radius});
  }
  std::vector<PlacedLabel> placed;
  std::size_t numbered = 0;
  for (const LabelRequest& r : requests) {
    PlacedLabel label;
    bool found = false;
    // Attempts in order: the text avoiding everything, the text crossing soft obstacles, the
    // number avoiding everything, the number crossing soft obstacles.
    for (int attempt = 0; attempt < 4 && !found; ++attempt) {
      const bool as_number = attempt >= 2;
      const bool soft = attempt % 2 == 0;
      const double width =
          !as_number ? text_width_px(r.text) : text_width_px(std::to_string(numbered + 1));
      for (int ring = 0; ring < kRings && !found; ++ring) {
        for (int d = 0; d < 8 && !found; ++d) {
          const Box box = candidate(r, width, d, kRingStep * ring);
          if (!inside(box, plot)) continue;
          bool clear = true;
          for (const Box& t : taken) clear = clear && !intersects(box, t);
          if (soft) {
            for (const Box& t : soft_obstacles) clear = clear && !intersects(box, t);
          }
          if (!clear) continue;
          found = true;
          label = {box, ring > 0, as_number, 0};
        }
      }
      if (!found && attempt == 3) {
        label = {candidate(r, width, 0, 0), false, true, 0};
        found = true;
      }
    }
    if (label.numbered) label.number = ++numbered;
    taken.push_back(label.box);
    placed.push_back(label);
  }
  return placed;
}

}  // namespace reports::internal
