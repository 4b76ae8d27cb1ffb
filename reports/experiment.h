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
  std::string label;              // the variant's name, or "key=value, key=value" of a grid point
  KeyValues values;               // what this point sets (a variant's set block, or the grid values)
  std::vector<const Report*> runs;  // one per replication, in replication order; REQUIRES non-null
};

struct SweepAxisValues {
  std::string key;
  std::vector<std::string> values;
};

struct Experiment {
  std::string kind;      // "compare" or "sweep"
  std::string scenario;  // the scenario's name
  std::vector<std::uint64_t> seeds;  // the seed of each replication, the same for every point
  KeyValues set;                     // --set overrides applied to every point
  std::vector<SweepAxisValues> axes;  // sweeps only
  std::vector<ExperimentPoint> points;
};

// Everything reported about one point, computed from its runs.
struct PointAggregate {
  std::vector<std::string> metric_paths;  // metric_paths of the runs minus sim.wall_ms
  std::vector<MeanInterval> metrics;      // parallel to metric_paths
  LogHistogram charge_to_paid_us;         // merged over the runs
  LogHistogram pay_to_paid_us;
  LogHistogram client_visible_us;
  // Per simulated minute, averaged over the runs (a run shorter than the longest counts as 0).
  std::vector<double> pending_payments;
  std::vector<double> queries_per_minute;
  std::size_t failed_runs = 0;  // runs with a failed expectation or an invariant violation

  // The mean of a metric, 0 when the path is unknown.
  double mean(std::string_view path) const;
};

PointAggregate aggregate_point(const ExperimentPoint& point);

// summary.json (schema reports/schema/summary.schema.json): kind, scenario, seeds, set, axes,
// then per point its label, values, runs, failed_runs, every metric as {n, mean, ci95_low,
// ci95_high} (null bounds with one replication) and the pooled latency digests of the merged
// histograms. Numbers are rounded to 3 decimals so the text is stable.
nlohmann::ordered_json summary_json(const Experiment& experiment);
std::string render_summary_json(const Experiment& experiment);

// summary.csv: one row per point: point, one column per axis (sweeps), runs, failed_runs, then for
// every metric path three columns <path>.mean, <path>.ci95_low, <path>.ci95_high (empty when there
// is no interval). RFC 4180, CRLF, as reports/csv_writer.h.
std::string render_summary_csv(const Experiment& experiment);

// Reports every point's runs in order: for runs.csv and junit.xml.
std::vector<const Report*> all_runs(const Experiment& experiment);

}  // namespace reports
