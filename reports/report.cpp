#include "reports/report.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace reports {
namespace {

using Json = nlohmann::ordered_json;

// Milliseconds rounded to 3 decimals (whole microseconds), so the text of a report is stable.
double rounded_ms(double ms) { return std::round(ms * 1000.0) / 1000.0; }
double us_to_ms(std::int64_t us) { return rounded_ms(static_cast<double>(us) / 1000.0); }

Json latency_json(const LogHistogram& histogram_us) {
  const LatencySummary s = summarize_us_as_ms(histogram_us);
  Json j;
  j["count"] = s.count;
  j["mean"] = rounded_ms(s.mean_ms);
  j["p50"] = rounded_ms(s.p50_ms);
  j["p90"] = rounded_ms(s.p90_ms);
  j["p99"] = rounded_ms(s.p99_ms);
  j["p999"] = rounded_ms(s.p999_ms);
  j["max"] = rounded_ms(s.max_ms);
  return j;
}

Json invariants_json(const Invariants& invariants) {
  Json j;
  j["violations"] = invariants.violations;
  auto& details = j["details"] = Json::array();
  for (const InvariantViolation& v : invariants.details) {
    Json d;
    d["order"] = v.order;
    d["event"] = v.event;
    d["time_ms"] = us_to_ms(v.time_us);
    d["message"] = v.message;
    details.push_back(std::move(d));
  }
  return j;
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
    list.push_back(std::move(j));
  }
  return list;
}

}  // namespace

std::vector<std::string> default_timeseries_columns() {
  return {"pending_payments", "queries", "orders_paid"};
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

  auto& sim = j["sim"];
  sim["events"] = report.sim.events;
  sim["simulated_ms"] = us_to_ms(report.sim.simulated_us);
  sim["wall_ms"] = rounded_ms(report.sim.wall_ms);

  const OrderCounts& o = report.orders;
  j["orders"] = {{"created", o.created},     {"charged", o.charged}, {"paid", o.paid},
                 {"abandoned", o.abandoned}, {"failed", o.failed},   {"closed", o.closed}};

  const DropCounts& d = report.dropped;
  j["dropped"] = {
      {"final", d.final}, {"user_visible", d.user_visible}, {"callbacks_lost", d.callbacks_lost}};

  auto& latency = j["latency"];
  latency["charge_to_paid_ms"] = latency_json(report.latency.charge_to_paid_us);
  latency["pay_to_paid_ms"] = latency_json(report.latency.pay_to_paid_us);
  latency["client_visible_ms"] = latency_json(report.latency.client_visible_us);

  const ResolvedBy& r = report.resolved_by;
  j["resolved_by"] = {
      {"callback", r.callback},       {"polling", r.polling}, {"delay_message", r.delay_message},
      {"order_query", r.order_query}, {"sync", r.sync},       {"reconciliation", r.reconciliation}};

  const DuplicateCounts& u = report.duplicates;
  j["duplicates"] = {
      {"charged_orders", u.charged_orders}, {"refunded", u.refunded},
      {"unresolved", u.unresolved},         {"refunds_issued", u.refunds_issued},
      {"wrong_refunds", u.wrong_refunds},   {"overcharged_minor", u.overcharged_minor}};

  const CostCounts& c = report.cost;
  j["cost"] = {{"channel_queries", c.channel_queries}, {"peak_query_qps", c.peak_query_qps},
               {"db_rows_scanned", c.db_rows_scanned}, {"mq_messages", c.mq_messages},
               {"notify_attempts", c.notify_attempts}, {"dead_letters", c.dead_letters}};

  j["invariants"] = invariants_json(report.invariants);
  j["expect"] = expect_json(report.expect);
  j["timeseries"] = report.timeseries.to_json();

  if (include_histograms) {
    auto& histograms = j["histograms"];
    histograms["charge_to_paid_us"] = report.latency.charge_to_paid_us.to_json();
    histograms["pay_to_paid_us"] = report.latency.pay_to_paid_us.to_json();
    histograms["client_visible_us"] = report.latency.client_visible_us.to_json();
  }
  return j;
}

}  // namespace reports
