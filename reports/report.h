// Report: the data of one run, as SPEC section 6 lays out report.json, with every metric of SPEC
// section 3 as a plain field. The model and harness fill it; the writers (json, table, csv, junit)
// render it. Nothing here knows about payments beyond the metric names.
//
// The structs mirror the JSON groups one to one and in the same order. To add a metric: add the
// field to its group here and one line to the metric table, reports/metrics.cpp (its path, unit,
// direction and doc; reports/metrics.h says what else follows from it), and its row to
// docs/report-format.md. to_json, the reader, the schema, metric_paths and every writer pick it
// up from the table.
//
// Units: counters are exact integers. Latencies are recorded as microseconds of simulated time
// (the fields end in _us) and written as milliseconds rounded to 3 decimals (keys end in _ms).
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reports/histogram.h"
#include "reports/timeseries.h"

namespace reports {

inline constexpr std::string_view kReportSchema = "paysim.report/1";
// invariants.details keeps the first violations only: the first one is the one to debug.
inline constexpr std::size_t kMaxInvariantDetails = 20;

// The timeseries columns of SPEC section 6, in order, and their indices for MinuteSeries calls.
enum TimeseriesColumn : std::size_t {
  kPendingPayments = 0,  // gauge: unresolved payments (set_max per minute)
  kQueries = 1,          // counter: active channel queries sent in the minute
  kOrdersPaid = 2,       // counter: orders that became PAID in the minute
  // p99 of latency.charge_to_paid over the orders that became PAID in the minute, microseconds
  // (reports/minute_quantile.h); 0 = no sample.
  kChargeToPaidP99 = 3,
};
std::vector<std::string> default_timeseries_columns();

struct SimStats {
  std::uint64_t events = 0;       // events the kernel executed
  std::int64_t simulated_us = 0;  // simulated time at the end of the run (written as ms)
  double wall_ms = 0.0;           // wall-clock time of the run; the one non-deterministic number
};

struct OrderCounts {
  std::uint64_t created = 0;
  std::uint64_t charged = 0;  // orders with at least one charge
  std::uint64_t paid = 0;
  // The outcome classes: every order ends in exactly one of paid, abandoned, failed, refunded
  // and dropped (DropCounts::final), so they sum to `created` (docs/report-format.md).
  std::uint64_t abandoned = 0;  // not PAID, never charged, the user never confirmed a payment
  std::uint64_t failed = 0;     // not PAID, never charged, although the user confirmed one
  std::uint64_t refunded = 0;   // not PAID, charged, and every charge refunded
  std::uint64_t closed = 0;     // ended CLOSED (timeout); cuts across the classes
  // Of `failed`: the wallet refused the user's payment because the trade had expired at the
  // channel (trade_expiry; WeChat Pay's quick-pay revoke) or been closed: sales lost to a clock.
  std::uint64_t pay_refused = 0;
};

// Drops (掉单), and each split by cause (外部/内部掉单): external when the payment service had not
// learned of the charge (the channel's callback lost or late, nothing re-queried it in time),
// internal when it had (the order was not told, or the client did not see it). The two parts
// of each sum to its total (an invariant of every run).
struct DropCounts {
  std::uint64_t final = 0;  // money taken (charges - refunds > 0) but not PAID at the end
  std::uint64_t final_external = 0;
  std::uint64_t final_internal = 0;
  std::uint64_t user_visible = 0;  // client showed "unpaid" although the user was charged
  std::uint64_t user_visible_external = 0;
  std::uint64_t user_visible_internal = 0;
  std::uint64_t callbacks_lost = 0;  // callbacks the channel sent that never arrived
};

struct Latencies {
  LogHistogram charge_to_paid_us;  // first charge -> order PAID, for charged orders that got PAID
  LogHistogram pay_to_paid_us;     // first pay click -> order PAID
  LogHistogram client_visible_us;  // user back in the app -> client shows PAID
};

struct ResolvedBy {  // how each PAID order learned of its payment
  std::uint64_t callback = 0;
  std::uint64_t polling = 0;
  std::uint64_t delay_message = 0;
  std::uint64_t order_query = 0;
  std::uint64_t sync = 0;
  std::uint64_t reconciliation = 0;  // first put right by a reconciliation run
  std::uint64_t close = 0;  // the channel refused a cancel/close because the payment succeeded
};

struct DuplicateCounts {
  std::uint64_t charged_orders = 0;  // orders charged more than once
  std::uint64_t refunded = 0;        // of those, all extra charges refunded by the end
  std::uint64_t unresolved = 0;      // orders still holding > 1 un-refunded charge at the end
  std::uint64_t refunds_issued = 0;  // refunds of duplicate or extra charges the system asked for
  std::uint64_t wrong_refunds = 0;   // refunds that left a PAID order charged zero times
  std::uint64_t overcharged_minor = 0;  // money held in un-refunded extra charges, minor units
  std::uint64_t purchases = 0;  // purchases with two or more orders holding the user's money
};

// Every refund the system asked a channel for, by reason (the reasons sum to `requested`).
struct RefundCounts {
  std::uint64_t requested = 0;
  std::uint64_t duplicate = 0;        // a second success on an order already paid
  std::uint64_t extra_charge = 0;     // a channel double charge
  std::uint64_t late_payment = 0;     // paid after the order's deadline, refused by the order
  std::uint64_t closed_payment = 0;   // charged although the records had closed or failed it
  std::uint64_t repeat_purchase = 0;  // another order of the same purchase was already paid
  std::uint64_t gave_up = 0;          // abandoned after the last retry failed
};

// What reconciliation (对账) runs did.
struct ReconciliationCounts {
  std::uint64_t runs = 0;
  std::uint64_t orders_checked = 0;   // summed over runs
  std::uint64_t payments_found = 0;   // charges the records had not seen succeed, marked SUCCESS
  std::uint64_t notifies_resent = 0;  // successes the order never heard of, notified again
  std::uint64_t refunds_requested =
      0;  // extra charges, extra successes, charges on closed payments
};

struct CostCounts {
  std::uint64_t channel_queries = 0;  // active queries sent to channels
  std::uint64_t peak_query_qps = 0;   // most queries in any one simulated second
  std::uint64_t db_rows_scanned = 0;  // rows read by scheduled scans
  std::uint64_t mq_messages = 0;      // messages published, redeliveries included
  std::uint64_t notify_attempts = 0;  // payment -> order notify calls, retries included
  std::uint64_t dead_letters = 0;     // messages given up on after their last retry
  std::uint64_t late_acks = 0;        // callback acknowledgements after the channel's deadline
};

// Attacks on the service's callback endpoint (`paysim live --attacks`): what the channels sent
// beside genuine callbacks and what the service acknowledged. All 0 in a simulation.
struct SecurityCounts {
  std::uint64_t attacks_sent = 0;               // forged, replayed, tampered, unknown trade
  std::uint64_t attacks_accepted = 0;           // of those, answered as an acknowledgement
  std::uint64_t forged_signature_accepted = 0;  // a signature under another key
  std::uint64_t replay_old_accepted = 0;        // a genuine callback signed outside the tolerance
  std::uint64_t tampered_amount_accepted = 0;   // the amount changed, re-signed under a wrong key
  std::uint64_t unknown_trade_accepted = 0;     // a validly signed callback for no such trade
};

struct InvariantViolation {
  std::uint64_t order = 0;   // the order whose state broke the invariant
  std::string event;         // the event that broke it, e.g. "refund_settled"
  std::int64_t time_us = 0;  // simulated time of that event (written as time_ms)
  std::string message;       // which invariant, in words, with the numbers involved
};

struct Invariants {
  std::uint64_t violations = 0;             // every breach, counted
  std::vector<InvariantViolation> details;  // the first kMaxInvariantDetails of them

