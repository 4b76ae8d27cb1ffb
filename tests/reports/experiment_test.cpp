// What an experiment reports across runs: a latency that no order reached is "none" (not a p99 of
// 0 ms, and never the best value), and a compare reports each variant's paired difference from
// its base with a Student-t interval.
#include "reports/experiment.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "reports/html_writer.h"

namespace reports {
namespace {

// A run in which `paid` orders became PAID after 1..paid seconds (none when paid is 0).
Report run_with_paid_orders(std::int64_t paid, std::uint64_t queries = 100) {
  Report r;
  r.scenario = "s";
  r.orders.created = 100;
  r.orders.paid = static_cast<std::uint64_t>(paid);
  r.cost.channel_queries = queries;
  for (std::int64_t i = 1; i <= paid; ++i) r.latency.charge_to_paid_us.record(i * 1'000'000);
  return r;
}

// The row of `table` whose first cell is `metric`, and its index.
std::size_t row_of(const HtmlTable& table, const std::string& metric) {
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    if (table.rows[r][0] == metric) return r;
  }
  ADD_FAILURE() << "no row " << metric;
  return 0;
}

// Regression (issue 12): tables marked a p99 of 0 as the best value where nothing was paid.
TEST(ExperimentTables, LatencyNoOrderReachedIsNoneAndNeverBest) {
  const Report nothing_paid = run_with_paid_orders(0);
  const Report slow = run_with_paid_orders(100);
  const Report fast = run_with_paid_orders(10);
  const Experiment e{
      "sweep", "s",
      {1},     {},
      {},      {{"nothing", {}, {&nothing_paid}}, {"slow", {}, {&slow}}, {"fast", {}, {&fast}}}};
  const HtmlReport html = html_for_experiment(e);

  const std::size_t p99 = row_of(html.full_table, "latency.charge_to_paid_ms.p99");
  EXPECT_EQ(html.full_table.rows[p99][1], "none");
  EXPECT_NE(html.full_table.rows[p99][2], "none");
  EXPECT_FALSE(html.full_table.best[p99][1]);
  EXPECT_FALSE(html.full_table.best[p99][2]);
  EXPECT_TRUE(html.full_table.best[p99][3]);  // 10 orders: rank 10, 10 s
  // The count is a measurement even when it is 0.
  EXPECT_EQ(html.full_table.rows[row_of(html.full_table, "latency.charge_to_paid_ms.count")][1],
            "0");

  // The key table, one row per point: the p99 column.
  std::size_t column = 0;
  for (std::size_t c = 0; c < html.key_table.header.size(); ++c) {
    if (html.key_table.header[c].find("p99") != std::string::npos) column = c;
  }
  ASSERT_NE(column, 0u);
  EXPECT_EQ(html.key_table.rows[0][column], "none");
  EXPECT_FALSE(html.key_table.best[0][column]);
  EXPECT_TRUE(html.key_table.best[2][column]);
  // Only two points can be placed on the cost-latency chart.
  EXPECT_EQ(html.cost_latency.size(), 2u);

  // Two points, one of them with nothing paid: nothing to choose between, nothing marked.
  const Experiment two{"sweep", "s", {1},
                       {},      {},  {{"nothing", {}, {&nothing_paid}}, {"slow", {}, {&slow}}}};
  const HtmlTable full = html_for_experiment(two).full_table;
  const std::size_t row = row_of(full, "latency.charge_to_paid_ms.p99");
  EXPECT_FALSE(full.best[row][1]);
  EXPECT_FALSE(full.best[row][2]);
}

TEST(ExperimentTables, SingleRunReportShowsNoneForALatencyNoOrderReached) {
  const HtmlReport html = html_for_run(run_with_paid_orders(0));
  EXPECT_EQ(html.full_table.rows[row_of(html.full_table, "latency.charge_to_paid_ms.p99")][1],
            "none");
  EXPECT_EQ(html.full_table.rows[row_of(html.full_table, "latency.charge_to_paid_ms.count")][1],
            "0");
}

TEST(ExperimentSummary, OnlySampleStatisticsBesideACountOfZeroAreUnmeasured) {
  const auto j = nlohmann::ordered_json::parse(
      R"({"latency": {"x_ms": {"count": 0, "mean": 0, "p50": 0, "p999": 0, "max": 0}},
          "refunds": {"count": 0, "amount_minor": 0}, "orders": {"paid": 0}})");
  for (const char* unmeasured :
       {"latency.x_ms.mean", "latency.x_ms.p50", "latency.x_ms.p999", "latency.x_ms.max"}) {
    EXPECT_FALSE(measured_value(j, unmeasured).has_value()) << unmeasured;
  }
  EXPECT_EQ(measured_value(j, "latency.x_ms.count"), 0.0);
  EXPECT_EQ(measured_value(j, "refunds.amount_minor"), 0.0);
  EXPECT_EQ(measured_value(j, "orders.paid"), 0.0);
  EXPECT_FALSE(measured_value(j, "orders.nothing").has_value());
}

