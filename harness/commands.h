// The subcommands of `paysim` (SPEC section 5). Each lives in its own harness/command_*.cpp and
// registers itself with add_*_command, which returns a runner for main() to call when that
// subcommand was parsed. Runners return the process exit code: 0 all well, 1 an expectation
// failed or an invariant was violated, 2 usage or scenario error.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/scenario_loader.h"
#include "reports/report.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace harness {

struct CommandRunner {
  CLI::App* command = nullptr;
  std::function<int()> run;
};

CommandRunner add_run_command(CLI::App& app);
CommandRunner add_validate_command(CLI::App& app);
CommandRunner add_check_command(CLI::App& app);     // harness/command_check.cpp
CommandRunner add_trace_command(CLI::App& app);     // harness/command_trace.cpp
CommandRunner add_compare_command(CLI::App& app);   // harness/command_compare.cpp
CommandRunner add_sweep_command(CLI::App& app);     // harness/command_sweep.cpp
CommandRunner add_merge_command(CLI::App& app);     // harness/command_merge.cpp
CommandRunner add_schema_command(CLI::App& app);    // harness/command_schema.cpp
CommandRunner add_swarm_command(CLI::App& app);     // harness/command_swarm.cpp
CommandRunner add_shrink_command(CLI::App& app);    // harness/command_shrink.cpp
CommandRunner add_coverage_command(CLI::App& app);  // harness/command_coverage.cpp

struct RunOptions {
  std::string scenario_path;
  std::vector<std::string> set;  // KEY=VALUE
  std::string variant;
  bool has_seed = false;
  uint64_t seed = 0;
  std::string out_dir;               // empty: print the table, write nothing
  std::vector<std::string> formats;  // table, json, csv, junit, html
};

int command_run(const RunOptions& options);

// Whether the --format list can be honoured: every format is one `run` writes, and without
// `out_dir` there is at most one (it goes to standard output). Otherwise prints why and returns
// false, before anything runs.
bool check_formats(const std::vector<std::string>& formats, const std::string& out_dir);
// With `out_dir`: prints the report's table and writes the asked formats there (json when none
// is asked), each file whole or not at all. Without: prints the one format asked (the table when
// none is) to standard output and writes nothing. 0, or 2 when a file cannot be written. Shared
// by `run` and `live`, whose reports are the same. `expect`: the block report.expect was
// evaluated from, whose wording the HTML report shows.
int print_and_write_report(const reports::Report& report, const std::vector<Expectation>& expect,
                           const std::vector<std::string>& formats, const std::string& out_dir);
int command_validate(const std::vector<std::string>& paths);

// Adds `--seed N` to `command`: N is a whole number in [0, 2^64 - 1], written in decimal
// digits. Anything else (-1, 2^64, 1e23, 0x10) is a usage error (exit 2) instead of being
// wrapped or rounded into some other seed. Sets `has_seed` when given. Both references must
// outlive the parse (they are members of the command's shared options).
CLI::Option* add_seed_option(CLI::App* command, uint64_t& seed, bool& has_seed);

// Parses --set texts; on error prints it (naming --set) and returns false.
bool parse_overrides(const std::vector<std::string>& texts, std::vector<Override>& out);
// Prints every error of a failed load to stderr, one per line.
void print_load_errors(const LoadResult& result);  // and the notices
// Deprecated spellings the scenario uses, one "notice: ..." line each on standard error.
void print_load_notices(const LoadResult& result);
// The load every single-scenario command does: --set texts, then --seed, then the variant.
// Prints what went wrong and returns nullopt on a usage or scenario error (exit code 2).
std::optional<Scenario> load_for_command(const std::string& path,
                                         const std::vector<std::string>& set, bool has_seed,
                                         uint64_t seed, const std::string& variant);

}  // namespace harness
