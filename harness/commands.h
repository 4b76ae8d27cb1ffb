// The subcommands of `paysim` (SPEC section 5). Each returns the process exit code:
// 0 all well, 1 an expectation failed or an invariant was violated, 2 usage or scenario error.
#pragma once

#include <string>
#include <vector>

#include "harness/scenario_loader.h"

namespace harness {

struct RunOptions {
  std::string scenario_path;
  std::vector<std::string> set;  // KEY=VALUE
  std::string variant;
  bool has_seed = false;
  uint64_t seed = 0;
  std::string out_dir;            // empty: print the table, write nothing
  std::vector<std::string> formats;  // table, json, csv, junit
};

int command_run(const RunOptions& options);
int command_validate(const std::vector<std::string>& paths);

// Parses --set texts; on error prints it (naming --set) and returns false.
bool parse_overrides(const std::vector<std::string>& texts, std::vector<Override>& out);
// Prints every error of a failed load to stderr, one per line.
void print_load_errors(const LoadResult& result);

}  // namespace harness
