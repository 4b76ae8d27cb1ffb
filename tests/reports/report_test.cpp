#include "reports/report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reports/json_writer.h"
#include "tests/reports/report_test_fixture.h"

namespace reports {
namespace {

using testing::sample_report;

std::vector<std::string> keys_of(const nlohmann::ordered_json& j) {
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  return keys;
}

using Keys = std::vector<std::string>;

TEST(ReportJson, TopLevelKeysInSpecOrder) {
  const auto j = to_json(sample_report());
  EXPECT_EQ(keys_of(j), (Keys{"schema", "scenario", "variant", "seed", "sim", "orders", "dropped",
                              "latency", "resolved_by", "duplicates", "refunds", "reconciliation",
                              "cost", "security", "invariants", "expect", "timeseries"}));
  EXPECT_EQ(j["schema"], "paysim.report/1");
  EXPECT_EQ(j["scenario"], "polling-vs-delay");
  EXPECT_EQ(j["variant"], "delay-msg");
  EXPECT_EQ(j["seed"], 42);
}

TEST(ReportJson, GroupKeysInSpecOrder) {
  const auto j = to_json(sample_report());
  EXPECT_EQ(keys_of(j["sim"]), (Keys{"events", "simulated_ms", "wall_ms"}));
  EXPECT_EQ(keys_of(j["orders"]), (Keys{"created", "charged", "paid", "abandoned", "failed",
                                        "refunded", "closed", "pay_refused"}));
  EXPECT_EQ(keys_of(j["dropped"]),
            (Keys{"final", "final_external", "final_internal", "user_visible",
                  "user_visible_external", "user_visible_internal", "callbacks_lost"}));
  EXPECT_EQ(keys_of(j["latency"]),
            (Keys{"charge_to_paid_ms", "pay_to_paid_ms", "client_visible_ms"}));
  for (const char* latency : {"charge_to_paid_ms", "pay_to_paid_ms", "client_visible_ms"}) {
    EXPECT_EQ(keys_of(j["latency"][latency]),
              (Keys{"count", "mean", "p50", "p90", "p99", "p999", "max"}));
  }
  EXPECT_EQ(keys_of(j["resolved_by"]), (Keys{"callback", "polling", "delay_message", "order_query",
                                             "sync", "reconciliation", "close"}));
  EXPECT_EQ(keys_of(j["duplicates"]),
            (Keys{"charged_orders", "refunded", "unresolved", "refunds_issued", "wrong_refunds",
                  "overcharged_minor", "purchases"}));
  EXPECT_EQ(keys_of(j["refunds"]), (Keys{"requested", "duplicate", "extra_charge", "late_payment",
                                         "closed_payment", "repeat_purchase", "gave_up"}));
  EXPECT_EQ(keys_of(j["reconciliation"]), (Keys{"runs", "orders_checked", "payments_found",
                                                "notifies_resent", "refunds_requested"}));
  EXPECT_EQ(keys_of(j["cost"]),
            (Keys{"channel_queries", "peak_query_qps", "db_rows_scanned", "mq_messages",
                  "notify_attempts", "dead_letters", "late_acks"}));
  EXPECT_EQ(keys_of(j["invariants"]), (Keys{"violations", "details"}));
  EXPECT_EQ(keys_of(j["invariants"]["details"][0]), (Keys{"order", "event", "time_ms", "message"}));
  EXPECT_EQ(keys_of(j["expect"][0]), (Keys{"metric", "op", "threshold", "actual", "pass"}));
  EXPECT_EQ(keys_of(j["timeseries"]), (Keys{"columns", "rows"}));
}

TEST(ReportJson, ValuesAndUnits) {
  const auto j = to_json(sample_report());
  EXPECT_TRUE(j["orders"]["created"].is_number_unsigned());
  EXPECT_EQ(j["orders"]["created"], 1000);
  EXPECT_EQ(j["dropped"]["final"], 3);
  EXPECT_EQ(j["sim"]["simulated_ms"], 3600000.0);
  EXPECT_EQ(j["sim"]["wall_ms"], 812.25);
  const auto& latency = j["latency"]["charge_to_paid_ms"];
  EXPECT_EQ(latency["count"], 1000);
  EXPECT_EQ(latency["mean"], 500.5);
  EXPECT_EQ(latency["max"], 1000.0);
  EXPECT_NEAR(latency["p99"].get<double>(), 990.0, 9.9);
  // Rounded to whole microseconds, so the text never has more than 3 decimals.
  const double p50 = latency["p50"].get<double>();
  EXPECT_EQ(p50, std::round(p50 * 1000.0) / 1000.0);
  EXPECT_EQ(j["latency"]["pay_to_paid_ms"]["p50"], 20000.0);
  EXPECT_EQ(j["latency"]["client_visible_ms"]["count"], 0);
  EXPECT_EQ(j["invariants"]["details"][0]["time_ms"], 1234.567);
  EXPECT_TRUE(j["expect"][0]["actual"].is_number());
  EXPECT_EQ(j["timeseries"]["columns"],
            (Keys{"pending_payments", "queries", "orders_paid", "charge_to_paid_p99_us"}));
  EXPECT_EQ(j["timeseries"]["rows"].dump(), "[[0,12,5,0,0],[1,0,0,0,0],[2,0,0,9,0]]");
  EXPECT_FALSE(j.contains("histograms"));
}

TEST(ReportJson, MissingActualIsNull) {
  Report r;
  r.expect.push_back({"no.such", "<", 1, std::nullopt, false});
  EXPECT_TRUE(to_json(r)["expect"][0]["actual"].is_null());
}

TEST(ReportJson, EqualReportsRenderIdenticalBytes) {
  const std::string a = render_json(sample_report());
  const std::string b = render_json(sample_report());
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.back(), '\n');
  EXPECT_EQ(a.rfind("{\n  \"schema\": \"paysim.report/1\",\n  \"scenario\"", 0), 0u) << a;
  Report changed = sample_report();
  changed.cost.dead_letters += 1;
  EXPECT_NE(render_json(changed), a);
}

TEST(ReportJson, HistogramsForShardsRoundTrip) {
  const Report r = sample_report();
  const auto j = to_json(r, /*include_histograms=*/true);
  EXPECT_EQ(keys_of(j).back(), "histograms");
  EXPECT_EQ(keys_of(j["histograms"]),
            (Keys{"charge_to_paid_us", "pay_to_paid_us", "client_visible_us"}));
  std::string error;
  const auto back = LogHistogram::from_json(
      nlohmann::json::parse(j.dump())["histograms"]["charge_to_paid_us"], &error);
  ASSERT_TRUE(back.has_value()) << error;
  EXPECT_EQ(*back, r.latency.charge_to_paid_us);
  // Raw buckets are data, not metrics.
  for (const std::string& path : metric_paths(j)) EXPECT_NE(path.rfind("histograms", 0), 0u);
}

TEST(Invariants, KeepsTheFirstTwentyDetailsAndCountsAll) {
  Invariants invariants;
  for (std::uint64_t order = 1; order <= 25; ++order) {
    invariants.record({order, "charge", 0, "money not conserved"});
  }
  EXPECT_EQ(invariants.violations, 25u);
  ASSERT_EQ(invariants.details.size(), kMaxInvariantDetails);
  EXPECT_EQ(invariants.details.front().order, 1u);
  EXPECT_EQ(invariants.details.back().order, 20u);
}

TEST(MetricValue, NestedAndMissingPaths) {
  const auto j = to_json(sample_report());
  EXPECT_EQ(metric_value(j, "dropped.final"), 3.0);
  EXPECT_EQ(metric_value(j, "cost.peak_query_qps"), 37.0);
  EXPECT_EQ(metric_value(j, "latency.charge_to_paid_ms.max"), 1000.0);
  EXPECT_EQ(metric_value(j, "latency.charge_to_paid_ms.mean"), 500.5);
  EXPECT_EQ(metric_value(j, "invariants.violations"), 1.0);
  EXPECT_EQ(metric_value(j, "seed"), 42.0);
  EXPECT_EQ(metric_value(j, "dropped.nope"), std::nullopt);
  EXPECT_EQ(metric_value(j, "nope.final"), std::nullopt);
  EXPECT_EQ(metric_value(j, "dropped.final.deeper"), std::nullopt);
  EXPECT_EQ(metric_value(j, "dropped"), std::nullopt);             // an object, not a number
  EXPECT_EQ(metric_value(j, "scenario"), std::nullopt);            // a string
  EXPECT_EQ(metric_value(j, "invariants.details"), std::nullopt);  // a list
  EXPECT_EQ(metric_value(j, ""), std::nullopt);
  EXPECT_EQ(metric_value(j, "dropped."), std::nullopt);
}

TEST(MetricPaths, ListsEveryNumericLeafInDocumentOrder) {
  const auto j = to_json(sample_report());
  const auto paths = metric_paths(j);
  ASSERT_EQ(paths.size(), 3u + 8 + 7 + 3 * 7 + 7 + 7 + 7 + 5 + 7 + 6 + 1);
  EXPECT_EQ(paths.front(), "sim.events");
  EXPECT_EQ(paths[3], "orders.created");
  EXPECT_EQ(paths[18], "latency.charge_to_paid_ms.count");
  EXPECT_EQ(paths.back(), "invariants.violations");
  for (const std::string& path : paths) EXPECT_TRUE(metric_value(j, path).has_value()) << path;
}

}  // namespace
}  // namespace reports
