// `paysim swarm` (harness/command_swarm.cpp) and what it builds on (harness/swarm.h): its exit
// codes, output that does not depend on -j, BASE's keys kept, and a planted bug found with a
// written scenario that reproduces it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "harness/scenario_loader.h"
#include "harness/swarm.h"
#include "harness/world.h"
#include "tests/harness/cli_support.h"

namespace harness {
namespace {

namespace fs = std::filesystem;
using testing::fresh_dir;
using testing::Output;
using testing::paysim_output;

TEST(SwarmCommand, UsageErrorsExitTwoBeforeAnythingRuns) {
  const fs::path dir = fresh_dir("swarm_usage");
  const std::string out = " --out " + dir.string();
  for (const char* args :
       {"--seeds 0", "--seeds 100001", "--seeds -1", "--seeds 1e3", "--seeds x", "--from -1",
        "--from 18446744073709551616", "--from 18446744073709551615 --seeds 2", "-j 0",
        "--seeds 1 no-such-base.yaml"}) {
    const Output r = paysim_output(std::string("swarm ") + args + out, "swarm_usage");
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out << r.err;
    EXPECT_FALSE(r.err.empty()) << args;
    EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << args << ": " << r.out;
  }
  const Output range = paysim_output("swarm --seeds 100001", "swarm_range");
  EXPECT_NE(range.err.find("--seeds must be from 1 to 100000"), std::string::npos) << range.err;
  const Output past = paysim_output("swarm --from 18446744073709551615 --seeds 2", "swarm_past");
  EXPECT_NE(past.err.find("past the largest seed"), std::string::npos) << past.err;

  const fs::path bad = dir.parent_path() / "swarm_bad_base.yaml";
  std::ofstream(bad) << "channels: []\n";
  const Output base = paysim_output("swarm --seeds 1 " + bad.string() + out, "swarm_bad_base");
  EXPECT_EQ(base.exit_code, 2) << base.out << base.err;
  EXPECT_NE(base.err.find("swarm_bad_base.yaml"), std::string::npos) << base.err;
  EXPECT_FALSE(fs::exists(dir)) << "nothing written";
}

TEST(SwarmCommand, PassingSeedsExitZeroWithTheSameOutputForAnyJ) {
  const fs::path dir = fresh_dir("swarm_pass");
  const Output one = paysim_output("swarm --from 3 --seeds 3 --out " + dir.string(), "swarm_j1");
  EXPECT_EQ(one.exit_code, 0) << one.out << one.err;
  EXPECT_NE(one.out.find("swarm: seeds 3..5\n"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("3 seed(s): 3 passed, 0 failed"), std::string::npos) << one.out;
  const Output two =
      paysim_output("swarm -j 2 --seeds 3 --out " + dir.string() + " --from 3", "swarm_j2");
  EXPECT_EQ(two.exit_code, 0) << two.err;
  EXPECT_EQ(two.out, one.out);
  EXPECT_FALSE(fs::exists(dir)) << "a passing swarm writes nothing";
}

// BASE supplies the keys it writes; the swarm draws the rest, and turns BASE's faults off in the
// liveness phase.
TEST(SwarmCommand, BaseKeysStayAndTheRestIsDrawn) {
  const fs::path path = fresh_dir("swarm_base.yaml");
  std::ofstream(path) << "name: mine\n"
                         "traffic: {rate: 7/s}\n"
                         "duration: 2m\n"
                         "expect: {orders.paid: 1}\n"
                         "channels:\n"
                         "  - {name: ali, preset: alipay-like, share: 0.6,\n"
                         "     callback: {drop_probability: 0.2}}\n"
                         "  - {name: card, preset: card-sync, share: 0.4}\n"
                         "system:\n"
                         "  compensation: {strategy: polling}\n";
  std::vector<std::string> errors;
  const std::optional<SwarmBase> base = load_swarm_base(path.string(), &errors);
  ASSERT_TRUE(base.has_value()) << (errors.empty() ? "" : errors[0]);
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const SwarmScenario on = generate_swarm_scenario(seed, SwarmPhase::kSafety, &*base);
    ASSERT_TRUE(on.loaded.has_value()) << on.yaml;
    const Scenario& s = *on.loaded;
    EXPECT_EQ(s.traffic.rate_per_s, 7.0);
    EXPECT_EQ(s.duration, sim::Duration::minutes(2));
    EXPECT_EQ(s.seed, seed);
    ASSERT_EQ(s.channels.size(), 2u);
    EXPECT_EQ(s.channels[0].name, "ali");
    EXPECT_EQ(s.channels[0].share, 0.6);
    EXPECT_EQ(s.channels[0].callback.drop_probability, 0.2);
    EXPECT_EQ(s.channels[1].mode, channels::ChannelMode::kSync) << "the preset's shape stays";
    EXPECT_EQ(s.system.compensation.strategy, sut::Strategy::kPolling);
    EXPECT_EQ(s.expect.size(), 1u) << "BASE's expect is replaced by the swarm's";

    const SwarmScenario off = generate_swarm_scenario(seed, SwarmPhase::kLiveness, &*base);
    ASSERT_TRUE(off.loaded.has_value()) << off.yaml;
    EXPECT_EQ(off.loaded->channels[0].callback.drop_probability, 0.0);
    EXPECT_EQ(off.loaded->traffic.rate_per_s, 7.0);
  }
  // A key that excludes a drawn one: a day profile in BASE, and no drawn rate beside it.
  const fs::path profile = fresh_dir("swarm_base_profile.yaml");
  std::ofstream(profile) << "traffic: {profile: [[0h, 6/s], [12h, 9/s]]}\n"
                            "channels: [{name: w}]\n";
  const std::optional<SwarmBase> day = load_swarm_base(profile.string(), &errors);
  ASSERT_TRUE(day.has_value()) << (errors.empty() ? "" : errors[0]);
  const SwarmScenario with_profile = generate_swarm_scenario(1, SwarmPhase::kSafety, &*day);
  ASSERT_TRUE(with_profile.loaded.has_value())
      << with_profile.yaml << (with_profile.load_errors.empty() ? "" : with_profile.load_errors[0]);
  EXPECT_EQ(with_profile.loaded->traffic.profile.size(), 2u);

  const Output r = paysim_output("swarm --seeds 2 " + path.string(), "swarm_base_run");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("on " + path.string()), std::string::npos) << r.out;
}

// The swarm finds a bug planted in the system under test (system_under_test/planted_bug.h), and
// the scenario it writes reproduces it: loaded from the file and run with the same bug, it
// breaks the same invariant at the same order; run without the bug, it passes.
TEST(SwarmCommand, FindsAPlantedBugAndWritesAScenarioThatReproducesIt) {
  for (const sut::PlantedBug bug : sut::kAllPlantedBugs) {
    SCOPED_TRACE(std::string(sut::to_string(bug)));
    SwarmOptions options;
    options.planted_bug = bug;
    std::optional<SwarmSeedResult> failed;
    for (uint64_t seed = 1; seed <= 8 && !failed; ++seed) {
      SwarmSeedResult r = run_swarm_seed(seed, options);
      if (!r.passed) failed = std::move(r);
    }
    ASSERT_TRUE(failed.has_value()) << "the swarm missed the planted bug in seeds 1..8";
    ASSERT_FALSE(failed->failures.empty());
    EXPECT_EQ(failed->failures[0].rfind("invariants: ", 0), 0u) << failed->failures[0];

    const fs::path file = fresh_dir("swarm_planted_" + std::string(sut::to_string(bug)) + ".yaml");
    std::ofstream(file) << failed->yaml;
    const LoadResult loaded = load_scenario_file(file.string());
    ASSERT_TRUE(loaded.ok()) << failed->yaml;
    {
      World world(*loaded.scenario);
      world.plant_bug(bug);
      const reports::Report& again = world.run();
      ASSERT_GT(again.invariants.violations, 0u);
      const reports::InvariantViolation& v = again.invariants.details.front();
      EXPECT_NE(failed->failures[0].find("order " + std::to_string(v.order) + " at"),
                std::string::npos)
          << failed->failures[0];
      EXPECT_NE(failed->failures[0].find(v.message), std::string::npos) << failed->failures[0];
    }
    World clean(*loaded.scenario);
    EXPECT_EQ(clean.run().invariants.violations, 0u) << "the bug, not the scenario, broke it";
    // `paysim run` on the written file runs what the swarm ran: without the bug, it passes.
    if (bug == sut::PlantedBug::kPaidWithoutCharge) {
      const Output run = paysim_output("run " + file.string(), "swarm_planted_run");
      EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    }
  }
}

}  // namespace
}  // namespace harness
