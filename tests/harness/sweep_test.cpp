// paysim sweep and merge: the grid and seeds, identical outputs whatever -j says, and shards that
// merge into byte-for-byte the files an unsharded sweep writes.
#include "harness/sweep.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "harness/build_info.h"
#include "harness/progress.h"
#include "harness/sweep_part.h"
#include "reports/report_reader.h"
#include "tests/harness/cli_support.h"

namespace harness {
namespace {

namespace fs = std::filesystem;
using testing::fresh_dir;
using testing::paysim;
using testing::read;

const std::string kScenario =
    std::string(PAYSIM_SOURCE_DIR) + "/tests/harness/data/compare_lossy.yaml";
const char* const kSummaryFiles[] = {"summary.json", "summary.csv", "runs.csv", "report.html",
                                     "junit.xml"};

TEST(Sweep, GridIsTheCartesianProductFirstAxisSlowest) {
  const std::vector<PlanPoint> points =
      grid_points({{"a.x", {"1", "2"}}, {"b.y", {"p", "q", "r"}}});
  ASSERT_EQ(points.size(), 6u);
  EXPECT_EQ(points[0].label, "x=1, y=p");
  EXPECT_EQ(points[1].label, "x=1, y=q");
  EXPECT_EQ(points[3].label, "x=2, y=p");
  EXPECT_EQ(points[5].values[1].value, "r");
  // Same last segment on two axes: full keys keep labels apart.
  EXPECT_EQ(grid_points({{"a.x", {"1"}}, {"b.x", {"2"}}})[0].label, "a.x=1, b.x=2");
  EXPECT_EQ(grid_points({})[0].label, "base");
}

TEST(Sweep, ReplicationSeedsStartAtTheScenarioSeedAndDiffer) {
  EXPECT_EQ(replication_seed(42, 0), 42u);
  EXPECT_NE(replication_seed(42, 1), 42u);
  EXPECT_NE(replication_seed(42, 1), replication_seed(42, 2));
  EXPECT_EQ(replication_seed(42, 3), replication_seed(42, 3));
  EXPECT_NE(replication_seed(42, 1), replication_seed(43, 1));
}

TEST(Sweep, ShardsAndAxesParse) {
  std::string error;
  EXPECT_EQ(parse_shard("2/3", &error), std::make_pair(std::size_t{2}, std::size_t{3}));
  EXPECT_FALSE(parse_shard("3/3", &error).has_value());
  EXPECT_FALSE(parse_shard("1", &error).has_value());
  EXPECT_FALSE(parse_shard("-1/2", &error).has_value());
  EXPECT_EQ(shard_jobs(8, 1, 3), (std::vector<std::size_t>{1, 4, 7}));
  const std::optional<SweepAxis> axis = parse_axis("system.x=10s,1m", &error);
  ASSERT_TRUE(axis.has_value());
  EXPECT_EQ(axis->values, (std::vector<std::string>{"10s", "1m"}));
  EXPECT_FALSE(parse_axis("=1", &error).has_value());
  EXPECT_FALSE(parse_axis("k=1,,2", &error).has_value());
}

TEST(Sweep, ReportsRoundTripThroughPartJsonExactly) {
  const std::optional<Plan> plan = plan_experiment(kScenario, {}, {}, 1, nullptr);
  ASSERT_TRUE(plan.has_value());
  const std::optional<std::vector<Scenario>> scenarios = load_points(*plan);
  ASSERT_TRUE(scenarios.has_value());
  std::vector<reports::Report> runs = run_jobs(*plan, *scenarios, {0}, 1, nullptr);
  runs[0].sim.wall_ms = 0;
  std::string error;
  const std::optional<reports::Report> back =
      reports::report_from_json(reports::to_json(runs[0], true), &error);
  ASSERT_TRUE(back.has_value()) << error;
  EXPECT_EQ(reports::to_json(*back, true).dump(), reports::to_json(runs[0], true).dump());
}

TEST(Sweep, OutputsAreIdenticalForAnyThreadCount) {
  const fs::path one = fresh_dir("sweep-j1");
  const fs::path two = fresh_dir("sweep-j2");
  ASSERT_EQ(paysim("sweep " + kScenario + " -j 1 --out " + one.string(), one.string() + ".log"), 0);
  ASSERT_EQ(paysim("sweep " + kScenario + " -j 2 --out " + two.string(), two.string() + ".log"), 0);
  for (const char* file : kSummaryFiles) {
    EXPECT_EQ(read(one / file), read(two / file)) << file;
  }
  const nlohmann::json summary = nlohmann::json::parse(read(one / "summary.json"));
  EXPECT_EQ(summary["points"].size(), 2u);
  EXPECT_EQ(summary["replications"], 2);
  EXPECT_FALSE(summary["points"][0]["metrics"].contains("sim.wall_ms"));
  EXPECT_TRUE(summary["points"][0]["metrics"]["dropped.final"]["ci95_low"].is_number());
}

TEST(Sweep, ThreeShardsMergeIntoWhatOneRunWrites) {
  const fs::path whole = fresh_dir("sweep-whole");
  const fs::path parts = fresh_dir("sweep-parts");
  const fs::path merged = fresh_dir("sweep-merged");
  const std::string axis = " --axis system.compensation.strategy=polling,delay_message";
  ASSERT_EQ(paysim("sweep " + kScenario + axis + " -j 2 --out " + whole.string(),
                   whole.string() + ".log"),
            0);
  std::string part_files;
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(paysim("sweep " + kScenario + axis + " --shard " + std::to_string(i) + "/3 --out " +
                         parts.string(),
                     parts.string() + ".log"),
              0);
    part_files +=
        ' ';  // appended piecewise: g++ 12 warns falsely (-Wrestrict) on " " + string at -O3
    part_files += (parts / ("part-" + std::to_string(i) + "-of-3.json")).string();
  }
  ASSERT_EQ(paysim("merge" + part_files + " --out " + merged.string(), merged.string() + ".log"), 0)
      << read(merged.string() + ".log");
  for (const char* file : kSummaryFiles) {
    EXPECT_EQ(read(whole / file), read(merged / file)) << file;
  }

