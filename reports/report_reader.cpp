#include "reports/report_reader.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>
#include <variant>

#include "reports/metrics.h"

namespace reports {
namespace {

using Json = nlohmann::ordered_json;

// A malformed document; caught once in report_from_json and turned into an error value.
struct ReadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const Json& at(const Json& j, const char* key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) throw ReadError("missing key '" + where + key + "'");
  return j.at(key);
}

std::uint64_t count_at(const Json& j, const char* key, const std::string& where) {
  const Json& v = at(j, key, where);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
    throw ReadError("'" + where + key + "' must be a non-negative integer");
  }
  return v.get<std::uint64_t>();
}

double number_at(const Json& j, const char* key, const std::string& where) {
  const Json& v = at(j, key, where);
  if (!v.is_number()) throw ReadError("'" + where + key + "' must be a number");
  return v.get<double>();
}

std::string string_at(const Json& j, const char* key, const std::string& where) {
  const Json& v = at(j, key, where);
  if (!v.is_string()) throw ReadError("'" + where + key + "' must be a string");
  return v.get<std::string>();
}

std::int64_t ms_to_us(double ms) { return static_cast<std::int64_t>(std::llround(ms * 1000.0)); }

LogHistogram histogram_at(const Json& histograms, std::string_view key) {
  std::string error;
  std::optional<LogHistogram> h =
      LogHistogram::from_json(at(histograms, std::string(key).c_str(), "histograms."), &error);
  if (!h) throw ReadError("histograms." + std::string(key) + ": " + error);
  return std::move(*h);
}

// The inverse of to_json for each kind of scalar (reports/metrics.h, ScalarField).
void read_number(const Json& j, const char* key, const std::string& where, std::uint64_t& count) {
  count = count_at(j, key, where);
}
void read_number(const Json& j, const char* key, const std::string& where, std::int64_t& us) {
  us = ms_to_us(number_at(j, key, where));
}
void read_number(const Json& j, const char* key, const std::string& where, double& ms) {
  ms = number_at(j, key, where);
}

void read_scalar(const Json& j, const ScalarMetric& metric, Report& r) {
  const std::string group(metric_group_of(metric.path));
  const std::string key(metric_key_of(metric.path));
  const Json& values = at(j, group.c_str(), "");
  std::visit(
      [&](const auto& field) { read_number(values, key.c_str(), group + ".", field.ref(r)); },
      metric.field);
}

void read_timeseries(const Json& j, MinuteSeries& out) {
  const Json& columns = at(j, "columns", "timeseries.");
  if (!columns.is_array()) throw ReadError("'timeseries.columns' must be a list");
  out = MinuteSeries(columns.get<std::vector<std::string>>());
  const Json& rows = at(j, "rows", "timeseries.");
  if (!rows.is_array()) throw ReadError("'timeseries.rows' must be a list");
  for (const Json& row : rows) {
    if (!row.is_array() || row.size() != columns.size() + 1) {
      throw ReadError("'timeseries.rows' entry of the wrong length");
    }
    const auto minute = row.at(0).get<std::int64_t>();
    if (minute < 0 || minute >= MinuteSeries::kMaxMinutes)
      throw ReadError("timeseries minute out of range");
    out.extend_to(minute + 1);
    for (std::size_t c = 0; c < columns.size(); ++c)
      out.set(minute, c, row.at(c + 1).get<std::int64_t>());
  }
}

Report read(const Json& j) {
  Report r;
  if (string_at(j, "schema", "") != kReportSchema)
    throw ReadError("'schema' is not " + std::string(kReportSchema));
  r.scenario = string_at(j, "scenario", "");
  r.variant = string_at(j, "variant", "");
  r.seed = count_at(j, "seed", "");
  for (const ScalarMetric& metric : scalar_metrics()) read_scalar(j, metric, r);
  const Json& histograms = at(j, "histograms", "");
  for (const LatencyFamily& family : latency_families()) {
    r.latency.*family.histogram = histogram_at(histograms, family.histogram_key);
  }

  for (const Json& v : at(at(j, "invariants", ""), "details", "invariants.")) {
    r.invariants.details.push_back({count_at(v, "order", "invariants.details."),
                                    string_at(v, "event", "invariants.details."),
                                    ms_to_us(number_at(v, "time_ms", "invariants.details.")),
                                    string_at(v, "message", "invariants.details.")});
  }
  for (const Json& e : at(j, "expect", "")) {
    Expectation x;
    x.metric = string_at(e, "metric", "expect.");
    x.op = string_at(e, "op", "expect.");
    x.threshold = number_at(e, "threshold", "expect.");
    const Json& actual = at(e, "actual", "expect.");
    if (!actual.is_null()) x.actual = actual.get<double>();
    x.pass = at(e, "pass", "expect.").get<bool>();
    if (e.contains("verdict")) {
      ConfidenceVerdict c;
      c.confidence = number_at(e, "confidence", "expect.");
      c.replications = count_at(e, "replications", "expect.");
      c.mean = number_at(e, "mean", "expect.");
      c.low = number_at(e, "ci_low", "expect.");
      c.high = number_at(e, "ci_high", "expect.");
      const std::string verdict = string_at(e, "verdict", "expect.");
      c.verdict = verdict == "pass"   ? ConfidenceVerdict::Verdict::kPass
                  : verdict == "fail" ? ConfidenceVerdict::Verdict::kFail
                                      : ConfidenceVerdict::Verdict::kInconclusive;
      x.over_replications = c;
    }
    r.expect.push_back(std::move(x));
  }
  read_timeseries(at(j, "timeseries", ""), r.timeseries);
  return r;
}

}  // namespace

std::optional<Report> report_from_json(const Json& j, std::string* error) {
  try {
    return read(j);
  } catch (const std::exception& e) {  // ReadError, or nlohmann's type_error on a wrong type
    if (error != nullptr) *error = e.what();
    return std::nullopt;
  }
}

}  // namespace reports
