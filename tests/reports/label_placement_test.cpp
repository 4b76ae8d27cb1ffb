// Labels on the cost-latency scatter never overlap (issue 17): the placement tries positions
// around each point, then farther out with a leader line, then a number keyed under the chart.
#include "reports/internal/label_placement.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "reports/svg_chart.h"

namespace reports {
namespace {

using internal::Box;

// Every label as the browser lays it out: start-anchored text (or end-anchored, as the old
// placement drew labels near the right edge) with its baseline at y, the box estimated from
// the text as internal::text_width_px does.
std::vector<Box> label_boxes(const std::string& svg) {
  std::vector<Box> boxes;
  const std::regex label(
      "<text class=\"point-label[^\"]*\" x=\"([-0-9.]+)\" y=\"([-0-9.]+)\"( "
      "text-anchor=\"end\")?[^>]*>([^<]*)</text>");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), label); it != std::sregex_iterator();
       ++it) {
    const double x = std::stod((*it)[1]);
    const double y = std::stod((*it)[2]);
    const double width = internal::text_width_px((*it)[4].str()) - 2.0;
    const bool end = (*it)[3].matched;
    boxes.push_back({end ? x - width : x, y - 11.0, width, 14.0});
  }
  return boxes;
}

// Sweep points on top of one another: a crowd the old placement (every label up and to the right
// of its point) wrote over itself.
ScatterChart crowded() {
  ScatterChart chart{"chart-cost-latency", "Cost against consistency latency", "x", "y", {}};
  for (int i = 0; i < 12; ++i) {
    chart.points.push_back({"system.compensation.polling.interval=" + std::to_string(10 + i) + "s",
                            100.0 + 0.5 * i, 2000.0 + 15.0 * i});
  }
  chart.points.push_back({"far-away", 10, 200});
  return chart;
}

TEST(LabelPlacement, CrowdedParetoLabelsDoNotOverlap) {
  const std::string svg = render_scatter_chart(crowded());
  const std::vector<Box> boxes = label_boxes(svg);
  ASSERT_EQ(boxes.size(), 13u);
  for (std::size_t a = 0; a < boxes.size(); ++a) {
    for (std::size_t b = a + 1; b < boxes.size(); ++b) {
      EXPECT_FALSE(internal::intersects(boxes[a], boxes[b])) << "labels " << a << " and " << b;
    }
  }
  // Every label that did not fit is listed in the key, by number.
  const std::regex number("label-number");
  const std::regex key_row("<text class=\"legend-text\"[^>]*>[0-9]+: ");
  const auto matches = [&](const std::regex& re) {
    return std::distance(std::sregex_iterator(svg.begin(), svg.end(), re), std::sregex_iterator());
  };
  const auto numbered = matches(number);
  const auto keyed = matches(key_row);
  EXPECT_EQ(numbered, keyed);
  EXPECT_EQ(render_scatter_chart(crowded()), svg) << "deterministic";
}

TEST(LabelPlacement, PlacedBoxesAvoidPointsObstaclesAndEachOther) {
  const Box plot{0, 0, 400, 300};
  std::vector<internal::LabelRequest> requests;
  for (int i = 0; i < 6; ++i) requests.push_back({200.0 + 3 * i, 150.0 + 2 * i, 5.0, "label"});
  const std::vector<Box> obstacles = {{190, 100, 20, 40}};
  const std::vector<internal::PlacedLabel> placed =
      internal::place_labels(requests, plot, obstacles);
  ASSERT_EQ(placed.size(), requests.size());
  for (std::size_t a = 0; a < placed.size(); ++a) {
    const Box& box = placed[a].box;
    EXPECT_GE(box.x, plot.x);
    EXPECT_LE(box.x + box.width, plot.width);
    EXPECT_FALSE(internal::intersects(box, obstacles[0]));
    for (const internal::LabelRequest& r : requests) {
      EXPECT_FALSE(
          internal::intersects(box, {r.x - r.radius, r.y - r.radius, 2 * r.radius, 2 * r.radius}));
    }
    for (std::size_t b = a + 1; b < placed.size(); ++b) {
      EXPECT_FALSE(internal::intersects(box, placed[b].box));
    }
  }
  EXPECT_FALSE(placed[0].leader) << "the first label fits beside its point";
}

TEST(LabelPlacement, ALabelWithNoRoomBecomesANumber) {
  const Box plot{0, 0, 60, 40};
  const std::vector<internal::PlacedLabel> placed =
      internal::place_labels({{30, 20, 5, "a label far too long for this plot"}}, plot);
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_TRUE(placed[0].numbered);
  EXPECT_EQ(placed[0].number, 1u);
}

}  // namespace
}  // namespace reports
