// A scenario library on disk: the files named on a command line and the runs they make. Shared by
// the commands that run a whole library (`check`, `coverage`), so they find and load the same
// runs in the same order.
#pragma once

#include <string>
#include <vector>

#include "harness/scenario.h"

namespace harness {

// One run to make: a loaded scenario (as written, or one variant) and the file it came from.
struct LibraryRun {
  std::string file;
  Scenario scenario;
};

// Expands PATHs into scenario files: a file as named, a directory searched recursively for
// *.yaml / *.yml in sorted path order, its hidden subdirectories (.git, .github) skipped (a
// hidden directory named on the command line is searched); a file named twice is taken once. A
// missing path, an unreadable directory or one without scenario files is an entry of `errors`.
std::vector<std::string> collect_scenario_files(const std::vector<std::string>& paths,
                                                std::vector<std::string>& errors);

// Loads each file as written and then each of its variants, in order. Load errors (and notices)
// are printed to standard error and set `load_failed`; what did load is returned.
std::vector<LibraryRun> load_library_runs(const std::vector<std::string>& files, bool& load_failed);

}  // namespace harness