  // Counts a breach and keeps its details while fewer than kMaxInvariantDetails are kept.
  void record(InvariantViolation violation);
};

// One line of the scenario's expect block, evaluated against the report's JSON.
// An expectation asked "with confidence" (`"< 60000 at 95%"`), judged over the scenario's
// replications: the interval of the metric's mean must lie on the passing side of the threshold.
struct ConfidenceVerdict {
  enum class Verdict : std::uint8_t { kPass, kFail, kInconclusive };
  double confidence = 0.95;
  std::size_t replications = 0;  // runs whose metric was measured
  double mean = 0.0;
  double low = 0.0;  // the two-sided `confidence` interval of the mean (Student's t)
  double high = 0.0;
  Verdict verdict = Verdict::kInconclusive;
};
std::string_view to_string(ConfidenceVerdict::Verdict verdict);
// "mean 12.5, 95% interval [10.1, 14.9] over 10 runs": what every output says of a verdict.
std::string interval_text(const ConfidenceVerdict& c);

struct Expectation {
  std::string metric;  // dotted metric path, e.g. "latency.charge_to_paid_ms.p99"
  std::string op;      // "<", "<=", "==", "!=", ">=" or ">"
  double threshold = 0.0;
  std::optional<double> actual;  // nullopt when the metric does not exist (written as null)
  bool pass = false;
  // With confidence: `actual` is this run's value, `pass` the verdict over the replications.
  std::optional<ConfidenceVerdict> over_replications = std::nullopt;
};
// "latency.charge_to_paid_ms.p99 < 60000", with " at 95%" for a confidence.
std::string condition_text(const Expectation& e);
// PASS, FAIL or INCONCLUSIVE (a confidence interval across the threshold).
std::string_view verdict_word(const Expectation& e);

struct Report {
  std::string scenario;
  std::string variant;
  std::uint64_t seed = 0;
  SimStats sim;
  OrderCounts orders;
  DropCounts dropped;
  Latencies latency;
  ResolvedBy resolved_by;
  DuplicateCounts duplicates;
  RefundCounts refunds;
  ReconciliationCounts reconciliation;
  CostCounts cost;
  SecurityCounts security;
  Invariants invariants;
  std::vector<Expectation> expect;
  MinuteSeries timeseries{default_timeseries_columns()};
};

// Milliseconds rounded to 3 decimals (whole microseconds), so the text of a report is stable.
double rounded_ms(double ms);
// A latency histogram of microseconds as report.json writes it: the latency statistics of
// reports/metrics.h ({count, mean, p50, p90, p99, p999, max}), in milliseconds rounded by
// rounded_ms.
nlohmann::ordered_json latency_json(const LogHistogram& histogram_us);

// report.json as an ordered JSON object, keys in SPEC section 6 order: schema, scenario, variant,
// seed, the metric groups of reports/metrics.h (sim, orders, dropped, latency, resolved_by,
// duplicates, refunds, reconciliation, cost, invariants, each with its metrics in table order),
// expect, timeseries. Counts are integers; milliseconds are doubles rounded to 3 decimals, so
// equal reports dump to identical bytes. include_histograms appends "histograms" with each
// latency family's LogHistogram::to_json buckets ({charge_to_paid_us, pay_to_paid_us,
// client_visible_us}), for sweep shards.
nlohmann::ordered_json to_json(const Report& report, bool include_histograms = false);

// The number at a dotted path of a report's JSON, e.g. "dropped.final" or
// "latency.charge_to_paid_ms.p99"; nullopt when the path does not exist or is not a number.
std::optional<double> metric_value(const nlohmann::ordered_json& report_json,
                                   std::string_view path);

// Every metric path of a report's JSON, in document order: the numeric leaves of its object
// groups (sim, orders, dropped, latency, ..., invariants.violations). Lists, the top-level
// scalars (seed) and the raw "histograms" are not metrics.
std::vector<std::string> metric_paths(const nlohmann::ordered_json& report_json);

}  // namespace reports
