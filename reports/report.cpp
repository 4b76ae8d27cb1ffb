#include "reports/report.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace reports {
namespace {

using Json = nlohmann::ordered_json;

double us_to_ms(std::int64_t us) { return rounded_ms(static_cast<double>(us) / 1000.0); }

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

double rounded_ms(double ms) { return std::round(ms * 1000.0) / 1000.0; }

nlohmann::ordered_json latency_json(const LogHistogram& histogram_us) {
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

  // One line per metric, in SPEC order: ordered_json keeps insertion order.
  auto& orders = j["orders"];
  orders["created"] = report.orders.created;
  orders["charged"] = report.orders.charged;
  orders["paid"] = report.orders.paid;
  orders["abandoned"] = report.orders.abandoned;
  orders["failed"] = report.orders.failed;
  orders["refunded"] = report.orders.refunded;
  orders["closed"] = report.orders.closed;

  auto& dropped = j["dropped"];
  dropped["final"] = report.dropped.final;
  dropped["user_visible"] = report.dropped.user_visible;
  dropped["callbacks_lost"] = report.dropped.callbacks_lost;

  auto& latency = j["latency"];
  latency["charge_to_paid_ms"] = latency_json(report.latency.charge_to_paid_us);
  latency["pay_to_paid_ms"] = latency_json(report.latency.pay_to_paid_us);
  latency["client_visible_ms"] = latency_json(report.latency.client_visible_us);

  auto& resolved_by = j["resolved_by"];
  resolved_by["callback"] = report.resolved_by.callback;
  resolved_by["polling"] = report.resolved_by.polling;
  resolved_by["delay_message"] = report.resolved_by.delay_message;
  resolved_by["order_query"] = report.resolved_by.order_query;
  resolved_by["sync"] = report.resolved_by.sync;
  resolved_by["reconciliation"] = report.resolved_by.reconciliation;
  resolved_by["close"] = report.resolved_by.close;

  auto& duplicates = j["duplicates"];
  duplicates["charged_orders"] = report.duplicates.charged_orders;
  duplicates["refunded"] = report.duplicates.refunded;
  duplicates["unresolved"] = report.duplicates.unresolved;
  duplicates["refunds_issued"] = report.duplicates.refunds_issued;
  duplicates["wrong_refunds"] = report.duplicates.wrong_refunds;
  duplicates["overcharged_minor"] = report.duplicates.overcharged_minor;

  auto& refunds = j["refunds"];
  refunds["requested"] = report.refunds.requested;
  refunds["duplicate"] = report.refunds.duplicate;
  refunds["extra_charge"] = report.refunds.extra_charge;
  refunds["late_payment"] = report.refunds.late_payment;
  refunds["closed_payment"] = report.refunds.closed_payment;
  refunds["gave_up"] = report.refunds.gave_up;

  auto& reconciliation = j["reconciliation"];
  reconciliation["runs"] = report.reconciliation.runs;
  reconciliation["orders_checked"] = report.reconciliation.orders_checked;
  reconciliation["payments_found"] = report.reconciliation.payments_found;
  reconciliation["notifies_resent"] = report.reconciliation.notifies_resent;
  reconciliation["refunds_requested"] = report.reconciliation.refunds_requested;

  auto& cost = j["cost"];
  cost["channel_queries"] = report.cost.channel_queries;
  cost["peak_query_qps"] = report.cost.peak_query_qps;
  cost["db_rows_scanned"] = report.cost.db_rows_scanned;
  cost["mq_messages"] = report.cost.mq_messages;
  cost["notify_attempts"] = report.cost.notify_attempts;
  cost["dead_letters"] = report.cost.dead_letters;

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
