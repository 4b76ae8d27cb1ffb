// paysim command line (SPEC section 5). Each subcommand lives in harness/command_*.cpp and
// registers itself here through its add_*_command (harness/commands.h).
#include <CLI/CLI.hpp>
#include <vector>

#include "harness/build_info.h"
#include "harness/commands.h"
#include "live/live_command.h"
#include "live/serve_channel_command.h"
#include "live/serve_sut_command.h"

int main(int argc, char** argv) {
  CLI::App app{"paysim: payment-flow simulator and chaos test harness"};
  app.set_version_flag("--version", harness::version_line());
  app.require_subcommand(1);

  const std::vector<harness::CommandRunner> commands = {
      harness::add_run_command(app),        harness::add_validate_command(app),
      harness::add_check_command(app),      harness::add_trace_command(app),
      harness::add_compare_command(app),    harness::add_sweep_command(app),
      harness::add_merge_command(app),      harness::add_schema_command(app),
      live::add_serve_channel_command(app),  // live/: Boost.Beast (SPEC section 8)
      live::add_serve_sut_command(app),     live::add_live_command(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;  // --help and --version exit 0; usage errors exit 2
  }
  for (const harness::CommandRunner& command : commands) {
    if (command.command->parsed()) return command.run();
  }
  return 2;
}
