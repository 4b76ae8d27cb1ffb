// `paysim sweep SCENARIO [-j N] [--replications R] [--shard I/N] [--axis KEY=V1,V2]... [--set
// K=V]...
// [--out DIR]`: every grid point with every replication seed (harness/sweep.h). Unsharded, it
// prints one row per point (mean ± 95% half-width) and writes the summaries into --out; with
// --shard it runs one slice and writes DIR/part-I-of-N.json for `paysim merge`.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "harness/build_info.h"
#include "harness/commands.h"
#include "harness/compare.h"
#include "harness/progress.h"
#include "harness/sweep.h"
#include "harness/sweep_part.h"
#include "reports/atomic_file.h"

namespace harness {
namespace {

struct SweepOptions {
  std::string scenario_path;
  std::vector<std::string> set;
  std::vector<std::string> axes;
  int threads = 1;
  int replications = 0;  // 0: the scenario's
  std::string shard;     // "" or "I/N"
  std::string out_dir;
};

int command_sweep(const SweepOptions& options) {
  std::vector<Override> overrides;
  if (!parse_overrides(options.set, overrides)) return 2;
  std::vector<SweepAxis> axes;
  for (const std::string& text : options.axes) {
    std::string error;
    std::optional<SweepAxis> axis = parse_axis(text, &error);
    if (!axis) {
      std::fprintf(stderr, "--axis %s: %s\n", text.c_str(), error.c_str());
      return 2;
    }
    axes.push_back(std::move(*axis));
  }
  std::optional<std::pair<std::size_t, std::size_t>> shard;
  if (!options.shard.empty()) {
    std::string error;
    shard = parse_shard(options.shard, &error);
    if (!shard) {
      std::fprintf(stderr, "--shard %s: %s\n", options.shard.c_str(), error.c_str());
      return 2;
    }
    if (options.out_dir.empty()) {
      std::fprintf(stderr, "--shard needs --out DIR: the part file is what `paysim merge` reads\n");
      return 2;
    }
  }
  const std::optional<Plan> plan =
      plan_experiment(options.scenario_path, overrides, axes, options.replications, nullptr);
  if (!plan) return 2;
  const std::optional<std::vector<Scenario>> scenarios = load_points(*plan);
  if (!scenarios) return 2;

  const std::vector<std::size_t> jobs =
      shard ? shard_jobs(plan->job_count(), shard->first, shard->second)
            : shard_jobs(plan->job_count(), 0, 1);
  const auto started = std::chrono::steady_clock::now();
  Progress progress(jobs.size(), "runs", Progress::stderr_is_terminal());
  std::vector<reports::Report> runs = run_jobs(*plan, *scenarios, jobs, options.threads, &progress);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(
      stderr,
      "paysim sweep: %zu point(s) x %zu replication(s): %zu run(s) in %.1f s on %d thread(s)\n",
      plan->points.size(), plan->replications(), jobs.size(), wall_s, options.threads);

  if (shard) {
    const std::filesystem::path path =
        std::filesystem::path(options.out_dir) /
        fmt::format("part-{}-of-{}.json", shard->first, shard->second);
    std::string error;
    if (!reports::write_file_atomically(
            path, render_part(*plan, shard->first, shard->second, jobs, runs), &error)) {
      std::fprintf(stderr, "paysim: cannot write %s: %s\n", path.c_str(), error.c_str());
      return 2;
    }
    std::printf("wrote %s (%zu of %zu jobs)\n", path.c_str(), jobs.size(), plan->job_count());
    return experiment_exit_code(runs);
  }

  for (reports::Report& r : runs) r.sim.wall_ms = 0.0;  // summaries never depend on the wall clock
  const reports::Experiment experiment = experiment_of(*plan, runs);
  std::fputs(render_text_table(reports::html_for_experiment(experiment).key_table, false).c_str(),
             stdout);
  if (!options.out_dir.empty() &&
      !write_experiment_outputs(experiment, options.out_dir, version_line()))
    return 2;
  return experiment_exit_code(runs);
}

}  // namespace

CommandRunner add_sweep_command(CLI::App& app) {
  auto options = std::make_shared<SweepOptions>();
  CLI::App* cmd = app.add_subcommand("sweep",
                                     "Run a grid of scenario values, each with several seeds; "
                                     "report means with 95% confidence intervals");
  cmd->add_option("scenario", options->scenario_path,
                  "Scenario file (YAML) with a `sweep:` block or --axis")
      ->required();
  cmd->add_option("-j,--jobs", options->threads,
                  "Run on N threads (results are identical for any N)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--replications", options->replications,
                  "Seeds per point (default: the scenario's replications)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--axis", options->axes,
                  "Add or replace a grid axis: KEY=V1,V2,... (values without commas)");
  cmd->add_option("--set", options->set, "Override a key for every point: KEY=VALUE");
  cmd->add_option("--shard", options->shard,
                  "Run only the jobs with index % N == I (I from 0) and write DIR/part-I-of-N.json "
                  "for `paysim merge`");
  cmd->add_option("--out", options->out_dir,
                  "Write summary.json, summary.csv, runs.csv, report.html and junit.xml here (the "
                  "part file with --shard)");
  return {cmd, [options] { return command_sweep(*options); }};
}

}  // namespace harness
