#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "harness/build_info.h"
#include "harness/commands.h"
#include "harness/progress.h"
#include "harness/run.h"
#include "reports/csv_writer.h"
#include "reports/html_writer.h"
#include "reports/json_writer.h"
#include "reports/junit_writer.h"
#include "reports/output_set.h"
#include "reports/table_writer.h"

namespace harness {

CLI::Option* add_seed_option(CLI::App* command, uint64_t& seed, bool& has_seed) {
  // CLI11 converts with strtoull, which wraps "-1" and saturates "2^64"; and it reads "1e23"
  // as a double. The validator sees the text first and lets through only what fits exactly.
  const CLI::Validator whole_uint64(
      [](std::string& text) -> std::string {
        uint64_t value = 0;
        const char* end = text.data() + text.size();
        auto [stop, ec] = std::from_chars(text.data(), end, value);
        if (text.empty() || ec != std::errc() || stop != end)
          return "expected a whole number from 0 to 18446744073709551615, got '" + text + "'";
        return "";
      },
      "UINT64");
  return command->add_option("--seed", seed, "Override the scenario's seed (0 to 2^64-1)")
      ->check(whole_uint64)
      ->each([&has_seed](const std::string&) { has_seed = true; });
}

bool parse_overrides(const std::vector<std::string>& texts, std::vector<Override>& out) {
  for (const std::string& text : texts) {
    std::string error;
    std::optional<Override> parsed = parse_override(text, &error);
    if (!parsed) {
      std::fprintf(stderr, "--set %s: %s\n", text.c_str(), error.c_str());
      return false;
    }
    out.push_back(std::move(*parsed));
  }
  return true;
}

void print_load_errors(const LoadResult& result) {
  print_load_notices(result);
  for (const ScenarioError& error : result.errors)
    std::fprintf(stderr, "%s\n", error.to_string().c_str());
}

void print_load_notices(const LoadResult& result) {
  for (const std::string& notice : result.notices)
    std::fprintf(stderr, "notice: %s\n", notice.c_str());
}

std::optional<Scenario> load_for_command(const std::string& path,
                                         const std::vector<std::string>& set, bool has_seed,
                                         uint64_t seed, const std::string& variant) {
  std::vector<Override> overrides;
  if (!parse_overrides(set, overrides)) return std::nullopt;
  if (has_seed) overrides.push_back({"seed", std::to_string(seed)});
  LoadResult loaded = load_scenario_file(path, overrides, variant);
  if (!loaded.ok()) {
    print_load_errors(loaded);
    return std::nullopt;
  }
  print_load_notices(loaded);
  return std::move(loaded.scenario);
}

namespace {

const std::set<std::string> kFormats = {"table", "json", "csv", "junit", "html"};

// One format of a run's report: the file it is written to under --out, and its text.
std::pair<std::string, std::string> render_format(const reports::Report& report,
                                                  const std::vector<Expectation>& expect,
                                                  const std::string& format) {
  if (format == "json") return {"report.json", reports::render_json(report)};
  if (format == "csv") return {"report.csv", reports::render_csv({&report})};
  if (format == "junit") return {"junit.xml", reports::render_junit({{&report}}, version_line())};
  if (format == "html") {
    std::vector<std::string> as_written;
    for (const Expectation& e : expect) as_written.push_back(e.text);
    return {"report.html", reports::render_html(reports::html_for_run(report, as_written))};
  }
  return {"report.txt", reports::render_table(report)};
}

}  // namespace

bool check_formats(const std::vector<std::string>& formats, const std::string& out_dir) {
  for (const std::string& format : formats) {
    if (!kFormats.count(format)) {
      std::fprintf(stderr,
                   "--format: unknown format '%s' (expected table, json, csv, junit or html)\n",
                   format.c_str());
      return false;
    }
  }
  if (out_dir.empty() && std::set<std::string>(formats.begin(), formats.end()).size() > 1) {
    std::fprintf(stderr,
                 "--format: without --out one format is printed to standard output; to write "
                 "several, give --out DIR\n");
    return false;
  }
  return true;
}

int print_and_write_report(const reports::Report& report, const std::vector<Expectation>& expect,
                           const std::vector<std::string>& formats, const std::string& out_dir) {
  if (out_dir.empty()) {
    const std::string text =
        render_format(report, expect, formats.empty() ? "table" : formats.front()).second;
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  std::fputs(reports::render_table(report).c_str(), stdout);
  std::set<std::string> asked(formats.begin(), formats.end());
  if (asked.empty()) asked = {"json"};
  reports::OutputFiles files;
  for (const char* format : {"json", "table", "csv", "junit", "html"}) {
    if (asked.count(format)) files.push_back(render_format(report, expect, format));
  }
  std::string error;
  if (!reports::write_output_set(out_dir, files, &error)) {
    std::fprintf(stderr, "paysim: cannot write the reports: %s\n", error.c_str());
    return 2;
  }
  return 0;
}

int command_run(const RunOptions& options) {
  if (!check_formats(options.formats, options.out_dir)) return 2;
  const std::optional<Scenario> loaded = load_for_command(
      options.scenario_path, options.set, options.has_seed, options.seed, options.variant);
  if (!loaded) return 2;
  // On a terminal, the simulated time reached, with the time left (harness/progress.h); erased
  // before the table is printed.
  RunProgress progress(loaded->duration, loaded->drain, Progress::stderr_is_terminal());
  const bool terminal = Progress::stderr_is_terminal();
  RunOutcome outcome = run_judged(
      *loaded, nullptr, [&](sim::Time t) { progress.reached(t); },
      [&](size_t replication) {
        // Expectations "at N%": the scenario's other replications, one line on a terminal.
        progress.finish();
        if (terminal) {
          std::fprintf(stderr, "\rpaysim: replication %zu of %d for the expectations at N%%",
                       replication + 1, loaded->replications);
          if (replication + 1 == static_cast<size_t>(loaded->replications))
            std::fprintf(stderr, "\r\033[K");
        }
      });
  progress.finish();
  if (const int written =
          print_and_write_report(outcome.report, loaded->expect, options.formats, options.out_dir);
      written != 0)
    return written;
  return outcome.exit_code();
}

int command_validate(const std::vector<std::string>& paths) {
  int exit_code = 0;
  for (const std::string& path : paths) {
    const LoadResult loaded = load_scenario_file(path);
    if (!loaded.ok()) {
      print_load_errors(loaded);
      exit_code = 2;
      continue;
    }
    print_load_notices(loaded);
    const Scenario& s = *loaded.scenario;
    std::printf("%s: ok — %s, %zu channel(s), strategy %s, %zu variant(s), %zu expectation(s)\n",
                path.c_str(), s.name.c_str(), s.channels.size(),
                s.system.compensation.strategy == sut::Strategy::kNone      ? "none"
                : s.system.compensation.strategy == sut::Strategy::kPolling ? "polling"
                : s.system.compensation.strategy == sut::Strategy::kHybrid  ? "hybrid"
                                                                            : "delay_message",
                s.variants.size(), s.expect.size());
  }
  return exit_code;
}

CommandRunner add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd =
      app.add_subcommand("run", "Run one scenario; print its table, and write reports with --out");
  cmd->add_option("scenario", options->scenario_path,
                  "Scenario file (YAML); - reads standard input")
      ->required();
  add_seed_option(cmd, options->seed, options->has_seed);
  cmd->add_option("--set", options->set,
                  "Override a key: KEY=VALUE (dotted path; a channel by its name)");
  cmd->add_option("--variant", options->variant, "Apply one of the scenario's variants");
  cmd->add_option("--out", options->out_dir,
                  "Write reports into this directory (each file whole or not at all)");
  cmd->add_option("--format", options->formats,
                  "Formats to write with --out: table,json,csv,junit,html (default json); "
                  "without --out, the one format to print instead of the table")
      ->delimiter(',');
  return {cmd, [options] { return command_run(*options); }};
}

CommandRunner add_validate_command(CLI::App& app) {
  auto paths = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd =
      app.add_subcommand("validate", "Parse and check scenario files without running them");
  cmd->add_option("scenarios", *paths, "Scenario files")->required();
  return {cmd, [paths] { return command_validate(*paths); }};
}

}  // namespace harness
