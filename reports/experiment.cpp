#include "reports/experiment.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <nlohmann/json.hpp>

#include "reports/csv_writer.h"
#include "reports/internal/number_text.h"
#include "reports/metrics.h"

namespace reports {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kWallClockPath = "sim.wall_ms";
// The key of a summary's sample count; its siblings mean nothing when it is 0.
constexpr std::string_view kCountKey = "count";

Json optional_number(const std::optional<double>& v) {
  return v ? Json(rounded_ms(*v)) : Json(nullptr);
}

Json key_values_json(const KeyValues& values) {
  Json out = Json::object();
  for (const auto& [key, value] : values) out[key] = value;
  return out;
}

Json metrics_json(const std::vector<std::string>& paths, const std::vector<MeanInterval>& metrics) {
  Json out = Json::object();
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const MeanInterval& m = metrics[i];
    out[paths[i]] = {{"n", m.n},
                     {"mean", m.n > 0 ? Json(rounded_ms(m.mean)) : Json(nullptr)},
                     {"ci95_low", optional_number(m.low)},
                     {"ci95_high", optional_number(m.high)}};
  }
  return out;
}

// Every run's report.json, in replication order.
std::vector<Json> documents_of(const ExperimentPoint& point) {
  std::vector<Json> documents;
  documents.reserve(point.runs.size());
  for (const Report* run : point.runs) documents.push_back(to_json(*run));
  return documents;
}

// The metric paths of the documents, in first-seen order, without the wall clock.
std::vector<std::string> paths_of(const std::vector<Json>& documents) {
  std::vector<std::string> paths;
  for (const Json& document : documents) {
    for (std::string& path : metric_paths(document)) {
      if (path == kWallClockPath) continue;
      if (std::find(paths.begin(), paths.end(), path) == paths.end())
        paths.push_back(std::move(path));
    }
  }
  return paths;
}

const MeanInterval* find_in(const std::vector<std::string>& paths,
                            const std::vector<MeanInterval>& metrics, std::string_view path) {
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (paths[i] == path) return &metrics[i];
  }
  return nullptr;
}

// mean, min, max and percentiles (p50, p999): statistics of samples, which a count of 0 leaves
// undefined. Other siblings of a count (an amount, say) keep their value.
bool is_sample_statistic(std::string_view key) {
  if (key == "mean" || key == "min" || key == "max") return true;
  return key.size() >= 2 && key[0] == 'p' &&
         key.find_first_not_of("0123456789", 1) == std::string_view::npos;
}

std::string optional_text(const std::optional<double>& v) {
  return v ? internal::number_text(rounded_ms(*v)) : std::string();
}

void append_record(const std::vector<std::string>& fields, std::string& out) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_field(fields[i]);
  }
  out += "\r\n";
}

}  // namespace

const ExperimentPoint* Experiment::base() const {
  return first_point_is_base && !points.empty() ? &points.front() : nullptr;
}

std::optional<double> measured_value(const Json& report_json, std::string_view path) {
  std::optional<double> value = metric_value(report_json, path);
  const std::size_t dot = path.rfind('.');
  if (!value || dot == std::string_view::npos || !is_sample_statistic(path.substr(dot + 1)))
    return value;
  const std::string count_path = std::string(path.substr(0, dot + 1)) + std::string(kCountKey);
  const std::optional<double> count = metric_value(report_json, count_path);
  if (count && *count == 0.0) return std::nullopt;
  return value;
}

double PointAggregate::mean(std::string_view path) const {
  const MeanInterval* m = find(path);
  return m != nullptr ? m->mean : 0.0;
}

const MeanInterval* PointAggregate::find(std::string_view path) const {
  return find_in(metric_paths, metrics, path);
}

const MeanInterval* Differences::find(std::string_view path) const {
  return find_in(metric_paths, metrics, path);
}

PointAggregate aggregate_point(const ExperimentPoint& point) {
  PointAggregate out;
  const std::vector<Json> documents = documents_of(point);
  out.metric_paths = paths_of(documents);
  for (const Report* run : point.runs) {
    for (const LatencyFamily& family : latency_families()) {
      (out.latency.*family.histogram).merge(run->latency.*family.histogram);
    }
    const bool expectations_passed = std::all_of(run->expect.begin(), run->expect.end(),
                                                 [](const Expectation& e) { return e.pass; });
    if (!expectations_passed || run->invariants.violations > 0) ++out.failed_runs;
  }
  for (const std::string& path : out.metric_paths) {
    std::vector<double> values;
    for (const Json& document : documents) {
      if (std::optional<double> v = measured_value(document, path)) values.push_back(*v);
    }
    out.metrics.push_back(mean_interval(values));
  }
  std::int64_t minutes = 0;
  for (const Report* run : point.runs) minutes = std::max(minutes, run->timeseries.minute_count());
  out.pending_payments.assign(static_cast<std::size_t>(minutes), 0.0);
  out.queries_per_minute.assign(static_cast<std::size_t>(minutes), 0.0);
  const double runs = std::max<double>(1.0, static_cast<double>(point.runs.size()));
  std::vector<double> p99_sum_us(static_cast<std::size_t>(minutes), 0.0);
  std::vector<int> p99_runs(static_cast<std::size_t>(minutes), 0);
  for (const Report* run : point.runs) {
    for (std::int64_t m = 0; m < run->timeseries.minute_count(); ++m) {
      const auto i = static_cast<std::size_t>(m);
      out.pending_payments[i] +=
          static_cast<double>(run->timeseries.at(m, kPendingPayments)) / runs;
      out.queries_per_minute[i] += static_cast<double>(run->timeseries.at(m, kQueries)) / runs;
      // 0 = no sample (a report read back without the column reads 0 too).
      if (const std::int64_t p99_us = run->timeseries.at(m, kChargeToPaidP99); p99_us > 0) {
        p99_sum_us[i] += static_cast<double>(p99_us);
        ++p99_runs[i];
      }
    }
  }
  out.charge_to_paid_p99_ms.assign(static_cast<std::size_t>(minutes), std::nullopt);
  for (std::size_t i = 0; i < p99_runs.size(); ++i) {
    if (p99_runs[i] > 0) out.charge_to_paid_p99_ms[i] = p99_sum_us[i] / p99_runs[i] / 1000.0;
  }
  return out;
}

