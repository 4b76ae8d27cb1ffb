// Experiment: many runs of one scenario grouped into points — the variants of `paysim compare` or
// the grid points of `paysim sweep` — and what is reported across them: for every metric, the
// mean and 95% confidence interval over a point's replications (reports/statistics.h), the
// point's latency histograms merged exactly, and its time series averaged per minute.
//
// The summary writers here are the single source of summary.json and summary.csv, for compare,
// sweep and merge alike, so an unsharded sweep and a merge of shards write the same bytes.
// Ownership: an Experiment points at reports it does not own; they must outlive it.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reports/histogram.h"
#include "reports/report.h"
#include "reports/statistics.h"

namespace reports {

inline constexpr std::string_view kSummarySchema = "paysim.summary/1";

using KeyValues = std::vector<std::pair<std::string, std::string>>;  // dotted key -> YAML text

struct ExperimentPoint {
  std::string label;  // the variant's name, or "key=value, key=value" of a grid point
  KeyValues values;   // what this point sets (a variant's set block, or the grid values)
  std::vector<const Report*> runs;  // one per replication, in replication order; REQUIRES non-null
};

struct SweepAxisValues {
  std::string key;
  std::vector<std::string> values;
};

struct Experiment {
  std::string kind;                   // "compare" or "sweep"
  std::string scenario;               // the scenario's name
  std::vector<std::uint64_t> seeds;   // the seed of each replication, the same for every point
  KeyValues set;                      // --set overrides applied to every point
  std::vector<SweepAxisValues> axes;  // sweeps only
  std::vector<ExperimentPoint> points;
  // Compare: points[0] is the base scenario, and every other point is also reported as its
  // difference from it (paired_differences).
  bool first_point_is_base = false;

  // The point the others are compared with, or nullptr.
  const ExperimentPoint* base() const;
};

// The value at `path` of a report's JSON as a measurement: nullopt when the path does not exist,
// and for a sample statistic (mean, min, max, pNN) beside a `count` of 0 (a latency no order
// reached: its p99 is not 0 ms, there is none). The count itself is always a value.
std::optional<double> measured_value(const nlohmann::ordered_json& report_json,
                                     std::string_view path);

// Everything reported about one point, computed from its runs.
struct PointAggregate {
  std::vector<std::string> metric_paths;  // metric_paths of the runs minus sim.wall_ms
  // Parallel to metric_paths, over the runs where the metric was measured (measured_value): n is
  // 0 when it never was, and tables show "none".
  std::vector<MeanInterval> metrics;
  Latencies latency;  // every latency histogram, merged over the runs
  // Per simulated minute, averaged over the runs (a run shorter than the longest counts as 0).
  std::vector<double> pending_payments;
  std::vector<double> queries_per_minute;
  // Per simulated minute, the timeseries' charge_to_paid_p99_us in milliseconds, averaged over the
  // runs that had a sample in the minute (a value above 0); nullopt when none had: no latency, not
  // 0 ms.
  std::vector<std::optional<double>> charge_to_paid_p99_ms;
  std::size_t failed_runs = 0;  // runs with a failed expectation or an invariant violation

  // The mean of a metric, 0 when the path is unknown or was never measured.
  double mean(std::string_view path) const;
  // The metric's mean and interval, or nullptr when the path is unknown.
  const MeanInterval* find(std::string_view path) const;
};

PointAggregate aggregate_point(const ExperimentPoint& point);

// The paired differences of `point` from `base` for every metric path of the point: for each
// replication r, run r of the point minus run r of the base (the same seed, so the same users
// and faults: common random numbers), then their mean and 95% interval (mean_interval). A
// replication where either side was not measured is left out. REQUIRES: equal replication counts.
struct Differences {
  std::vector<std::string> metric_paths;
  std::vector<MeanInterval> metrics;  // parallel to metric_paths

  const MeanInterval* find(std::string_view path) const;
};

Differences paired_differences(const ExperimentPoint& base, const ExperimentPoint& point);
// The same over report.json documents (replication r of each side at index r), for runs kept as
// JSON (`check --baseline`), with intervals at `confidence` (0.5 < confidence < 1). Pairs the
// first min(sizes) replications.
Differences paired_differences(const std::vector<nlohmann::ordered_json>& base_documents,
                               const std::vector<nlohmann::ordered_json>& documents,
                               double confidence = 0.95);

// summary.json (schema reports/schema/summary.schema.json): kind, scenario, seeds, set, axes,
// then per point its label, values, runs, failed_runs, every metric as {n, mean, ci95_low,
// ci95_high} (null bounds with one replication; null mean when never measured) and the pooled
// latency digests of the merged histograms; in a compare, every point after the base also has
// `vs_base`: its paired differences from the base, in the same form. Numbers are rounded to 3
// decimals so the text is stable.
nlohmann::ordered_json summary_json(const Experiment& experiment);
std::string render_summary_json(const Experiment& experiment);

// summary.csv: one row per point: point, one column per axis (sweeps), runs, failed_runs, then for
// every metric path three columns <path>.mean, <path>.ci95_low, <path>.ci95_high (empty when there
// is no interval). RFC 4180, CRLF, as reports/csv_writer.h.
std::string render_summary_csv(const Experiment& experiment);

// Reports every point's runs in order: for runs.csv and junit.xml.
std::vector<const Report*> all_runs(const Experiment& experiment);

}  // namespace reports
