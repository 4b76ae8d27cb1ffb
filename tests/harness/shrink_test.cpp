// `paysim shrink` (harness/command_shrink.cpp) and what it builds on (harness/shrink.h): a
// scenario whose only cause of drops is known shrinks to exactly that cause; the result is
// 1-minimal (checked here by removing each remaining key with yaml-cpp, independently of the
// shrinker's own passes); a planted bug shrinks to a scenario that breaks an invariant only with
// the bug; the command's exit codes and the file it writes, which `paysim run` fails on.
#include "harness/shrink.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "harness/run.h"
#include "harness/scenario_loader.h"
#include "harness/world.h"
#include "tests/harness/cli_support.h"

namespace harness {
namespace {

namespace fs = std::filesystem;
using testing::fresh_dir;
using testing::Output;
using testing::paysim_output;

// Drops come from one place only: channel a loses callbacks and nothing re-queries (the default
// strategy is none). Everything else is noise the shrinker must take out: a second channel with
// duplicate callbacks and double charges, query failures, user behaviours, guards, notify
// retries, a variant, an expect block, and an alias (drain shares duration's value).
constexpr const char* kLostCallbacks = R"(name: shrink-lost-callbacks
seed: 7
duration: &window 10m
drain: *window
traffic: {rate: 20/s, arrival: poisson}
user:
  pay_probability: 0.9
  repeat_click_probability: 0.1
  pay_delay: {dist: exponential, mean: 5s}
channels:
  - name: a
    share: 0.5
    callback:
      drop_probability: 0.2
      duplicate_probability: 0.1
      delay: {dist: exponential, mean: 1s}
    query: {failure_probability: 0.2}
  - name: b
    share: 0.5
    callback: {duplicate_probability: 0.2}
    double_charge_probability: 0.01
system:
  dedup: {order_lock: true, compare_and_set: true}
  notify: {sync_retries: 3}
environment:
  payment_service: {step_latency: 2ms}
variants:
  - {name: polling, set: {system.compensation.strategy: polling}}
expect:
  dropped.final: "== 0"
)";

ShrinkCondition until(const std::string& text) {
  std::string error;
  std::optional<ShrinkCondition> c = parse_shrink_condition(text, &error);
  EXPECT_TRUE(c.has_value()) << error;
  return c.value_or(ShrinkCondition{});
}

// Every leaf of `node` as a dotted path (list entries by name where they have one).
void leaf_paths(const YAML::Node& node, const std::string& at, std::vector<std::string>& out) {
  if (node.IsMap()) {
    for (const auto& kv : node)
      leaf_paths(kv.second, at.empty() ? kv.first.Scalar() : at + "." + kv.first.Scalar(), out);
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) {
      const YAML::Node& item = node[i];
      const bool named = item.IsMap() && item["name"] && item["name"].IsScalar();
      leaf_paths(item, at + "[" + (named ? item["name"].Scalar() : std::to_string(i)) + "]", out);
    }
  } else {
    out.push_back(at);
  }
}

// The leaves the shrinker may remove: not the name, seed, window, drain, rate, channel names,
// nor the expect block it writes.
std::set<std::string> removable_leaves(const std::string& yaml) {
  std::vector<std::string> all;
  leaf_paths(YAML::Load(yaml), "", all);
  std::set<std::string> out;
  for (const std::string& p : all) {
    if (p == "name" || p == "seed" || p == "duration" || p == "drain" || p == "traffic.rate" ||
        p.rfind("expect.", 0) == 0 ||
        (p.rfind("channels[", 0) == 0 && p.size() > 5 && p.substr(p.size() - 5) == ".name"))
      continue;
    out.insert(p);
  }
  return out;
}

// Runs `yaml` (its expect block ignored) and says whether `c` holds.
bool fails(const std::string& yaml, const ShrinkCondition& c,
           sut::PlantedBug bug = sut::PlantedBug::kNone) {
  LoadResult loaded = load_scenario_text(yaml, "candidate.yaml");
  if (!loaded.ok()) return false;
  World world(*loaded.scenario);
  if (bug != sut::PlantedBug::kNone) world.plant_bug(bug);
  return condition_holds(c, world.run());
}

