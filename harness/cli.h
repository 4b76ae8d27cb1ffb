// The paysim command line as a whole (SPEC section 5). main() registers every command
// (harness/commands.h, live/) and hands the app to run_cli, which adds the rules all commands
// share and the commands that describe the others, so that help, shell completions and the man
// page are generated from the definitions that parse and cannot drift from them:
//   - options and positionals in any order: each option takes one value per occurrence
//     (`--set a=1 --set b=2`; lists are comma-separated: `--format json,csv`);
//   - `paysim help [COMMAND]`; an unknown command is named with the nearest known one and the
//     list of commands, exit code 2;
//   - `paysim --version`: the version and source revision (harness/build_info.h);
//   - hidden `paysim completions bash|zsh|fish` and `paysim man`, which the install target writes
//     out (harness/cli_docs.h).
#pragma once

#include <vector>

#include "harness/commands.h"

namespace CLI {
class App;
}

namespace harness {

// Parses argv and runs the chosen command; returns the process exit code (0, 1, or 2 for a usage
// error). `commands` are the runners of the commands registered on `app`.
int run_cli(CLI::App& app, std::vector<CommandRunner> commands, int argc, char** argv);

}  // namespace harness
