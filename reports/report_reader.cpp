#include "reports/report_reader.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

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

LogHistogram histogram_at(const Json& histograms, const char* key) {
  std::string error;
  std::optional<LogHistogram> h =
      LogHistogram::from_json(at(histograms, key, "histograms."), &error);
  if (!h) throw ReadError(std::string("histograms.") + key + ": " + error);
  return std::move(*h);
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
  const Json& sim = at(j, "sim", "");
  r.sim.events = count_at(sim, "events", "sim.");
  r.sim.simulated_us = ms_to_us(number_at(sim, "simulated_ms", "sim."));
  r.sim.wall_ms = number_at(sim, "wall_ms", "sim.");

  const Json& o = at(j, "orders", "");
  r.orders = {count_at(o, "created", "orders."), count_at(o, "charged", "orders."),
              count_at(o, "paid", "orders."),    count_at(o, "abandoned", "orders."),
              count_at(o, "failed", "orders."),  count_at(o, "refunded", "orders."),
              count_at(o, "closed", "orders.")};
  const Json& d = at(j, "dropped", "");
  r.dropped = {count_at(d, "final", "dropped."), count_at(d, "user_visible", "dropped."),
               count_at(d, "callbacks_lost", "dropped.")};
  const Json& h = at(j, "histograms", "");
  r.latency.charge_to_paid_us = histogram_at(h, "charge_to_paid_us");
  r.latency.pay_to_paid_us = histogram_at(h, "pay_to_paid_us");
  r.latency.client_visible_us = histogram_at(h, "client_visible_us");

  const Json& b = at(j, "resolved_by", "");
  const std::string rb = "resolved_by.";
  r.resolved_by = {count_at(b, "callback", rb),      count_at(b, "polling", rb),
                   count_at(b, "delay_message", rb), count_at(b, "order_query", rb),
                   count_at(b, "sync", rb),          count_at(b, "reconciliation", rb),
                   count_at(b, "close", rb)};
  const Json& u = at(j, "duplicates", "");
  const std::string du = "duplicates.";
  r.duplicates = {count_at(u, "charged_orders", du), count_at(u, "refunded", du),
                  count_at(u, "unresolved", du),     count_at(u, "refunds_issued", du),
                  count_at(u, "wrong_refunds", du),  count_at(u, "overcharged_minor", du)};
  const Json& f = at(j, "refunds", "");
  const std::string re = "refunds.";
  r.refunds = {count_at(f, "requested", re),      count_at(f, "duplicate", re),
               count_at(f, "extra_charge", re),   count_at(f, "late_payment", re),
               count_at(f, "closed_payment", re), count_at(f, "gave_up", re)};
  const Json& k = at(j, "reconciliation", "");
  const std::string rc = "reconciliation.";
  r.reconciliation = {count_at(k, "runs", rc), count_at(k, "orders_checked", rc),
                      count_at(k, "payments_found", rc), count_at(k, "notifies_resent", rc),
                      count_at(k, "refunds_requested", rc)};
  const Json& c = at(j, "cost", "");
  const std::string co = "cost.";
  r.cost = {count_at(c, "channel_queries", co), count_at(c, "peak_query_qps", co),
            count_at(c, "db_rows_scanned", co), count_at(c, "mq_messages", co),
            count_at(c, "notify_attempts", co), count_at(c, "dead_letters", co)};

  const Json& inv = at(j, "invariants", "");
  r.invariants.violations = count_at(inv, "violations", "invariants.");
  for (const Json& v : at(inv, "details", "invariants.")) {
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