// Removes the map key at dotted `path` (channels by name) from a copy of `yaml`.
std::string without(const std::string& yaml, const std::string& path) {
  YAML::Node doc = YAML::Load(yaml);
  YAML::Node at = doc;
  std::vector<std::string> parts;
  std::string part;
  for (char ch : path) {
    if (ch == '.' || ch == '[' || ch == ']') {
      if (!part.empty()) parts.push_back(part);
      part.clear();
    } else {
      part += ch;
    }
  }
  parts.push_back(part);
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node next;
    if (at.IsSequence()) {
      for (YAML::Node item : at)
        if (item["name"].as<std::string>() == parts[i]) next.reset(item);
    } else {
      next.reset(at[parts[i]]);
    }
    at.reset(next);
  }
  at.remove(parts.back());
  YAML::Emitter out;
  out << doc;
  return out.c_str();
}

// 1-minimal: taking any one removable leaf out loses the failure.
void expect_one_minimal(const std::string& yaml, const ShrinkCondition& c,
                        sut::PlantedBug bug = sut::PlantedBug::kNone) {
  ASSERT_TRUE(fails(yaml, c, bug)) << yaml;
  for (const std::string& leaf : removable_leaves(yaml))
    EXPECT_FALSE(fails(without(yaml, leaf), c, bug)) << "not needed: " << leaf << "\n" << yaml;
}

TEST(Shrink, ReadsTheCondition) {
  EXPECT_TRUE(until("invariant").invariant);
  const ShrinkCondition c = until(" dropped.final>0 ");
  EXPECT_FALSE(c.invariant);
  EXPECT_EQ(c.expectation.metric, "dropped.final");
  EXPECT_EQ(c.expectation.op, CompareOp::kGt);
  EXPECT_EQ(failing_expectation(c), (std::pair<std::string, std::string>{"dropped.final", "<= 0"}));
  EXPECT_EQ(failing_expectation(until("duplicates.unresolved == 2"))->second, "!= 2");
  EXPECT_FALSE(failing_expectation(until("invariant")).has_value());
  for (const char* bad : {"", "dropped.final", "> 0", "dropped.finall > 0", "dropped.final >",
                          "dropped.final > 0 at 95%", "invariants"}) {
    std::string error;
    EXPECT_FALSE(parse_shrink_condition(bad, &error).has_value()) << bad;
    EXPECT_NE(error.find("--until"), std::string::npos) << bad << ": " << error;
  }
  std::string error;
  parse_shrink_condition("dropped.finall > 0", &error);
  EXPECT_NE(error.find("dropped.final"), std::string::npos) << "did you mean: " << error;
}

TEST(Shrink, LostCallbacksShrinkToTheLostCallbacks) {
  ShrinkOptions options;
  options.until = until("dropped.final > 0");
  const ShrinkResult r = shrink_scenario(kLostCallbacks, "lost.yaml", options);
  ASSERT_EQ(r.status, ShrinkResult::Status::kShrunk) << ::testing::PrintToString(r.errors);
  EXPECT_FALSE(r.budget_exhausted);
  EXPECT_EQ(removable_leaves(r.yaml),
            std::set<std::string>{"channels[a].callback.drop_probability"})
      << r.yaml;
  ASSERT_TRUE(r.scenario.has_value());
  EXPECT_EQ(r.scenario->channels.size(), 1u);
  EXPECT_LT(r.scenario->duration, sim::Duration::minutes(10));
  EXPECT_EQ(r.scenario->drain, sim::Duration::minutes(10)) << "the alias did not follow duration";
  EXPECT_LT(r.orders_after * 10, r.orders_before) << r.orders_before << " -> " << r.orders_after;
  EXPECT_GT(r.value_before, 0.0);
  EXPECT_GT(r.value_after, 0.0);
  EXPECT_GT(r.witness_order, 0u);
  EXPECT_LT(r.keys_after, r.keys_before);
  EXPECT_FALSE(r.steps.empty());
  expect_one_minimal(r.yaml, options.until);

  // The file fails `run` through its expect block, as the original failed.
  const LoadResult written = load_scenario_text(r.yaml, "shrunk.yaml");
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(run_judged(*written.scenario).exit_code(), 1);

  // Deterministic: the same input gives the same file.
  EXPECT_EQ(shrink_scenario(kLostCallbacks, "lost.yaml", options).yaml, r.yaml);
}

TEST(Shrink, AVariantIsShrunkAsItRuns) {
  // With polling the lost callbacks are re-queried: that variant does not drop...
  ShrinkOptions options;
  options.until = until("dropped.final > 0");
  options.variant = "polling";
  EXPECT_EQ(shrink_scenario(kLostCallbacks, "lost.yaml", options).status,
            ShrinkResult::Status::kDoesNotFail);
  // ...but it is charged twice, and what is needed for that is the duplicate payments' cause.
  options.until = until("duplicates.charged_orders > 0");
  const ShrinkResult r = shrink_scenario(kLostCallbacks, "lost.yaml", options);
  ASSERT_EQ(r.status, ShrinkResult::Status::kShrunk);
  expect_one_minimal(r.yaml, options.until);
  EXPECT_GT(r.witness_order, 0u);
}

