#include "reports/report.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "reports/internal/number_text.h"
#include "reports/metrics.h"

namespace reports {
namespace {

using Json = nlohmann::ordered_json;

double us_to_ms(std::int64_t us) { return rounded_ms(static_cast<double>(us) / 1000.0); }

// How report.json writes each kind of scalar (reports/metrics.h, ScalarField): counts as
// integers; simulated microseconds and milliseconds as milliseconds rounded to 3 decimals.
Json json_number(std::uint64_t count) { return count; }
Json json_number(std::int64_t us) { return us_to_ms(us); }
Json json_number(double ms) { return rounded_ms(ms); }

// The node at a metric path "group.key", created if it is missing.
Json& node_at(Json& j, std::string_view path) {
  return j[std::string(metric_group_of(path))][std::string(metric_key_of(path))];
}

Json details_json(const std::vector<InvariantViolation>& violations) {
  Json details = Json::array();
  for (const InvariantViolation& v : violations) {
    Json d;
    d["order"] = v.order;
    d["event"] = v.event;
    d["time_ms"] = us_to_ms(v.time_us);
    d["message"] = v.message;
    details.push_back(std::move(d));
  }
  return details;
}

Json expect_json(const std::vector<Expectation>& expectations) {
  Json list = Json::array();
  for (const Expectation& e : expectations) {
    Json j;
    j["metric"] = e.metric;
    j["op"] = e.op;
    j["threshold"] = e.threshold;
    j["actual"] = e.actual ? Json(*e.actual) : Json(nullptr);
    j["pass"] = e.pass;
    if (const std::optional<ConfidenceVerdict>& c = e.over_replications) {
      j["confidence"] = c->confidence;
      j["replications"] = c->replications;
      j["mean"] = c->mean;
      j["ci_low"] = c->low;
      j["ci_high"] = c->high;
      j["verdict"] = to_string(c->verdict);
    }
    list.push_back(std::move(j));
  }
  return list;
}

}  // namespace

std::string_view to_string(ConfidenceVerdict::Verdict verdict) {
  switch (verdict) {
    case ConfidenceVerdict::Verdict::kPass:
      return "pass";
    case ConfidenceVerdict::Verdict::kFail:
      return "fail";
    case ConfidenceVerdict::Verdict::kInconclusive:
      return "inconclusive";
  }
  return "inconclusive";
}

std::string interval_text(const ConfidenceVerdict& c) {
  return fmt::format("mean {:.6g}, {}% interval [{:.6g}, {:.6g}] over {} runs", c.mean,
                     internal::number_text(c.confidence * 100), c.low, c.high, c.replications);
}

std::string condition_text(const Expectation& e) {
  std::string text = e.metric + " " + e.op + " " + internal::number_text(e.threshold);
  if (e.over_replications)
    text += " at " + internal::number_text(e.over_replications->confidence * 100) + "%";
  return text;
}

std::string_view verdict_word(const Expectation& e) {
  if (e.pass) return "PASS";
  if (e.over_replications && e.actual &&
      e.over_replications->verdict == ConfidenceVerdict::Verdict::kInconclusive)
    return "INCONCLUSIVE";
  return "FAIL";
}

double rounded_ms(double ms) { return std::round(ms * 1000.0) / 1000.0; }

nlohmann::ordered_json latency_json(const LogHistogram& histogram_us) {
  const LatencySummary summary = summarize_us_as_ms(histogram_us);
  Json j;
  for (const LatencyStatistic& statistic : latency_statistics()) {
    std::visit([&](auto member) { j[std::string(statistic.key)] = json_number(summary.*member); },
               statistic.value);
  }
  return j;
}

std::vector<std::string> default_timeseries_columns() {
  return {"pending_payments", "queries", "orders_paid", "charge_to_paid_p99_us"};
}

void Invariants::record(InvariantViolation violation) {
  ++violations;
  if (details.size() < kMaxInvariantDetails) details.push_back(std::move(violation));
}

Json to_json(const Report& report, bool include_histograms) {
  Json j;
  j["schema"] = kReportSchema;
  j["scenario"] = report.scenario;
  j["variant"] = report.variant;
  j["seed"] = report.seed;

  // The metric groups, each metric in table order: ordered_json keeps insertion order.
  for (const MetricGroup& group : metric_groups()) j[std::string(group.key)] = Json::object();
  for (const ScalarMetric& metric : scalar_metrics()) {
    Json& value = node_at(j, metric.path);
    std::visit([&](const auto& field) { value = json_number(field.get(report)); }, metric.field);
  }
  for (const LatencyFamily& family : latency_families()) {
    node_at(j, family.path) = latency_json(report.latency.*family.histogram);
  }
  j["invariants"]["details"] = details_json(report.invariants.details);
  j["expect"] = expect_json(report.expect);
  j["timeseries"] = report.timeseries.to_json();

  if (include_histograms) {
    Json& histograms = j["histograms"];
    for (const LatencyFamily& family : latency_families()) {
      histograms[std::string(family.histogram_key)] = (report.latency.*family.histogram).to_json();
    }
  }
  return j;
}

}  // namespace reports