TEST(ExperimentSummary, LatencyStatisticsLeaveOutRunsWithNothingMeasured) {
  const Report nothing_paid = run_with_paid_orders(0);
  const Report ten_paid = run_with_paid_orders(10);
  const Experiment e{
      "sweep",
      "s",
      {1, 2},
      {},
      {},
      {{"mixed", {}, {&nothing_paid, &ten_paid}}, {"none", {}, {&nothing_paid, &nothing_paid}}}};
  const nlohmann::ordered_json summary = summary_json(e);
  const auto& mixed = summary["points"][0]["metrics"];
  EXPECT_EQ(mixed["latency.charge_to_paid_ms.p99"]["n"], 1);
  EXPECT_EQ(mixed["latency.charge_to_paid_ms.p99"]["mean"], 10000.0);  // not (0 + 10000) / 2
  EXPECT_EQ(mixed["latency.charge_to_paid_ms.count"]["n"], 2);
  EXPECT_EQ(mixed["latency.charge_to_paid_ms.count"]["mean"], 5.0);
  const auto& none = summary["points"][1]["metrics"];
  EXPECT_EQ(none["latency.charge_to_paid_ms.p99"]["n"], 0);
  EXPECT_TRUE(none["latency.charge_to_paid_ms.p99"]["mean"].is_null());
  EXPECT_FALSE(summary["points"][0].contains("vs_base"));  // a sweep has no base
}

