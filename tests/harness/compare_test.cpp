// paysim compare: variants see the same traffic (common random numbers, SPEC section 7), and the
// comparison table marks the best value only where "better" means something.
#include "harness/compare.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "harness/sweep.h"
#include "harness/world.h"
#include "reports/metric_direction.h"
#include "tests/harness/cli_support.h"

namespace harness {
namespace {

namespace fs = std::filesystem;
using testing::fresh_dir;
using testing::paysim;
using testing::read;

const std::string kScenario =
    std::string(PAYSIM_SOURCE_DIR) + "/tests/harness/data/compare_lossy.yaml";

// The records of a CSV file paysim wrote (CRLF, no quoted fields in the files read here).
std::vector<std::vector<std::string>> read_csv(const fs::path& path) {
  std::vector<std::vector<std::string>> records;
  std::istringstream in(read(path));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = line.find(',', start);
      fields.push_back(
          line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    records.push_back(std::move(fields));
  }
  return records;
}

// Records every charge the channels made: (time, order, message), the ledger's entries in order.
class ChargeTracer : public sim::Tracer {
 public:
  bool wants(uint64_t) const override { return true; }
  void record(sim::Time at, std::string_view component, uint64_t order,
              std::string message) override {
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
  ASSERT_EQ(plan->points.size(), 3u);  // the base, then the two variants
  const std::optional<std::vector<Scenario>> scenarios = load_points(*plan);
  ASSERT_TRUE(scenarios.has_value());
  const std::vector<reports::Report> runs = run_jobs(*plan, *scenarios, {0, 1, 2}, 2, nullptr);
  const reports::Report& base = runs[0];
  const reports::Report& polling = runs[1];
  const reports::Report& delay = runs[2];
  EXPECT_EQ(base.variant, "");  // as `paysim run` writes the base scenario
  EXPECT_EQ(polling.variant, "polling");
  EXPECT_EQ(delay.variant, "delay_message");
  EXPECT_EQ(base.orders.charged, delay.orders.charged);
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
    World world((*scenarios)[v + 1], &tracers[v]);
    world.run();
  }
  ASSERT_GT(tracers[0].charges.size(), 1000u);
  EXPECT_EQ(tracers[0].charges, tracers[1].charges);
}

TEST(Compare, NamedVariantsOnlyAndUnknownNamesAreErrors) {
  std::vector<std::string> one = {"delay_message"};
  std::optional<Plan> plan = plan_experiment(kScenario, {}, {}, 0, &one);
  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->points.size(), 2u);
  EXPECT_EQ(plan->points[0].label, "base");
  EXPECT_EQ(plan->points[1].label, "delay_message");
  std::vector<std::string> unknown = {"nope"};
  ::testing::internal::CaptureStderr();
  EXPECT_FALSE(plan_experiment(kScenario, {}, {}, 0, &unknown).has_value());
  const std::string err = ::testing::internal::GetCapturedStderr();
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
  EXPECT_EQ(reports::best_indices({3.0, 1.0, 1.0}, Better::kLower),
            (std::vector<std::size_t>{1, 2}));
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
  EXPECT_NE(text.find("\n\nlatency"), std::string::npos)
      << "groups are separated by a blank line:\n"
      << text;
}

TEST(Compare, CommandWritesPerVariantReportsAndSummaries) {
  const std::string out = ::testing::TempDir() + "/paysim-compare-cmd";
  std::filesystem::remove_all(out);
  const std::string cmd = std::string(PAYSIM_BINARY) + " compare " + kScenario + " -j 2 --out " +
                          out + " > " + out + ".txt";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  for (const char* file : {"base/report.json", "polling/report.json", "delay_message/report.json",
                           "summary.json", "summary.csv", "runs.csv", "report.html", "junit.xml"}) {
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(out) / file)) << file;
  }
}

// Regression (issue 12): `paysim compare` showed only the variants, and the library keeps one
// side of each comparison in the base. The base is the first column, written like `paysim run`.
TEST(Compare, BaseScenarioIsTheFirstColumnAndMatchesPaysimRun) {
  const fs::path out = fresh_dir("compare-base");
  const fs::path run_out = fresh_dir("compare-base-run");
  ASSERT_EQ(paysim("compare " + kScenario + " --out " + out.string(), out.string() + ".txt"), 0);
  ASSERT_EQ(paysim("run " + kScenario + " --format json --out " + run_out.string(),
                   run_out.string() + ".txt"),
            0);

  const std::string text = read(out.string() + ".txt");
  EXPECT_NE(text.find("base + 2 variants on the same traffic"), std::string::npos) << text;
  const std::size_t header = text.find("\nmetric ");
  ASSERT_NE(header, std::string::npos) << text;
  const std::string header_line = text.substr(header + 1, text.find('\n', header + 1) - header - 1);
  EXPECT_LT(header_line.find(" base "), header_line.find(" polling "));
  EXPECT_LT(header_line.find(" polling "), header_line.find("Δ vs base"));
  EXPECT_LT(header_line.find("Δ vs base"), header_line.find(" delay_message "));

  // The base column's report is the one `paysim run` writes, the wall clock aside.
  nlohmann::json base = nlohmann::json::parse(read(out / "base" / "report.json"));
  nlohmann::json run = nlohmann::json::parse(read(run_out / "report.json"));
  base["sim"]["wall_ms"] = 0;
  run["sim"]["wall_ms"] = 0;
  EXPECT_EQ(base, run);

  const nlohmann::json summary = nlohmann::json::parse(read(out / "summary.json"));
  ASSERT_EQ(summary["points"].size(), 3u);
  EXPECT_EQ(summary["points"][0]["label"], "base");
  EXPECT_FALSE(summary["points"][0].contains("vs_base"));
  // One replication: the difference is the plain difference of the two runs.
  const double base_queries = run["cost"]["channel_queries"].get<double>();
  const nlohmann::json delay = nlohmann::json::parse(read(out / "delay_message" / "report.json"));
  EXPECT_EQ(summary["points"][2]["vs_base"]["cost.channel_queries"]["mean"].get<double>(),
            delay["cost"]["channel_queries"].get<double>() - base_queries);
  const std::vector<std::vector<std::string>> runs = read_csv(out / "runs.csv");
  ASSERT_EQ(runs.size(), 4u);  // header, base, polling, delay_message
  EXPECT_EQ(runs[1][1], "");   // the base's variant, as report.json has it
  EXPECT_EQ(runs[2][1], "polling");
  EXPECT_EQ(read_csv(out / "summary.csv")[1][0], "base");
}

