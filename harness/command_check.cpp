// `paysim check PATH... [--junit FILE] [-j N]`: the scenario library as a CI regression gate.
//
// Every PATH is a scenario file or a directory searched recursively for *.yaml / *.yml, hidden
// directories (.github/) left out; the files of one directory are taken in sorted path order,
// and a file named twice runs once.
// Each scenario runs once as written and once per variant (the variant's `set:` may change the
// expect block too), and every run's expectations are evaluated exactly as `paysim run` does
// (run_scenario), so the two commands cannot disagree. A run passes when all its expectations
// pass and no invariant was violated; a scenario without `expect:` passes on its invariants.
// --junit writes reports/junit_writer.h's XML: a suite per run, the build that ran it named.
// --save-baseline DIR stores every run (all its replications) as the baseline; --baseline DIR
// compares each run with it, metric by metric on paired differences, and fails a run whose
// metrics moved the wrong way beyond the tolerance (harness/baseline.h). --replications N runs
// every scenario N times (replication seeds as sweep's), for intervals where the file has one.
//
// Exit code: 2 when any file or variant failed to load (all load errors are printed, and the
// scenarios that did load still run) or a run stopped at a limit (harness/run_limits.h), else 1
// when any run failed, else 0.
// Output: one block per run, in the order of the files and variants whatever -j says. On a
// terminal, a progress bar of runs done with the time left goes to stderr (harness/progress.h),
// erased while a block is printed.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/baseline.h"
#include "harness/build_info.h"
#include "harness/commands.h"
#include "harness/in_order.h"
#include "harness/progress.h"
#include "harness/run.h"
#include "harness/run_limits.h"
#include "harness/scenario_library.h"
#include "harness/sweep.h"
#include "reports/atomic_file.h"
#include "reports/internal/number_text.h"
#include "reports/junit_writer.h"

namespace harness {
namespace {

// A library of quick scenarios checks in well under this: no bar flashes by.
constexpr std::chrono::milliseconds kProgressShowAfter{1000};

struct CheckOptions {
  std::vector<std::string> paths;
  std::string junit_path;
  int jobs = 1;
  int replications = 0;  // 0: as each scenario says
  std::string baseline_dir;
  std::string save_baseline_dir;
  Tolerance tolerance;
  FailOn fail_on = FailOn::kWorse;

  bool keeps_replications() const { return !baseline_dir.empty() || !save_baseline_dir.empty(); }
};

struct CheckResult {
  RunOutcome outcome;
  std::vector<reports::Report> replications;  // 1.., with a baseline to save or compare
  std::string error;        // the run threw: a bug in paysim, reported as a failed run
  bool over_limit = false;  // ... because it outgrew RunLimits: the scenario's fault (exit 2)
  std::optional<BaselineComparison> baseline;