  // A missing shard, a shard given twice, or a part of another sweep is refused.
  const std::string p0 = (parts / "part-0-of-3.json").string();
  const std::string p1 = (parts / "part-1-of-3.json").string();
  const std::string log = merged.string() + ".err";
  EXPECT_EQ(paysim("merge " + p0 + " " + p1 + " --out " + merged.string(), log), 2);
  EXPECT_NE(read(log).find("missing"), std::string::npos) << read(log);
  EXPECT_EQ(paysim("merge " + p0 + " " + p0 + " --out " + merged.string(), log), 2);
  EXPECT_NE(read(log).find("already given"), std::string::npos) << read(log);
  const fs::path other = fresh_dir("sweep-other");
  ASSERT_EQ(
      paysim("sweep " + kScenario + " --replications 1 --shard 0/1 --out " + other.string(), log),
      0);
  EXPECT_EQ(paysim("merge " + (other / "part-0-of-1.json").string() + " " + p1 + " --out " +
                       merged.string(),
                   log),
            2);
  EXPECT_NE(read(log).find("different sweep"), std::string::npos) << read(log);
}

// issue 17: parts record the build that wrote them (`paysim --version`), and merge refuses parts
// of two builds, whose reports could differ, naming both.
TEST(Sweep, MergeRefusesPartsOfAnotherBuild) {
  const fs::path parts = fresh_dir("sweep-builds");
  const std::string log = parts.string() + ".log";
  for (const char* shard : {"0/2", "1/2"}) {
    ASSERT_EQ(paysim("sweep " + kScenario + " --replications 1 --set duration=1m --shard " + shard +
                         " --out " + parts.string(),
                     log),
              0)
        << read(log);
  }
  const fs::path p0 = parts / "part-0-of-2.json", p1 = parts / "part-1-of-2.json";
  nlohmann::json part = nlohmann::json::parse(read(p1));
  EXPECT_EQ(part["identity"]["paysim_version"], PAYSIM_VERSION);
  EXPECT_EQ(part["identity"]["paysim_revision"], std::string(paysim_revision()));
  const std::string merge =
      "merge " + p0.string() + " " + p1.string() + " --out " + (parts / "merged").string();
  ASSERT_EQ(paysim(merge, log), 0) << read(log);

  part["identity"]["paysim_revision"] = "0123456789ab";
  std::ofstream(p1) << part.dump(1);
  EXPECT_EQ(paysim(merge, log), 2);
  EXPECT_NE(read(log).find(p1.string() +
                           ": was written by paysim " PAYSIM_VERSION " (revision 0123456789ab), " +
                           p0.string() + " by paysim " PAYSIM_VERSION " (revision " +
                           std::string(paysim_revision()) + ")"),
            std::string::npos)
      << read(log);
}

TEST(Sweep, ProgressLineEstimatesTimeLeft) {
  EXPECT_EQ(Progress::line(0, 8, "runs", 0.0),
            "[------------------------------] 0/8 runs  elapsed 0:00  left ?");
  EXPECT_EQ(Progress::line(2, 8, "runs", 10.0),
            "[#######-----------------------] 2/8 runs  elapsed 0:10  left ~0:30");
}

}  // namespace
}  // namespace harness