TEST(Shrink, APlantedBugShrinksToTheBareScenario) {
  // Taking "trade created, pending" for paid needs no fault at all: every key goes, and the
  // shrunk scenario holds once the bug is gone.
  ShrinkOptions options;
  options.until = until("invariant");
  options.planted_bug = sut::PlantedBug::kPaidWithoutCharge;
  const ShrinkResult r = shrink_scenario(kLostCallbacks, "planted.yaml", options);
  ASSERT_EQ(r.status, ShrinkResult::Status::kShrunk) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(removable_leaves(r.yaml), std::set<std::string>{}) << r.yaml;
  ASSERT_TRUE(r.scenario.has_value());
  EXPECT_EQ(r.scenario->channels.size(), 1u);
  EXPECT_GT(r.witness_order, 0u);
  EXPECT_LE(r.orders_after, 2u) << r.yaml;
  expect_one_minimal(r.yaml, options.until, options.planted_bug);
  EXPECT_FALSE(fails(r.yaml, options.until)) << "without the bug the shrunk scenario holds";
}

TEST(Shrink, NothingToShrinkAndTheRunBudget) {
  ShrinkOptions options;
  options.until = until("invariant");
  const ShrinkResult healthy = shrink_scenario(kLostCallbacks, "lost.yaml", options);
  EXPECT_EQ(healthy.status, ShrinkResult::Status::kDoesNotFail);
  EXPECT_EQ(healthy.runs, 1u);

  options.until = until("dropped.final > 0");
  options.max_runs = 4;
  const ShrinkResult cut = shrink_scenario(kLostCallbacks, "lost.yaml", options);
  EXPECT_EQ(cut.status, ShrinkResult::Status::kShrunk);
  EXPECT_TRUE(cut.budget_exhausted);
  EXPECT_EQ(cut.runs, 4u);
  EXPECT_TRUE(fails(cut.yaml, options.until)) << "what is kept still fails";

  const ShrinkResult bad = shrink_scenario("channels: []\n", "bad.yaml", options);
  EXPECT_EQ(bad.status, ShrinkResult::Status::kError);
  ASSERT_FALSE(bad.errors.empty());
  EXPECT_NE(bad.errors.front().find("bad.yaml"), std::string::npos) << bad.errors.front();
}

TEST(ShrinkCommand, WritesTheShrunkScenarioAndTracesItsWitness) {
  const fs::path dir = fresh_dir("shrink_command");
  fs::create_directories(dir);
  const fs::path scenario = dir / "lost.yaml";
  std::ofstream(scenario) << kLostCallbacks;
  const fs::path out = dir / "min.yaml";
  const Output r = paysim_output(
      "shrink " + scenario.string() + " --until 'dropped.final > 0' --out " + out.string(),
      "shrink_ok");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("kept (run "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the first order that ended the run dropped"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("final order state"), std::string::npos) << r.out;
  const std::string text = testing::read(out);
  EXPECT_EQ(text.rfind("# paysim shrink of ", 0), 0u) << text;
  EXPECT_NE(text.find("dropped.final: <= 0"), std::string::npos) << text;
  EXPECT_EQ(paysim_output("run " + out.string(), "shrink_rerun").exit_code, 1);

  // Usage errors exit 2; a scenario that does not fail exits 1; neither writes anything.
  const fs::path none = dir / "none.yaml";
  for (const char* args : {"--until bogus", "--until 'dropped.final > 0 at 95%'",
                           "--until invariant --max-runs 0", "--until invariant --set x"}) {
    const Output u = paysim_output(
        "shrink " + scenario.string() + " " + args + " --out " + none.string(), "shrink_usage");
    EXPECT_EQ(u.exit_code, 2) << args << "\n" << u.out << u.err;
  }
  const Output healthy = paysim_output(
      "shrink " + scenario.string() + " --until invariant --out " + none.string(), "shrink_none");
  EXPECT_EQ(healthy.exit_code, 1) << healthy.out << healthy.err;
  EXPECT_NE(healthy.out.find("does not fail as given"), std::string::npos) << healthy.out;
  EXPECT_FALSE(fs::exists(none));
}

}  // namespace
}  // namespace harness
