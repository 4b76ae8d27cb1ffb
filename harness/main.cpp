// paysim command line (SPEC section 5). Each subcommand lives in harness/command_*.cpp.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "harness/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"paysim: payment-flow simulator and chaos test harness"};
  app.set_version_flag("--version", std::string("paysim ") + PAYSIM_VERSION);
  app.require_subcommand(1);

  harness::RunOptions run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run one scenario and print its report");
  run_cmd->add_option("scenario", run.scenario_path, "Scenario file (YAML)")->required();
  run_cmd->add_option("--seed", run.seed, "Override the scenario's seed")->each([&](const std::string&) {
    run.has_seed = true;
  });
  run_cmd->add_option("--set", run.set, "Override a key: KEY=VALUE (dotted path; channels by name)");
  run_cmd->add_option("--variant", run.variant, "Apply one of the scenario's variants");
  run_cmd->add_option("--out", run.out_dir, "Write reports into this directory (atomically)");
  run_cmd->add_option("--format", run.formats, "Formats to write with --out: table,json,csv,junit")
      ->delimiter(',');

  std::vector<std::string> validate_paths;
  CLI::App* validate_cmd = app.add_subcommand("validate", "Parse and check scenario files without running them");
  validate_cmd->add_option("scenarios", validate_paths, "Scenario files")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (run_cmd->parsed()) return harness::command_run(run);
  if (validate_cmd->parsed()) return harness::command_validate(validate_paths);
  return 2;
}