TEST(Compare, ReplicationsGivePairedDifferencesWithStudentTIntervals) {
  const fs::path one = fresh_dir("compare-r3-j1");
  const fs::path two = fresh_dir("compare-r3-j2");
  ASSERT_EQ(paysim("compare " + kScenario + " --replications 3 -j 1 --out " + one.string(),
                   one.string() + ".txt"),
            0);
  ASSERT_EQ(paysim("compare " + kScenario + " --replications 3 -j 2 --out " + two.string(),
                   two.string() + ".txt"),
            0);
  EXPECT_EQ(read(one.string() + ".txt"), read(two.string() + ".txt"));
  for (const char* file : {"summary.json", "summary.csv", "runs.csv", "report.html", "junit.xml"}) {
    EXPECT_EQ(read(one / file), read(two / file)) << file;
  }
  EXPECT_NE(read(one.string() + ".txt").find("paired"), std::string::npos);

  // From runs.csv, by hand: variant minus base on each of the three seeds.
  const std::vector<std::vector<std::string>> runs = read_csv(one / "runs.csv");
  ASSERT_EQ(runs.size(), 1u + 3 * 3);
  const std::size_t column = static_cast<std::size_t>(
      std::find(runs[0].begin(), runs[0].end(), "cost.channel_queries") - runs[0].begin());
  ASSERT_LT(column, runs[0].size());
  std::vector<double> differences;
  for (std::size_t r = 0; r < 3; ++r) {
    EXPECT_EQ(runs[1 + r][2], runs[7 + r][2]) << "the same seed for replication " << r;
    differences.push_back(std::stod(runs[7 + r][column]) - std::stod(runs[1 + r][column]));
  }
  const double mean = (differences[0] + differences[1] + differences[2]) / 3.0;
  double squares = 0;
  for (double d : differences) squares += (d - mean) * (d - mean);
  const double half_width =
      4.3027 * std::sqrt(squares / 2.0) / std::sqrt(3.0);  // t(0.975, 2 df), from a table
  ASSERT_GT(half_width, 0.0);
  const nlohmann::json summary = nlohmann::json::parse(read(one / "summary.json"));
  const nlohmann::json& d = summary["points"][2]["vs_base"]["cost.channel_queries"];
  EXPECT_EQ(d["n"], 3);
  EXPECT_NEAR(d["mean"].get<double>(), mean, 1e-3);
  EXPECT_NEAR(d["ci95_high"].get<double>() - mean, half_width, 1e-4 * half_width + 1e-3);
  EXPECT_NEAR(mean - d["ci95_low"].get<double>(), half_width, 1e-4 * half_width + 1e-3);
  EXPECT_TRUE(fs::exists(one / "base" / "report.json"));
}

// Regression (issue 12): the terminal table marked a p99 of 0 as best where nothing was paid.
TEST(Compare, TextTableShowsNoneForALatencyNoOrderReachedAndNeverMarksIt) {
  reports::Report nothing_paid, paid;
  nothing_paid.orders.created = paid.orders.created = 10;
  for (int i = 1; i <= 10; ++i) paid.latency.charge_to_paid_us.record(i * 1'000'000);
  const reports::Experiment e{
      "sweep", "s", {1}, {}, {}, {{"unpaid", {}, {&nothing_paid}}, {"paid", {}, {&paid}}}};
  const std::string text = render_text_table(reports::html_for_experiment(e).full_table, true);
  const std::size_t row = text.find("latency.charge_to_paid_ms.p99 ");
  ASSERT_NE(row, std::string::npos) << text;
  const std::string line = text.substr(row, text.find('\n', row) - row);
  EXPECT_NE(line.find("none"), std::string::npos) << line;
  EXPECT_EQ(line.find('*'), std::string::npos) << line;
  EXPECT_NE(line.find("10000"), std::string::npos) << line;  // the last rank is the exact maximum
}

TEST(Compare, AVariantNamedBaseIsRefused) {
  const fs::path dir = fresh_dir("compare-named-base");
  fs::create_directories(dir);
  const std::string file = (dir / "s.yaml").string();
  std::ofstream(file) << "channels: [{name: a, preset: ideal}]\nduration: 1m\n"
                         "variants: [{name: base, set: {seed: 2}}]\n";
  ASSERT_EQ(paysim("compare " + file, (dir / "out.txt").string()), 2);
  EXPECT_NE(read(dir / "out.txt").find("a variant is named 'base'"), std::string::npos)
      << read(dir / "out.txt");
}

}  // namespace
}  // namespace harness
