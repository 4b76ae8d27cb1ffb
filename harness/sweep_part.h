// Sweep shards: `paysim sweep --shard I/N` runs the jobs whose index % N == I (I counts from 0) and
// writes them as a part file; `paysim merge` checks that a set of parts belongs together and
// covers every job exactly once, and rebuilds the plan and every run's report from them.
//
// A part file (JSON, schema "paysim.sweep-part/1"):
//   {"schema", "identity": {paysim_version, paysim_revision, kind, scenario, file_digest, set,
//    axes, seeds, job_count}, "file", "shard": {"index", "count"},
//    "jobs": [{"job", "point", "replication", "seed", "report": <report.json with "histograms">}]}
// Parts belong together when their identities are equal (same build: version and source
// revision, harness/build_info.h; same file bytes, --set, axes and seeds) and their shard counts
// agree; parts of two builds are refused with both named. The reports carry their raw latency
// histograms, so merged latencies are exact (reports/report_reader.h).
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/sweep.h"
#include "reports/report.h"

namespace harness {

inline constexpr std::string_view kSweepPartSchema = "paysim.sweep-part/1";

// Parses "I/N" with 0 <= I < N. nullopt and *error otherwise.
std::optional<std::pair<std::size_t, std::size_t>> parse_shard(const std::string& text,
                                                               std::string* error);

// The job indices of shard `index` of `count`: every job with job % count == index, ascending.
std::vector<std::size_t> shard_jobs(std::size_t job_count, std::size_t index, std::size_t count);

// What makes parts belong together (see above).
nlohmann::ordered_json plan_identity(const Plan& plan);

// The part file text for `jobs` (indices) and their reports (same order).
std::string render_part(const Plan& plan, std::size_t shard_index, std::size_t shard_count,
                        const std::vector<std::size_t>& jobs,
                        const std::vector<reports::Report>& reports);

struct MergedSweep {
  Plan plan;                          // rebuilt from the identity (no file needed)
  std::vector<reports::Report> runs;  // indexed by job
  std::string build;                  // the paysim that wrote the parts, as `--version` prints it
};

// Reads and checks the parts. Errors (unreadable or malformed file, parts of different sweeps,
// a job missing or given twice) come back as nullopt and *error naming the file and the problem.
std::optional<MergedSweep> merge_parts(const std::vector<std::string>& paths, std::string* error);

}  // namespace harness
