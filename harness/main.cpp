// paysim command line (SPEC section 5). Each subcommand lives in harness/command_*.cpp or live/
// and registers itself here through its add_*_command (harness/commands.h); harness/cli.h adds
// what all commands share and runs the one asked for.
#include <CLI/CLI.hpp>

#include "harness/cli.h"
#include "harness/commands.h"
#include "live/live_command.h"
#include "live/serve_channel_command.h"
#include "live/serve_sut_command.h"

int main(int argc, char** argv) {
  CLI::App app{"paysim: payment-flow simulator and chaos test harness", "paysim"};
  std::vector<harness::CommandRunner> commands = {
      harness::add_run_command(app),        harness::add_validate_command(app),
      harness::add_check_command(app),      harness::add_trace_command(app),
      harness::add_compare_command(app),    harness::add_sweep_command(app),
      harness::add_merge_command(app),      harness::add_schema_command(app),
      harness::add_swarm_command(app),      harness::add_shrink_command(app),
      harness::add_coverage_command(app),
      live::add_serve_channel_command(app),  // live/: Boost.Beast (SPEC section 8)
      live::add_serve_sut_command(app),     live::add_live_command(app),
  };
  return harness::run_cli(app, std::move(commands), argc, argv);
}
