// `paysim compare SCENARIO [--variant NAME]... [--set K=V]... [--seed N] [--replications R] [-j N]
// [--out DIR]`: the base scenario and every variant (or those named) on the same traffic (common
// random numbers, SPEC section 7), side by side: metrics as rows; the base, then each variant
// followed by its difference from the base, as columns; the best value marked. With --out, each
// point's report.json under DIR/<base|variant>/ and the experiment's summaries (harness/sweep.h).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "harness/build_info.h"
#include "harness/commands.h"
#include "harness/compare.h"
#include "harness/progress.h"
#include "harness/sweep.h"
#include "harness/sweep_part.h"
#include "reports/json_writer.h"

namespace harness {
namespace {

struct CompareOptions {
  std::string scenario_path;
  std::vector<std::string> variants;
  std::vector<std::string> set;
  bool has_seed = false;
  std::uint64_t seed = 0;
  int replications = 0;  // 0: one
  int threads = 1;
  std::string out_dir;
};

// Each point's first replication (the scenario's seed) as <label>/report.json: what `paysim
// run` (the base) or `paysim run --variant NAME` writes for it.
reports::OutputFiles point_reports(const Plan& plan, const std::vector<reports::Report>& runs) {
  reports::OutputFiles files;
  for (std::size_t p = 0; p < plan.points.size(); ++p) {
    files.emplace_back(safe_dir_name(plan.points[p].label) + "/report.json",
                       reports::render_json(runs.at(p * plan.replications())));
  }
  return files;
}

int command_compare(const CompareOptions& options) {
  std::vector<Override> overrides;
  if (!parse_overrides(options.set, overrides)) return 2;
  if (options.has_seed) overrides.push_back({"seed", std::to_string(options.seed)});
  const std::optional<Plan> plan = plan_experiment(options.scenario_path, overrides, {},
                                                   options.replications, &options.variants);
  if (!plan) return 2;
  const std::optional<std::vector<Scenario>> scenarios = load_points(*plan);
  if (!scenarios) return 2;

  Progress progress(plan->job_count(), "runs", Progress::stderr_is_terminal());
  std::vector<reports::Report> runs =
      run_jobs(*plan, *scenarios, shard_jobs(plan->job_count(), 0, 1), options.threads, &progress);

  reports::OutputFiles point_files;
  if (!options.out_dir.empty()) point_files = point_reports(*plan, runs);
  for (reports::Report& r : runs) r.sim.wall_ms = 0.0;  // summaries never depend on the wall clock
  const reports::Experiment experiment = experiment_of(*plan, runs);
  const reports::HtmlReport html = reports::html_for_experiment(experiment);
  const std::size_t variants = plan->points.size() - 1;
  std::printf("paysim compare  scenario %s  seed %llu  base + %zu variant%s on the same traffic",
              plan->scenario.c_str(), static_cast<unsigned long long>(plan->seeds.front()),
              variants, variants == 1 ? "" : "s");
  if (plan->replications() > 1) std::printf("  %zu replications", plan->replications());
  std::fputs("\n\n", stdout);
  std::fputs(render_text_table(html.full_table, true).c_str(), stdout);
  std::fputs(
      "\n* best value of the row (lower is better for drops, duplicates, latency and cost; higher "
      "for orders.paid); none: a latency no order reached\n",
      stdout);
  std::fputs(
      plan->replications() > 1
          ? "Δ vs base: variant minus base on the same seeds (paired), mean ± 95% half-width "
            "(Student's t)\n"
          : "Δ vs base: variant minus base, and in brackets as a share of the base's value\n",
      stdout);
  if (!options.out_dir.empty() && !write_experiment_outputs(experiment, options.out_dir,
                                                            version_line(), std::move(point_files)))
    return 2;
  return experiment_exit_code(runs);
}

}  // namespace

CommandRunner add_compare_command(CLI::App& app) {
  auto options = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Run the base scenario and its variants on the same traffic, side by side, with differences");
  cmd->add_option("scenario", options->scenario_path,
                  "Scenario file (YAML) with a `variants:` block")
      ->required();
  cmd->add_option("--variant", options->variants,
                  "Compare only this variant with the base (repeatable; default: all)");
  cmd->add_option("--set", options->set,
                  "Override a key for the base and every variant: KEY=VALUE");
  harness::add_seed_option(cmd, options->seed, options->has_seed);
  cmd->add_option("--replications", options->replications,
                  "Seeds per point (default 1): differences become paired means with 95% "
                  "confidence intervals")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("-j,--jobs", options->threads,
                  "Run on N threads (results are identical for any N)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--out", options->out_dir,
                  "Write DIR/<base|variant>/report.json, summary.json, summary.csv, runs.csv, "
                  "report.html, junit.xml");
  return {cmd, [options] { return command_compare(*options); }};
}

}  // namespace harness