// issue 17: the p99 per minute of a point is the mean over the runs that had a sample in that
// minute; a minute where none had is no value (a gap in the chart), not 0 ms.
TEST(ExperimentOverTime, MinuteP99IsTheMeanOverTheRunsWithASample) {
  Report a = run_with_paid_orders(0), b = run_with_paid_orders(0);
  a.timeseries.set(0, kChargeToPaidP99, 1'000);
  b.timeseries.set(0, kChargeToPaidP99, 3'000);
  a.timeseries.set(1, kChargeToPaidP99, 5'000);  // b has no PAID order in minute 1
  b.timeseries.set(3, kOrdersPaid, 0);           // minutes 2 and 3: nobody
  const PointAggregate point = aggregate_point({"p", {}, {&a, &b}});
  ASSERT_EQ(point.charge_to_paid_p99_ms.size(), 4u);
  EXPECT_EQ(point.charge_to_paid_p99_ms[0], 2.0);
  EXPECT_EQ(point.charge_to_paid_p99_ms[1], 5.0);  // not (5 + 0) / 2
  EXPECT_FALSE(point.charge_to_paid_p99_ms[2].has_value());
  EXPECT_FALSE(point.charge_to_paid_p99_ms[3].has_value());
  EXPECT_EQ(point.queries_per_minute, (std::vector<double>{0, 0, 0, 0}));
}

TEST(ExperimentCompare, PairedDifferencesWithStudentTInterval) {
  // Channel queries per replication: base 100, 200, 300; variant 102, 205, 301.
  const Report b1 = run_with_paid_orders(5, 100), b2 = run_with_paid_orders(5, 200),
               b3 = run_with_paid_orders(5, 300);
  const Report v1 = run_with_paid_orders(5, 102), v2 = run_with_paid_orders(5, 205),
               v3 = run_with_paid_orders(5, 301);
  const Report n1 = run_with_paid_orders(0), n2 = run_with_paid_orders(0),
               n3 = run_with_paid_orders(0);
  Experiment e{
      "compare",
      "s",
      {1, 2, 3},
      {},
      {},
      {{"base", {}, {&b1, &b2, &b3}}, {"v", {}, {&v1, &v2, &v3}}, {"unpaid", {}, {&n1, &n2, &n3}}}};
  e.first_point_is_base = true;

  const Differences d = paired_differences(e.points[0], e.points[1]);
  const MeanInterval* queries = d.find("cost.channel_queries");
  ASSERT_NE(queries, nullptr);
  // Differences 2, 5, 1: mean 8/3, s = sqrt(((2-8/3)^2 + (5-8/3)^2 + (1-8/3)^2) / 2), t(0.975, 2)
  // = 4.3027.
  const double mean = 8.0 / 3.0;
  const double s =
      std::sqrt((std::pow(2 - mean, 2) + std::pow(5 - mean, 2) + std::pow(1 - mean, 2)) / 2.0);
  EXPECT_EQ(queries->n, 3u);
  EXPECT_NEAR(queries->mean, mean, 1e-12);
  EXPECT_NEAR(*queries->high - queries->mean, 4.3027 * s / std::sqrt(3.0), 1e-4);
  // No latency in the variant: no pair, no difference.
  EXPECT_EQ(paired_differences(e.points[0], e.points[2]).find("latency.charge_to_paid_ms.p99")->n,
            0u);

  const nlohmann::ordered_json summary = summary_json(e);
  EXPECT_FALSE(summary["points"][0].contains("vs_base"));
  EXPECT_NEAR(summary["points"][1]["vs_base"]["cost.channel_queries"]["mean"].get<double>(), 2.667,
              1e-9);
  EXPECT_TRUE(summary["points"][2]["vs_base"]["latency.charge_to_paid_ms.p99"]["mean"].is_null());

  // The full table: base, v, its difference, unpaid, its difference; values marked, differences
  // not.
  const HtmlTable full = html_for_experiment(e).full_table;
  EXPECT_EQ(full.header,
            (std::vector<std::string>{"metric", "base", "v", "Δ vs base", "unpaid", "Δ vs base"}));
  const std::size_t row = row_of(full, "cost.channel_queries");
  EXPECT_EQ(full.rows[row][3], "+2.66667 ± " + fmt::format("{:.3g}", 4.3027 * s / std::sqrt(3.0)));
  const std::size_t p99 = row_of(full, "latency.charge_to_paid_ms.p99");
  EXPECT_EQ(full.rows[p99][4], "none");
  EXPECT_EQ(full.rows[p99][5], "-");
  for (std::size_t r = 0; r < full.rows.size(); ++r) {
    EXPECT_FALSE(full.best[r][3]) << full.rows[r][0];
    EXPECT_FALSE(full.best[r][5]) << full.rows[r][0];
  }
}

TEST(ExperimentCompare, OneReplicationShowsTheDifferenceAndItsShareOfTheBase) {
  const Report base = run_with_paid_orders(5, 200);
  const Report more = run_with_paid_orders(5, 230);
  const Report fewer = run_with_paid_orders(5, 193);
  Experiment e{"compare", "s",
               {1},       {},
               {},        {{"base", {}, {&base}}, {"more", {}, {&more}}, {"fewer", {}, {&fewer}}}};
  e.first_point_is_base = true;
  const HtmlTable full = html_for_experiment(e).full_table;
  const std::size_t row = row_of(full, "cost.channel_queries");
  EXPECT_EQ(full.rows[row][1], "200");
  EXPECT_EQ(full.rows[row][3], "+30 (+15.0%)");
  EXPECT_EQ(full.rows[row][5], "-7 (-3.5%)");
  EXPECT_EQ(full.rows[row_of(full, "orders.created")][3], "0");
}

}  // namespace
}  // namespace reports
