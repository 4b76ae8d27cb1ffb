// Sweeps and comparisons as a fixed list of jobs: a plan of points (the grid of a sweep, or the
// variants of a compare), each run with the same `replications` seeds.
//
// Jobs: job index = point * replications + replication, so the list, and everything derived
// from it, is fixed before anything runs. Runs may finish in any order on any thread; their
// reports are stored by job index and merged in index order, which is why the outputs are
// byte-identical for any -j and any sharding (sim.wall_ms, the one wall-clock number, is left out
// of every summary).
//
// Seeds: replication 0 runs with the scenario's seed, so it reproduces `paysim run --set ...`;
// replication r >= 1 runs with splitmix64(seed + r) (replication_seed). Every point uses the same
// seeds, so points and variants see the same traffic and faults (common random numbers).
//
// Grid: the cartesian product of the axes in order (the first axis varies slowest): the file's
// `sweep:` axes in file order, then --axis ones; an --axis with a key the file already sweeps
// replaces that axis' values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario.h"
#include "harness/scenario_loader.h"
#include "reports/experiment.h"
#include "reports/output_set.h"
#include "reports/report.h"

namespace harness {

class Progress;

// The label of the base scenario: a compare's first point, or a sweep without axes.
inline constexpr const char* kBaseLabel = "base";

struct PlanPoint {
  std::string label;             // "interval=10s, workers=4" or the variant's name
  std::vector<Override> values;  // the grid values (sweep) or the variant's set block (compare)
  std::string variant;           // compare: the variant to load; sweep: ""
};

struct Plan {
  std::string kind;           // "sweep" or "compare"
  std::string scenario;       // the scenario's name
  std::string file;           // the scenario file as given on the command line
  std::string file_digest;    // FNV-1a 64 of the file's bytes, hex: shards must come from one file
  std::vector<Override> set;  // --set overrides, applied to every point
  std::vector<SweepAxis> axes;       // sweep only
  std::vector<std::uint64_t> seeds;  // one per replication
  std::vector<PlanPoint> points;

  bool is_compare() const { return kind == "compare"; }
  std::size_t replications() const { return seeds.size(); }
  std::size_t job_count() const { return points.size() * seeds.size(); }
  std::size_t point_of(std::size_t job) const { return job / seeds.size(); }
  std::size_t replication_of(std::size_t job) const { return job % seeds.size(); }
};

std::uint64_t replication_seed(std::uint64_t scenario_seed, std::size_t replication);

// The grid points of the axes, first axis slowest. No axes: one point with no values, label "base".
std::vector<PlanPoint> grid_points(const std::vector<SweepAxis>& axes);

// Parses --axis "KEY=V1,V2,..." (values are YAML text split at commas, so a value cannot itself
// contain a comma: put such axes in the file). nullopt and *error on a malformed text.
std::optional<SweepAxis> parse_axis(const std::string& text, std::string* error);

// Plans a sweep of the file: its axes with cli_axes merged in, replications from the file unless
// replications_override > 0. Plans a compare when `variants` is non-null: the base scenario first
// (label "base", variant ""), then one point per named variant (all of the file's when the list
// is empty), one replication unless overridden. A variant named "base" is refused in a compare.
// On a scenario error prints every error to stderr and returns nullopt.
std::optional<Plan> plan_experiment(const std::string& path, const std::vector<Override>& set,
                                    const std::vector<SweepAxis>& cli_axes,
                                    int replications_override,
                                    const std::vector<std::string>* variants);

// Loads the scenario of every point (on this thread: the loader is not shared between threads).
// On error prints them and returns nullopt.
std::optional<std::vector<Scenario>> load_points(const Plan& plan);

// Runs the jobs listed (indices into the plan's job list) on `threads` threads and returns their
// reports in the order of `jobs`. Each report's variant is its point's label in a sweep, and the
// variant's name in a compare ("" for the base, as `paysim run` writes it).
std::vector<reports::Report> run_jobs(const Plan& plan,
                                      const std::vector<Scenario>& point_scenarios,
                                      const std::vector<std::size_t>& jobs, int threads,
                                      Progress* progress);

// The experiment of a plan with every job's report (indexed by job; wall_ms should be zeroed by
// the caller); a compare's first point is its base. The experiment points into `runs`, which must
// outlive it.
reports::Experiment experiment_of(const Plan& plan, const std::vector<reports::Report>& runs);

// Writes summary.json, summary.csv, runs.csv (one row per run), report.html and junit.xml (a test
// suite per run, naming `build`: the paysim that ran them, as `paysim --version` prints it), and
// the `extra` files (compare's report of each point), into dir as one set, whole or not at all
// (reports/output_set.h). On failure prints the error and returns false.
bool write_experiment_outputs(const reports::Experiment& experiment, const std::string& dir,
                              std::string_view build, reports::OutputFiles extra = {});

// 1 if any run failed an expectation or broke an invariant, else 0.
int experiment_exit_code(const std::vector<reports::Report>& runs);

}  // namespace harness