Differences paired_differences(const ExperimentPoint& base, const ExperimentPoint& point) {
  assert(base.runs.size() == point.runs.size());
  return paired_differences(documents_of(base), documents_of(point));
}

Differences paired_differences(const std::vector<Json>& base_documents,
                               const std::vector<Json>& documents, double confidence) {
  Differences out;
  out.metric_paths = paths_of(documents);
  for (const std::string& path : out.metric_paths) {
    std::vector<double> differences;
    for (std::size_t r = 0; r < documents.size() && r < base_documents.size(); ++r) {
      const std::optional<double> b = measured_value(base_documents[r], path);
      const std::optional<double> v = measured_value(documents[r], path);
      if (b && v) differences.push_back(*v - *b);
    }
    out.metrics.push_back(mean_interval(differences, confidence));
  }
  return out;
}

std::vector<const Report*> all_runs(const Experiment& experiment) {
  std::vector<const Report*> runs;
  for (const ExperimentPoint& point : experiment.points)
    runs.insert(runs.end(), point.runs.begin(), point.runs.end());
  return runs;
}

Json summary_json(const Experiment& experiment) {
  Json j;
  j["schema"] = kSummarySchema;
  j["kind"] = experiment.kind;
  j["scenario"] = experiment.scenario;
  j["replications"] = experiment.seeds.size();
  j["seeds"] = experiment.seeds;
  j["set"] = key_values_json(experiment.set);
  auto& axes = j["axes"] = Json::array();
  for (const SweepAxisValues& axis : experiment.axes)
    axes.push_back({{"key", axis.key}, {"values", axis.values}});
  auto& points = j["points"] = Json::array();
  for (const ExperimentPoint& point : experiment.points) {
    const PointAggregate aggregate = aggregate_point(point);
    Json p;
    p["label"] = point.label;
    p["values"] = key_values_json(point.values);
    p["runs"] = point.runs.size();
    p["failed_runs"] = aggregate.failed_runs;
    p["metrics"] = metrics_json(aggregate.metric_paths, aggregate.metrics);
    auto& pooled = p["pooled_latency"];
    for (const LatencyFamily& family : latency_families()) {
      pooled[std::string(metric_key_of(family.path))] =
          latency_json(aggregate.latency.*family.histogram);
    }
    if (const ExperimentPoint* base = experiment.base(); base != nullptr && base != &point) {
      const Differences differences = paired_differences(*base, point);
      p["vs_base"] = metrics_json(differences.metric_paths, differences.metrics);
    }
    points.push_back(std::move(p));
  }
  return j;
}

std::string render_summary_json(const Experiment& experiment) {
  return summary_json(experiment).dump(2) + "\n";
}

std::string render_summary_csv(const Experiment& experiment) {
  std::vector<PointAggregate> aggregates;
  std::vector<std::string> paths;
  for (const ExperimentPoint& point : experiment.points) {
    aggregates.push_back(aggregate_point(point));
    for (const std::string& path : aggregates.back().metric_paths) {
      if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(path);
    }
  }
  std::string out;
  std::vector<std::string> header = {"point"};
  for (const SweepAxisValues& axis : experiment.axes) header.push_back(axis.key);
  header.insert(header.end(), {"runs", "failed_runs"});
  for (const std::string& path : paths) {
    header.insert(header.end(), {path + ".mean", path + ".ci95_low", path + ".ci95_high"});
  }
  append_record(header, out);
  for (std::size_t p = 0; p < experiment.points.size(); ++p) {
    const ExperimentPoint& point = experiment.points[p];
    std::vector<std::string> fields = {point.label};
    for (const SweepAxisValues& axis : experiment.axes) {
      std::string value;
      for (const auto& [key, text] : point.values) {
        if (key == axis.key) value = text;
      }
      fields.push_back(value);
    }
    fields.push_back(std::to_string(point.runs.size()));
    fields.push_back(std::to_string(aggregates[p].failed_runs));
    for (const std::string& path : paths) {
      const auto& names = aggregates[p].metric_paths;
      const auto it = std::find(names.begin(), names.end(), path);
      if (it == names.end()) {
        fields.insert(fields.end(), {"", "", ""});
        continue;
      }
      const MeanInterval& m = aggregates[p].metrics[static_cast<std::size_t>(it - names.begin())];
      fields.insert(fields.end(),
                    {m.n > 0 ? internal::number_text(rounded_ms(m.mean)) : std::string(),
                     optional_text(m.low), optional_text(m.high)});
    }
    append_record(fields, out);
  }
  return out;
}

}  // namespace reports
