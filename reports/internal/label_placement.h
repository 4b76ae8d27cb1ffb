// Deterministic placement of point labels on a chart (the Pareto scatter): every label gets a box
// that overlaps no other label, no point and stays inside the plot, or else becomes a number
// keyed to a list under the chart. Internal to reports/.
//
// For each point in the order given, the candidates are tried in a fixed order: eight positions
// around the point (right, left, above, below, then the diagonals), then the same directions
// farther out (drawn with a leader line back to the point). The first box that fits is taken:
// first avoiding the soft obstacles too (thin lines such as error bars and the Pareto staircase,
// which text may cross if it must), then only the hard ones (points, labels). A label no
// candidate fits is replaced by its number ("1", "2", ...) placed the same way; a number that
// fits nowhere goes to the right of its point regardless. Same input, same boxes.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace reports::internal {

// An axis-aligned rectangle in SVG pixels: (x, y) is its top-left corner.
struct Box {
  double x = 0.0;
  double y = 0.0;
  double width = 0.0;
  double height = 0.0;
};

bool intersects(const Box& a, const Box& b);

// The width of a line of text in the charts' 12px font, estimated generously from its number of
// characters (UTF-8 code points) so that a real rendering is never wider.
double text_width_px(std::string_view text, double font_px = 12.0);

struct LabelRequest {
  double x = 0.0;  // the point's centre, in pixels
  double y = 0.0;
  double radius = 5.0;  // the point's marker
  std::string_view text;
};

struct PlacedLabel {
  Box box;                 // where the text goes (its baseline is box.y + 0.8 * box.height)
  bool leader = false;     // away from the point: draw a line from the point to the box
  bool numbered = false;   // the text did not fit: show number_text and list it in a key
  std::size_t number = 0;  // 1-based, among the numbered labels, when numbered
};

// REQUIRES: the requests' points lie inside `plot`.
std::vector<PlacedLabel> place_labels(const std::vector<LabelRequest>& requests, const Box& plot,
                                      const std::vector<Box>& soft_obstacles = {});

}  // namespace reports::internal
