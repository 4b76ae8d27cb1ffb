// `paysim swarm [--seeds N] [--from S] [-j N] [--out DIR] [BASE.yaml]`: random scenarios from
// seeds S..S+N-1 (harness/swarm.h), each run with faults on (safety) and off (liveness).
//
// Output: a block per failing seed, in seed order whatever -j says (what failed, the scenario
// written to DIR/swarm-seed-S-PHASE.yaml and the commands that reproduce it), then one summary
// line. Nothing is written for a passing seed. On a terminal, a progress bar of seeds done goes
// to stderr, and the wall time to stderr at the end. Exit code: 0 every seed passed, 1 a seed
// failed, 2 a usage error (a bad number, a seed range too long or past 2^64 - 1, a BASE that does
// not load).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "harness/commands.h"
#include "harness/in_order.h"
#include "harness/progress.h"
#include "harness/swarm.h"
#include "reports/atomic_file.h"

namespace harness {
namespace {

// At most this many failing scenarios are written: a broken build fails every seed.
constexpr uint64_t kMaxFailureFiles = 100;

struct SwarmCommandOptions {
  uint64_t seeds = 40;
  uint64_t from = 1;
  int threads = 1;
  std::string out_dir = "swarm-failures";
  std::string base_path;
};

// What the block of a failing seed says; writes its scenario (the `written`-th so far).
void print_failure(const SwarmSeedResult& r, const SwarmCommandOptions& options, uint64_t written) {
  std::printf("FAIL seed %llu, %s phase (faults %s):\n", static_cast<unsigned long long>(r.seed),
              std::string(to_string(r.phase)).c_str(),
              r.phase == SwarmPhase::kSafety ? "on" : "off");
  for (const std::string& line : r.failures) std::printf("  %s\n", line.c_str());
  const std::string again = fmt::format("paysim swarm --from {} --seeds 1{}", r.seed,
                                        options.base_path.empty() ? "" : " " + options.base_path);
  if (written >= kMaxFailureFiles) {
    std::printf("  scenario not written (more than %llu failing seeds)\n  reproduce: %s\n",
                static_cast<unsigned long long>(kMaxFailureFiles), again.c_str());
    return;
  }
  const std::filesystem::path path =
      std::filesystem::path(options.out_dir) / swarm_failure_file_name(r.seed, r.phase);
  std::string error;
  if (!reports::write_file_atomically(path, r.yaml, &error)) {
    std::printf("  cannot write the scenario: %s\n  reproduce: %s\n", error.c_str(), again.c_str());
    return;
  }
  std::printf("  wrote %s\n  reproduce: paysim run %s\n         or: %s\n", path.c_str(),
              path.c_str(), again.c_str());
}

int command_swarm(const SwarmCommandOptions& options) {
  const SeedRange range{options.from, options.seeds};
  if (const std::string problem = check_seed_range(range, "--from", "--seeds"); !problem.empty()) {
    std::fprintf(stderr, "paysim swarm: %s\n", problem.c_str());
    return 2;
  }
  std::optional<SwarmBase> base;
  if (!options.base_path.empty()) {
    std::vector<std::string> errors;
    base = load_swarm_base(options.base_path, &errors);
    if (!base) {
      for (const std::string& e : errors) std::fprintf(stderr, "%s\n", e.c_str());
      return 2;
    }
  }
  SwarmOptions swarm;
  swarm.base = base ? &*base : nullptr;
  std::printf("swarm: seeds %llu..%llu%s\n", static_cast<unsigned long long>(range.from),
              static_cast<unsigned long long>(range.from + (range.count - 1)),
              base ? (" on " + options.base_path).c_str() : "");
  std::fflush(stdout);

  const auto started = std::chrono::steady_clock::now();
  const size_t count = static_cast<size_t>(range.count);
  const size_t workers = std::min<size_t>(static_cast<size_t>(options.threads), count);
  Progress progress(count, "seeds", Progress::stderr_is_terminal());
  SwarmTotals totals;
  const auto work = [&](size_t i) {
    SwarmSeedResult result = run_swarm_seed(range.from + i, swarm);
    progress.advance();
    return result;
  };
  in_order(count, workers, work, [&](size_t, const SwarmSeedResult& result) {
    if (!result.passed) {
      progress.print_above([&] { print_failure(result, options, totals.failed); });
      std::fflush(stdout);
    }
    totals.add(result);
  });
  progress.finish();
  std::printf("swarm: %s\n", totals.summary().c_str());
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "paysim swarm: %zu seed(s) in %.1f s on %zu thread(s)\n", count, wall_s,
               workers);
  return totals.failed > 0 ? 1 : 0;
}

// A whole number in [0, 2^64 - 1] in decimal digits; CLI11's own conversion would wrap -1.
CLI::Validator whole_number() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        uint64_t value = 0;
        const char* end = text.data() + text.size();
        const auto result = std::from_chars(text.data(), end, value);
        if (text.empty() || result.ec != std::errc() || result.ptr != end)
          return "expected a whole number from 0 to 18446744073709551615, got '" + text + "'";
        return "";
      },
      "UINT64");
}

}  // namespace

CommandRunner add_swarm_command(CLI::App& app) {
  auto options = std::make_shared<SwarmCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "swarm",
      "Run random scenarios from seeds: with faults on no invariant may break; with them off "
      "everything must converge. Writes each failing seed's scenario as YAML");
  cmd->add_option("base", options->base_path,
                  "Scenario file (YAML) to start from: the keys it writes stay, the rest is drawn");
  cmd->add_option("--seeds", options->seeds, "How many seeds (default 40, at most 100000)")
      ->check(whole_number())
      ->type_name("N");
  cmd->add_option("--from", options->from, "The first seed (default 1)")
      ->check(whole_number())
      ->type_name("S");
  cmd->add_option("-j,--jobs", options->threads,
                  "Seeds in parallel (default 1; the output is the same for any N)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--out", options->out_dir,
                  "Write failing seeds' scenarios here (default swarm-failures; nothing is written "
                  "when every seed passes)")
      ->type_name("DIR");
  return {cmd, [options] { return command_swarm(*options); }};
}

}  // namespace harness
