// `paysim merge PART... --out DIR`: joins the part files of a sharded sweep (harness/sweep_part.h)
// and writes exactly what the unsharded sweep would have written into DIR.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "harness/commands.h"
#include "harness/compare.h"
#include "harness/sweep.h"
#include "harness/sweep_part.h"

namespace harness {
namespace {

struct MergeOptions {
  std::vector<std::string> parts;
  std::string out_dir;
};

int command_merge(const MergeOptions& options) {
  std::string error;
  const std::optional<MergedSweep> merged = merge_parts(options.parts, &error);
  if (!merged) {
    std::fprintf(stderr, "paysim merge: %s\n", error.c_str());
    return 2;
  }
  const reports::Experiment experiment = experiment_of(merged->plan, merged->runs);
  std::fputs(render_text_table(reports::html_for_experiment(experiment).key_table, false).c_str(),
             stdout);
  if (!write_experiment_outputs(experiment, options.out_dir, merged->build)) return 2;
  return experiment_exit_code(merged->runs);
}

}  // namespace

CommandRunner add_merge_command(CLI::App& app) {
  auto options = std::make_shared<MergeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "merge", "Join the part files of `paysim sweep --shard` into the full sweep report");
  cmd->add_option("parts", options->parts,
                  "Part files (part-I-of-N.json), every shard exactly once")
      ->required();
  cmd->add_option("--out", options->out_dir,
                  "Write the summaries here, as an unsharded sweep would")
      ->required();
  return {cmd, [options] { return command_merge(*options); }};
}

}  // namespace harness
