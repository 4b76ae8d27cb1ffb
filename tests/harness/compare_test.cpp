// paysim compare: variants see the same traffic (common random numbers, SPEC section 7), and the
// comparison table marks the best value only where "better" means something.
#include <gtest/gtest.h>

#include <filesystem>
#include <tuple>

#include "harness/compare.h"
#include "harness/sweep.h"
#include "harness/world.h"
#include "reports/metric_direction.h"

namespace harness {
namespace {

const std::string kScenario = std::string(PAYSIM_SOURCE_DIR) + "/tests/harness/data/compare_lossy.yaml";

// Records every charge the channels made: (time, order, message), the ledger's entries in order.
class ChargeTracer : public sim::Tracer {
 public:
  bool wants(uint64_t) const override { return true; }
  void record(sim::Time at, std::string_view component, uint64_t order, std::string message) override {
    if (component.substr(0, 8) == "channel:" && message.rfind("charged", 0) == 0) {
      charges.emplace_back(at.us(), order, std::move(message));
    }
  }
  std::vector<std::tuple<int64_t, uint64_t, std::string>> charges;
};

TEST(Compare, VariantsSeeTheSameTrafficAndFaults) {
  const std::vector<std::string> variants;  // all of them
  const std::optional<Plan> plan = plan_experiment(kScenario, {}, {}, 0, &variants);
  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->points.size(), 2u);
  const std::optional<std::vector<Scenario>> scenarios = load_points(*plan);
  ASSERT_TRUE(scenarios.has_value());
  const std::vector<reports::Report> runs = run_jobs(*plan, *scenarios, {0, 1}, 2, nullptr);
  const reports::Report& polling = runs[0];
  const reports::Report& delay = runs[1];
  EXPECT_EQ(polling.variant, "polling");
  EXPECT_EQ(delay.variant, "delay_message");
  ASSERT_GT(polling.orders.created, 1000u);
  // What the users and the channel did is the same...
  EXPECT_EQ(polling.orders.created, delay.orders.created);
  EXPECT_EQ(polling.orders.charged, delay.orders.charged);
  EXPECT_EQ(polling.dropped.callbacks_lost, delay.dropped.callbacks_lost);
  ASSERT_GT(polling.dropped.callbacks_lost, 100u);
  // ...how the shop found out differs.
  EXPECT_GT(polling.resolved_by.polling, 0u);
  EXPECT_EQ(polling.resolved_by.delay_message, 0u);
  EXPECT_GT(delay.resolved_by.delay_message, 0u);
  EXPECT_EQ(delay.resolved_by.polling, 0u);

  // The ledger itself: every charge at the same simulated time for the same order.
  std::vector<ChargeTracer> tracers(2);
  for (std::size_t v = 0; v < 2; ++v) {
    World world((*scenarios)[v], &tracers[v]);
    world.run();
  }
  ASSERT_GT(tracers[0].charges.size(), 1000u);
  EXPECT_EQ(tracers[0].charges, tracers[1].charges);
}

TEST(Compare, NamedVariantsOnlyAndUnknownNamesAreErrors) {
  std::vector<std::string> one = {"delay_message"};
  std::optional<Plan> plan = plan_experiment(kScenario, {}, {}, 0, &one);
  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->points.size(), 1u);
  EXPECT_EQ(plan->points[0].label, "delay_message");
  std::vector<std::string> unknown = {"nope"};
  testing::internal::CaptureStderr();
  EXPECT_FALSE(plan_experiment(kScenario, {}, {}, 0, &unknown).has_value());
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("no such variant"), std::string::npos) << err;
  EXPECT_NE(err.find("polling, delay_message"), std::string::npos) << err;
}

TEST(Compare, BestIsMarkedOnlyWhereBetterIsDefined) {
  using reports::Better;
  EXPECT_EQ(reports::metric_direction("dropped.final"), Better::kLower);
  EXPECT_EQ(reports::metric_direction("latency.charge_to_paid_ms.p99"), Better::kLower);
  EXPECT_EQ(reports::metric_direction("latency.charge_to_paid_ms.count"), Better::kNone);
  EXPECT_EQ(reports::metric_direction("cost.channel_queries"), Better::kLower);
  EXPECT_EQ(reports::metric_direction("orders.paid"), Better::kHigher);
  EXPECT_EQ(reports::metric_direction("orders.created"), Better::kNone);
  EXPECT_EQ(reports::metric_direction("resolved_by.polling"), Better::kNone);
  EXPECT_EQ(reports::best_indices({3.0, 1.0, 1.0}, Better::kLower), (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(reports::best_indices({3.0, 1.0}, Better::kHigher), (std::vector<std::size_t>{0}));
  EXPECT_TRUE(reports::best_indices({2.0, 2.0}, Better::kLower).empty());
  EXPECT_TRUE(reports::best_indices({1.0, 2.0}, Better::kNone).empty());

  reports::HtmlTable table;
  table.header = {"metric", "a", "b"};
  table.rows = {{"dropped.final", "3", "1"}, {"latency.x_ms.p99", "10", "20"}};
  table.best = {{false, false, true}, {false, true, false}};
  const std::string text = render_text_table(table, true);
  EXPECT_NE(text.find("1 *"), std::string::npos) << text;
  EXPECT_NE(text.find("10 *"), std::string::npos) << text;
  EXPECT_NE(text.find("\n\nlatency"), std::string::npos) << "groups are separated by a blank line:\n" << text;
}

TEST(Compare, CommandWritesPerVariantReportsAndSummaries) {
  const std::string out = ::testing::TempDir() + "/paysim-compare-cmd";
  std::filesystem::remove_all(out);
  const std::string cmd = std::string(PAYSIM_BINARY) + " compare " + kScenario + " -j 2 --out " + out + " > " + out + ".txt";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  for (const char* file : {"polling/report.json", "delay_message/report.json", "summary.json", "summary.csv",
                           "runs.csv", "report.html", "junit.xml"}) {
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(out) / file)) << file;
  }
}

}  // namespace
}  // namespace harness
