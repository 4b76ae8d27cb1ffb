// `paysim live` (SPEC section 8, docs/live.md): registers the subcommand with the command line of
// harness/main.cpp. The header names no Boost type, so main.cpp compiles as fast.
#pragma once

#include "harness/commands.h"

namespace live {

harness::CommandRunner add_live_command(CLI::App& app);

}  // namespace live
