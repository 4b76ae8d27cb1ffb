// `paysim shrink SCENARIO --until 'METRIC OP VALUE'|invariant [--seed S] [--variant V]
// [--set K=V]... [--out FILE] [--max-runs N] [--max-lines N]`: the smallest scenario that still
// fails (harness/shrink.h), written as a standalone file, and the trace of the order that shows
// the failure in it.
//
// Output: the condition and the scenario's value as given, one line per kept change as it is
// kept, a summary (runs, values written, orders, the metric before and after), the path written,
// the shrunk YAML, and the timeline of the witness order (`paysim trace`'s). The file's `expect:`
// block fails exactly when the condition holds, so `paysim run FILE` exits 1 as the original did.
//
// Exit code: 0 shrunk and written; 1 the scenario does not fail as given (nothing to shrink,
// nothing written); 2 a usage or scenario error, or the file cannot be written.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "harness/commands.h"
#include "harness/scenario_source.h"
#include "harness/shrink.h"
#include "harness/trace_recorder.h"
#include "reports/atomic_file.h"

namespace harness {
namespace {

struct ShrinkCommandOptions {
  std::string scenario_path;
  std::string until;
  std::vector<std::string> set;
  std::string variant;
  bool has_seed = false;
  uint64_t seed = 0;
  std::string out_path;
  uint64_t max_runs = 1000;
  size_t max_lines = 200;
};

// "x.yaml" -> "x.shrunk.yaml" (with the variant: "x-fast.shrunk.yaml"), in the current directory.
std::string default_out_path(const ShrinkCommandOptions& options) {
  std::string stem = options.scenario_path == kStandardInputPath
                         ? "stdin"
                         : std::filesystem::path(options.scenario_path).stem().string();
  if (!options.variant.empty()) stem += "-" + options.variant;
  return stem + ".shrunk.yaml";
}

std::string value_text(double value) { return fmt::format("{}", value); }

int command_shrink(const ShrinkCommandOptions& options) {
  std::string error;
  const std::optional<ShrinkCondition> until = parse_shrink_condition(options.until, &error);
  if (!until) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 2;
  }
  ShrinkOptions shrink;
  shrink.until = *until;
  shrink.variant = options.variant;
  shrink.max_runs = options.max_runs;
  if (!parse_overrides(options.set, shrink.overrides)) return 2;
  if (options.has_seed) shrink.overrides.push_back({"seed", std::to_string(options.seed)});
  const std::optional<std::string> text = read_scenario_text(options.scenario_path, &error);
  if (!text) {
    std::fprintf(stderr, "%s: %s\n", scenario_label(options.scenario_path).c_str(), error.c_str());
    return 2;
  }
  const std::string metric = until->invariant ? "invariants.violations" : until->expectation.metric;
  shrink.on_step = [](const std::string& change, uint64_t runs) {
    std::printf("  kept (run %llu): %s\n", static_cast<unsigned long long>(runs), change.c_str());
    std::fflush(stdout);
  };
  std::printf("shrink: %s%s until '%s'\n", scenario_label(options.scenario_path).c_str(),
              options.variant.empty() ? "" : (" [" + options.variant + "]").c_str(),
              until->text.c_str());
  std::fflush(stdout);

  const auto started = std::chrono::steady_clock::now();
  ShrinkResult result = shrink_scenario(*text, scenario_label(options.scenario_path), shrink);
  switch (result.status) {
    case ShrinkResult::Status::kError:
      for (const std::string& line : result.errors) std::fprintf(stderr, "%s\n", line.c_str());
      return 2;
    case ShrinkResult::Status::kDoesNotFail:
      std::printf(
          "the scenario does not fail as given: '%s' is false (%s = %s, %llu orders); nothing "
          "to shrink\n",
          until->text.c_str(), metric.c_str(), value_text(result.value_before).c_str(),
          static_cast<unsigned long long>(result.orders_before));
      return 1;
    case ShrinkResult::Status::kShrunk:
      break;
  }
  std::printf(
      "shrunk in %llu run(s): %s %s -> %s, orders %llu -> %llu, values written %zu -> %zu\n",
      static_cast<unsigned long long>(result.runs), metric.c_str(),
      value_text(result.value_before).c_str(), value_text(result.value_after).c_str(),
      static_cast<unsigned long long>(result.orders_before),
      static_cast<unsigned long long>(result.orders_after), result.keys_before, result.keys_after);
  if (result.budget_exhausted) {
    std::printf("stopped at --max-runs %llu: smaller, but not shown minimal (raise --max-runs)\n",
                static_cast<unsigned long long>(options.max_runs));
  }
  const std::string out_path =
      options.out_path.empty() ? default_out_path(options) : options.out_path;
  const std::string file =
      fmt::format("# paysim shrink of {}{}, until '{}'.\n# Reproduce: paysim run {} (exit 1).\n",
                  scenario_label(options.scenario_path),
                  options.variant.empty() ? "" : " [" + options.variant + "]", until->text,
                  out_path) +
      result.yaml;
  if (!reports::write_file_atomically(out_path, file, &error)) {
    std::fprintf(stderr, "paysim shrink: cannot write %s: %s\n", out_path.c_str(), error.c_str());
    return 2;
  }
  std::printf("wrote %s\n\n%s\n", out_path.c_str(), result.yaml.c_str());
  if (result.witness_order != 0) {
    uint64_t created = 0;
    const std::optional<std::string> timeline =
        trace_order(*result.scenario, result.witness_order, options.max_lines, &created);
    if (timeline) {
      std::printf("order %llu, %s:\n%s", static_cast<unsigned long long>(result.witness_order),
                  result.witness.c_str(), timeline->c_str());
    }
  }
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "paysim shrink: %llu run(s) in %.1f s\n",
               static_cast<unsigned long long>(result.runs), wall_s);
  return 0;
}

}  // namespace

CommandRunner add_shrink_command(CLI::App& app) {
  auto options = std::make_shared<ShrinkCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "shrink",
      "Reduce a failing scenario to the smallest one that still fails (shorter, slower traffic, "
      "fewer keys, channels and faults), write it and trace the order that shows the failure");
  cmd->add_option("scenario", options->scenario_path, "Scenario file (YAML), or - for stdin")
      ->required();
  cmd->add_option("--until", options->until,
                  "What the failure is: 'invariant', or a metric condition as in expect: "
                  "'dropped.final > 0'")
      ->required()
      ->type_name("CONDITION");
  add_seed_option(cmd, options->seed, options->has_seed);
  cmd->add_option("--set", options->set,
                  "Override a key: KEY=VALUE (dotted path; a channel by its name)");
  cmd->add_option("--variant", options->variant, "Shrink one of the scenario's variants");
  cmd->add_option("--out", options->out_path,
                  "Write the shrunk scenario here (default NAME.shrunk.yaml in the current "
                  "directory)")
      ->type_name("FILE");
  cmd->add_option("--max-runs", options->max_runs,
                  "Stop after this many scenario runs (default 1000)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1'000'000}));
  cmd->add_option("--max-lines", options->max_lines,
                  "Keep at most this many lines of the witness order's timeline (default 200)")
      ->check(CLI::Range(size_t{1}, size_t{10'000'000}));
  return {cmd, [options] { return command_shrink(*options); }};
}

}  // namespace harness
