// Baselines for `paysim check`: a stored run of every scenario and variant that a later check is
// compared with, metric by metric, on paired differences (common random numbers).
//
// `check --save-baseline DIR` writes DIR/baseline.json (an index: the build that made it, and per
// scenario and variant its seeds and file) and one file per scenario and variant holding the
// report.json of each replication (sim.wall_ms zeroed: the files are byte-identical for the same
// build and scenarios). The set is written whole or not at all (reports/output_set.h).
//
// `check --baseline DIR` runs the same scenarios with the same seeds and, for every metric of
// report.json outside `sim.*` (which describes the run, not the design), takes the paired
// differences run r minus baseline run r over the replications the two share (the same seed, so
// the same users and the same faults: the difference is the change, not the luck). A metric has
// MOVED when the change is both
//   - significant: the confidence interval of the mean difference (Student's t) excludes 0, at
//     1 - 5%/m for the m metrics compared (Bonferroni), so that a change of the random draws
//     alone (new sampled values, the same design) fails a run with probability at most 5%, not
//     once per twenty metrics; with one replication there is no interval, and any non-zero
//     difference counts (the model is deterministic: the same code and scenario give exactly 0);
//   - and larger than the tolerance: |mean difference| > max(relative × |baseline mean|, absolute).
// A moved metric is WORSE or BETTER by its direction (reports/metric_direction.h), or CHANGED
// when it has none (orders created, how orders were resolved). With --fail-on worse (the default)
// a run fails on a worse metric; with --fail-on any on any moved one.
//
// A scenario or variant the baseline does not have is reported and passes (a new scenario); one
// whose seed changed cannot be compared and fails, asking for the baseline to be saved again.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reports/metrics.h"
#include "reports/report.h"
#include "reports/statistics.h"

namespace harness {

inline constexpr std::string_view kBaselineSchema = "paysim.baseline/1";

// One scenario or variant as the baseline stores it: the report.json of each replication.
struct BaselineRuns {
  std::string scenario;
  std::string variant;  // empty for the scenario as written
  std::vector<std::uint64_t> seeds;
  std::vector<nlohmann::ordered_json> documents;  // report.json per replication, wall clock zeroed
};

// Builds BaselineRuns from a check's runs (replication 0 first). Zeroes each report's wall clock
// in the text it keeps; the reports themselves are not changed.
BaselineRuns baseline_runs(const std::string& scenario, const std::string& variant,
                           const std::vector<std::uint64_t>& seeds,
                           const std::vector<const reports::Report*>& runs);

// Writes the whole baseline into `dir`, replacing what a previous save wrote there. Returns false
// with a message in *error when it cannot (nothing is then changed). `build`: version_line().
// REQUIRES: no two entries share (scenario, variant).
bool save_baseline(const std::filesystem::path& dir, const std::vector<BaselineRuns>& entries,
                   const std::string& build, std::string* error);

// A baseline read back: its build, and its entries keyed by (scenario, variant).
struct Baseline {
  std::string build;
  std::map<std::pair<std::string, std::string>, BaselineRuns> entries;

  const BaselineRuns* find(const std::string& scenario, const std::string& variant) const;
};

// Reads DIR/baseline.json and the files it names; nullopt with a message naming the file and the
// key when anything is missing or malformed.
std::optional<Baseline> load_baseline(const std::filesystem::path& dir, std::string* error);

// When a difference counts as a move.
struct Tolerance {
  double relative = 0.05;  // of |baseline mean|
  double absolute = 0.0;   // in the metric's own unit
};

enum class FailOn : std::uint8_t { kWorse, kAny };

// One metric that moved.
struct MetricMove {
  std::string path;
  reports::Better better = reports::Better::kNone;
  double base_mean = 0.0;
  reports::MeanInterval difference;  // current minus baseline, paired
  enum class Kind : std::uint8_t { kWorse, kBetter, kChanged } kind = Kind::kChanged;
};

struct BaselineComparison {
  enum class Status : std::uint8_t {
    kCompared,      // the two share `pairs` replications
    kNoBaseline,    // the baseline has no such scenario or variant
    kSeedMismatch,  // the seeds differ: nothing to pair
  } status = Status::kCompared;
  std::size_t pairs = 0;    // replications compared
  std::size_t metrics = 0;  // metric paths compared
  double confidence = 0.0;  // of each metric's interval
  std::vector<MetricMove> moved;
  std::string message;  // for kSeedMismatch: which seeds

  // Whether the run fails the gate.
  bool failed(FailOn fail_on) const;
};

// Compares the current runs (report.json per replication, replication 0 first, with their
// seeds) with the baseline's entry for the same scenario and variant (nullptr: none).
BaselineComparison compare_with_baseline(const BaselineRuns* baseline, const BaselineRuns& current,
                                         const Tolerance& tolerance);

// The lines `check` prints under a run: "PASS  baseline: ..." then one line per moved metric.
std::vector<std::string> baseline_lines(const BaselineComparison& comparison, FailOn fail_on);

}  // namespace harness