  // The run's reports, replication 0 first, and their seeds.
  BaselineRuns runs(const Scenario& scenario) const {
    std::vector<const reports::Report*> reports{&outcome.report};
    std::vector<std::uint64_t> seeds{scenario.seed};
    for (size_t r = 0; r < replications.size(); ++r) {
      reports.push_back(&replications[r]);
      seeds.push_back(replication_seed(scenario.seed, r + 1));
    }
    return baseline_runs(scenario.name, scenario.variant, seeds, reports);
  }
};

CheckResult run_job(const LibraryRun& job, const CheckOptions& options) {
  CheckResult result;
  try {
    result.outcome = run_judged(job.scenario, nullptr, {}, {},
                                options.keeps_replications() ? &result.replications : nullptr);
  } catch (const std::exception& e) {
    // A bug in paysim, or a scenario whose run outgrew RunLimits (then the exit code is 2): the
    // JUnit report shows it as a failed run.
    result.over_limit = dynamic_cast<const RunLimitError*>(&e) != nullptr;
    result.error = e.what();
    result.outcome.report.scenario = job.scenario.name;
    result.outcome.report.variant = job.scenario.variant;
    result.outcome.report.invariants.record(
        {0, "run_error", 0, "the run stopped: " + result.error});
  }
  return result;
}

std::string number(double value) { return reports::internal::number_text(value); }

// Prints one run's block and returns whether it passed.
bool print_result(const LibraryRun& job, CheckResult& result, FailOn fail_on) {
  const reports::Report& report = result.outcome.report;
  const std::string label =
      job.scenario.variant.empty() ? job.file : job.file + " [" + job.scenario.variant + "]";
  if (!result.error.empty()) {
    std::printf("%s\n  FAIL  the run stopped: %s\n", label.c_str(), result.error.c_str());
    return false;
  }
  const bool pass =
      result.outcome.exit_code() == 0 && !(result.baseline && result.baseline->failed(fail_on));
  std::printf("%s  %s  (%s orders, %.1f s)\n", pass ? "PASS" : "FAIL", label.c_str(),
              fmt::format("{}", report.orders.created).c_str(), report.sim.wall_ms / 1000.0);
  for (const reports::Expectation& e : report.expect) {
    const std::string actual = e.actual ? number(*e.actual) : std::string("no such metric");
    if (e.over_replications) {
      std::printf("  %s  %s  (%s)\n", std::string(reports::verdict_word(e)).c_str(),
                  reports::condition_text(e).c_str(),
                  reports::interval_text(*e.over_replications).c_str());
      continue;
    }
    std::printf("  %s  %s %s %s  (actual %s)\n", e.pass ? "PASS" : "FAIL", e.metric.c_str(),
                e.op.c_str(), number(e.threshold).c_str(), actual.c_str());
  }
  if (report.invariants.violations == 0) {
    std::printf("  PASS  invariants hold\n");
  } else {
    std::printf("  FAIL  invariants: %llu violation(s)\n",
                static_cast<unsigned long long>(report.invariants.violations));
    for (const reports::InvariantViolation& v : report.invariants.details) {
      std::printf("        order %llu at %.3f ms, %s: %s\n",
                  static_cast<unsigned long long>(v.order), static_cast<double>(v.time_us) / 1000.0,
                  v.event.c_str(), v.message.c_str());
    }
  }
  if (result.baseline) {
    for (const std::string& line : baseline_lines(*result.baseline, fail_on))
      std::printf("%s\n", line.c_str());
  }
  std::fflush(stdout);
  return pass;
}

// The baseline verdict as JUnit's "baseline" testcase: the first line is the summary, the moved
// metrics the details.
reports::JunitBaselineCase junit_case(const BaselineComparison& c, FailOn fail_on) {
  std::vector<std::string> lines = baseline_lines(c, fail_on);
  reports::JunitBaselineCase out{c.failed(fail_on), "", ""};
  for (size_t i = 0; i < lines.size(); ++i) {
    const size_t text = lines[i].find_first_not_of(' ');
    const std::string line = text == std::string::npos ? "" : lines[i].substr(text);
    if (i == 0) {
      out.summary = line;
    } else {
      out.details += line + "\n";
    }
  }
  return out;
}

// Saves every run as the baseline, or says why not (a run that did not finish, two runs with the
// same scenario name and variant) and saves nothing.
bool save(const std::string& dir, const std::vector<LibraryRun>& jobs,
          const std::vector<CheckResult>& results) {
  std::vector<BaselineRuns> entries;
  std::set<std::pair<std::string, std::string>> keys;
  for (size_t i = 0; i < jobs.size(); ++i) {
    const Scenario& s = jobs[i].scenario;
    const std::string label = s.variant.empty() ? s.name : s.name + " [" + s.variant + "]";
    if (!results[i].error.empty()) {
      std::fprintf(stderr, "paysim: baseline not saved: the run of %s stopped\n", label.c_str());
      return false;
    }
    if (!keys.insert({s.name, s.variant}).second) {
      std::fprintf(stderr,
                   "paysim: baseline not saved: two scenarios are named %s (%s and another "
                   "file); a baseline finds runs by scenario name and variant\n",
                   label.c_str(), jobs[i].file.c_str());
      return false;
    }
    entries.push_back(results[i].runs(s));
  }
  std::string error;
  if (!save_baseline(dir, entries, version_line(), &error)) {
    std::fprintf(stderr, "paysim: baseline not saved: %s\n", error.c_str());
    return false;
  }
  std::printf("baseline saved to %s: %zu run(s)\n", dir.c_str(), entries.size());
  return true;
}

// "5%" or "0.05": a fraction in [0, 10].
std::string parse_fraction(const std::string& text, double& out) {
  const bool percent = text.ends_with('%');
  const std::string number = percent ? text.substr(0, text.size() - 1) : text;
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(number, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != number.size() || !std::isfinite(v))
    return "expected a fraction such as 0.05 or a percentage such as 5%, got '" + text + "'";
  if (percent) v /= 100.0;
  if (v < 0 || v > 10) return "must lie between 0 and 1000%, got '" + text + "'";
  out = v;
  return "";
}

int command_check(const CheckOptions& options) {
  std::vector<std::string> input_errors;
  const std::vector<std::string> files = collect_scenario_files(options.paths, input_errors);
  for (const std::string& error : input_errors) std::fprintf(stderr, "%s\n", error.c_str());
  bool load_failed = !input_errors.empty();
  std::vector<LibraryRun> jobs = load_library_runs(files, load_failed);
  if (options.replications > 0) {
    for (LibraryRun& job : jobs) job.scenario.replications = options.replications;
  }
  std::optional<Baseline> baseline;
  if (!options.baseline_dir.empty()) {
    std::string error;
    baseline = load_baseline(options.baseline_dir, &error);
    if (!baseline) {
      std::fprintf(stderr, "paysim: cannot read the baseline: %s\n", error.c_str());
      return 2;
    }
  }

  Progress progress(jobs.size(), "runs", Progress::stderr_is_terminal(), Progress::stderr_sink(),
                    kProgressShowAfter);
  std::vector<CheckResult> results;
  size_t failed_runs = 0, expectations = 0, failed_expectations = 0, moved_runs = 0;
  const auto work = [&](size_t i) {
    CheckResult result = run_job(jobs[i], options);
    if (baseline && result.error.empty()) {
      const Scenario& s = jobs[i].scenario;
      result.baseline = compare_with_baseline(baseline->find(s.name, s.variant), result.runs(s),
                                              options.tolerance);
    }
    progress.advance();
    return result;
  };
  in_order(jobs.size(), static_cast<size_t>(options.jobs), work, [&](size_t i, CheckResult r) {
    results.push_back(std::move(r));
    bool passed = true;
    progress.print_above([&] { passed = print_result(jobs[i], results.back(), options.fail_on); });
    if (!passed) ++failed_runs;
    if (results.back().baseline && results.back().baseline->failed(options.fail_on)) ++moved_runs;
    for (const reports::Expectation& e : results.back().outcome.report.expect) {
      ++expectations;
      failed_expectations += e.pass ? 0 : 1;
    }
  });
  progress.finish();

  std::printf(
      "\ncheck: %zu run(s) from %zu file(s): %zu passed, %zu failed; %zu expectation(s), %zu "
      "failed%s\n",
      jobs.size(), files.size(), jobs.size() - failed_runs, failed_runs, expectations,
      failed_expectations, load_failed ? "; some scenarios did not load (see stderr)" : "");
  if (baseline) {
    std::printf("baseline %s (%s): %zu run(s) failed against it\n", options.baseline_dir.c_str(),
                baseline->build.c_str(), moved_runs);
  }
  if (!options.save_baseline_dir.empty() && !save(options.save_baseline_dir, jobs, results)) {
    return 2;
  }

  if (!options.junit_path.empty()) {
    std::vector<reports::JunitRun> runs;
    for (const CheckResult& r : results) {
      runs.push_back({&r.outcome.report});
      if (r.baseline) runs.back().baseline = junit_case(*r.baseline, options.fail_on);
    }
    std::string error;
    if (!reports::write_file_atomically(options.junit_path,
                                        reports::render_junit(runs, version_line()), &error)) {
      std::fprintf(stderr, "paysim: cannot write %s: %s\n", options.junit_path.c_str(),
                   error.c_str());
      return 2;
    }
  }
  const bool over_limit = std::any_of(results.begin(), results.end(),
                                      [](const CheckResult& r) { return r.over_limit; });
  if (load_failed || over_limit) return 2;
  return failed_runs > 0 ? 1 : 0;
}

}  // namespace

CommandRunner add_check_command(CLI::App& app) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand("check",
                                     "Run every scenario (and each of its variants) and check its "
                                     "expect block; the CI regression gate");
  cmd->add_option("paths", options->paths,
                  "Scenario files or directories (searched recursively for *.yaml, *.yml)")
      ->required();
  cmd->add_option("--junit", options->junit_path,
                  "Also write JUnit XML: a test suite per scenario and variant (seed, variant, "
                  "replication and paysim version as properties), a test case per expectation");
  cmd->add_option("-j,--jobs", options->jobs, "Runs in parallel (default 1)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--replications", options->replications,
                  "Run every scenario and variant N times (seed, then replication seeds as in "
                  "sweep), overriding each file's `replications`")
      ->check(CLI::Range(1, 1000))
      ->type_name("N");
  cmd->add_option("--save-baseline", options->save_baseline_dir,
                  "Store every run (all replications) in DIR as the baseline a later "
                  "`check --baseline DIR` compares with")
      ->type_name("DIR");
  cmd->add_option("--baseline", options->baseline_dir,
                  "Compare every run with the baseline in DIR on paired differences (same seeds); "
                  "fail a run whose metrics moved significantly beyond the tolerance")
      ->type_name("DIR");
  cmd->add_option_function<std::string>(
         "--tolerance",
         [options](const std::string& text) {
           const std::string error = parse_fraction(text, options->tolerance.relative);
           if (!error.empty()) throw CLI::ValidationError("--tolerance", error);
         },
         "With --baseline: a change within this fraction of the baseline mean never fails "
         "(default 5%)")
      ->type_name("FRACTION");
  cmd->add_option("--min-change", options->tolerance.absolute,
                  "With --baseline: a change this small in the metric's unit never fails "
                  "(default 0)")
      ->check(CLI::NonNegativeNumber)
      ->type_name("X");
  cmd->add_option_function<std::string>(
         "--fail-on",
         [options](const std::string& text) {
           if (text != "worse" && text != "any")
             throw CLI::ValidationError("--fail-on", "expected worse or any, got '" + text + "'");
           options->fail_on = text == "any" ? FailOn::kAny : FailOn::kWorse;
         },
         "With --baseline: fail on metrics that moved the wrong way (worse, the default) or on any "
         "that moved (any)")
      ->type_name("worse|any");
  return {cmd, [options] { return command_check(*options); }};
}

}  // namespace harness
