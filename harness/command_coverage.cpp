// `paysim coverage PATH... [-j N] [--format table|json] [--out FILE]`: the fault-space coverage
// of a scenario library (harness/fault_coverage.h, docs/coverage.md).
//
// PATHs are found and loaded as `check` does (harness/scenario_library.h): every file as written
// and each of its variants is one run, with its own seed. Each run counts the faults that struck
// and the state of the order each found; the matrix is the sum over the runs, so it does not
// depend on -j. Output: the matrix as a table, or JSON, on standard output, or written whole to
// FILE (then one summary line is printed). Exit code: 0 the matrix was made; 2 a usage error or
// a file that does not load (nothing runs); 1 a run failed inside paysim (a bug).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "harness/commands.h"
#include "harness/fault_coverage.h"
#include "harness/in_order.h"
#include "harness/progress.h"
#include "harness/run_limits.h"
#include "harness/scenario_library.h"
#include "reports/atomic_file.h"

namespace harness {
namespace {

struct CoverageOptions {
  std::vector<std::string> paths;
  int jobs = 1;
  std::string format = "table";
  std::string out_path;
};

int command_coverage(const CoverageOptions& options) {
  std::vector<std::string> input_errors;
  const std::vector<std::string> files = collect_scenario_files(options.paths, input_errors);
  for (const std::string& error : input_errors) std::fprintf(stderr, "%s\n", error.c_str());
  bool load_failed = !input_errors.empty();
  const std::vector<LibraryRun> runs = load_library_runs(files, load_failed);
  if (load_failed) {
    std::fprintf(stderr, "paysim coverage: nothing ran: every file must load\n");
    return 2;
  }

  CoverageMatrix matrix;
  Progress progress(runs.size(), "runs", Progress::stderr_is_terminal());
  try {
    const auto work = [&](size_t i) {
      CoverageMatrix m = run_with_coverage(runs[i].scenario);
      progress.advance();
      return m;
    };
    in_order(runs.size(), static_cast<size_t>(options.jobs), work,
             [&](size_t, const CoverageMatrix& m) { matrix.merge(m); });
  } catch (const RunLimitError& e) {
    progress.finish();
    std::fprintf(stderr, "paysim coverage: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    progress.finish();
    std::fprintf(stderr, "paysim coverage: a run failed inside paysim (a bug): %s\n", e.what());
    return 1;
  }
  progress.finish();
  if (matrix.unknown_faults() > 0) {
    std::fprintf(stderr,
                 "paysim coverage: %llu strike(s) of a fault the matrix does not know (a bug: "
                 "harness/fault_coverage.h and a component disagree)\n",
                 static_cast<unsigned long long>(matrix.unknown_faults()));
    return 1;
  }

  const std::string text = options.format == "json"
                               ? coverage_json(matrix, runs.size(), files.size())
                               : coverage_table(matrix, runs.size(), files.size());
  if (options.out_path.empty()) {
    std::fputs(text.c_str(), stdout);
    return 0;
  }
  std::string error;
  if (!reports::write_file_atomically(options.out_path, text, &error)) {
    std::fprintf(stderr, "paysim coverage: %s\n", error.c_str());
    return 2;
  }
  std::printf("coverage: %zu run(s) of %zu file(s), written to %s\n", runs.size(), files.size(),
              options.out_path.c_str());
  return 0;
}

}  // namespace

CommandRunner add_coverage_command(CLI::App& app) {
  auto options = std::make_shared<CoverageOptions>();
  CLI::App* cmd = app.add_subcommand(
      "coverage",
      "Which faults a scenario library makes strike, and in which state of the order: prints "
      "the matrix and the cells never hit");
  cmd->add_option("paths", options->paths,
                  "Scenario files or directories (searched recursively for *.yaml, *.yml)")
      ->required()
      ->type_name("PATH");
  cmd->add_option("-j,--jobs", options->jobs,
                  "Runs in parallel (default 1; the matrix is the same for any N)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--format", options->format, "table (default) or json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("--out", options->out_path,
                  "Write the matrix to FILE (whole or not at all) instead of standard output")
      ->type_name("FILE");
  return {cmd, [options] { return command_coverage(*options); }};
}

}  // namespace harness
