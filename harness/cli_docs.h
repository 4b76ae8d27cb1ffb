// What is generated from paysim's command definitions (harness/cli.h): shell completions and the
// man page, printed by the hidden commands `paysim completions bash|zsh|fish` and `paysim man`.
// The install target writes them out from the binary it installs (CMakeLists.txt), so what a
// shell completes and what `man paysim` says are the options the binary parses.
#pragma once

#include <string>
#include <vector>

#include "harness/commands.h"

namespace CLI {
class App;
}

namespace harness {

// Every registered command, hidden ones included, in registration order.
std::vector<const CLI::App*> all_commands(const CLI::App& app);

CommandRunner add_completions_command(CLI::App& app);
CommandRunner add_man_command(CLI::App& app);

// The texts the two commands print. `shell` is "bash", "zsh" or "fish"; anything else gives "".
std::string render_completions(const CLI::App& app, const std::string& shell);
std::string render_man_page(const CLI::App& app);

}  // namespace harness
