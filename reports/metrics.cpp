// The metric tables of reports/metrics.h. One line per metric (wrapped when long): its path,
// unit, which way is better, where it lives in Report, and its one-line doc (the schema's
// description).
#include "reports/metrics.h"

#include <algorithm>
#include <type_traits>
#include <utility>

namespace reports {
namespace {

constexpr Unit kCount = Unit::kCount;
constexpr Unit kMs = Unit::kMilliseconds;
constexpr Better kNone = Better::kNone;
constexpr Better kLower = Better::kLower;
constexpr Better kHigher = Better::kHigher;

// report.*kGroup.*kMember, the field of a group of Report, as a ReportField.
template <auto kGroup, auto kMember>
struct Member {
  using Type = std::remove_cvref_t<decltype(std::declval<const Report&>().*kGroup.*kMember)>;
  static const Type& get(const Report& r) { return r.*kGroup.*kMember; }
  static Type& ref(Report& r) { return r.*kGroup.*kMember; }
};
template <auto kGroup, auto kMember>
constexpr ReportField<typename Member<kGroup, kMember>::Type> at = {&Member<kGroup, kMember>::get,
                                                                    &Member<kGroup, kMember>::ref};

constexpr MetricGroup kMetricGroups[] = {
    {"sim", "the run itself"},
    {"orders", "order counts"},
    {"dropped", "dropped orders (掉单)"},
    {"latency", "latencies, ms of simulated time"},
    {"resolved_by", "how each PAID order learned of its payment"},
    {"duplicates", "duplicate payments (重复支付)"},
    {"refunds", "refunds the system asked channels for, by reason"},
    {"reconciliation", "what reconciliation (对账) runs did"},
    {"cost", "cost of the design"},
    {"security", "attacks on the callback endpoint (live mode)"},
    {"invariants", "invariant breaches (bugs, never outcomes)"},
};

using R = Report;

constexpr ScalarMetric kScalarMetrics[] = {
    {"sim.events", kCount, kNone, at<&R::sim, &SimStats::events>, "events the kernel executed"},
    {"sim.simulated_ms", kMs, kNone, at<&R::sim, &SimStats::simulated_us>,
     "simulated time at the end, ms"},
    {"sim.wall_ms", kMs, kNone, at<&R::sim, &SimStats::wall_ms>,
     "wall-clock time of the run, ms; the one non-deterministic number"},

    {"orders.created", kCount, kNone, at<&R::orders, &OrderCounts::created>, "orders created"},
    {"orders.charged", kCount, kNone, at<&R::orders, &OrderCounts::charged>,
     "orders with at least one charge"},
    {"orders.paid", kCount, kHigher, at<&R::orders, &OrderCounts::paid>,
     "orders that reached PAID"},
    {"orders.abandoned", kCount, kNone, at<&R::orders, &OrderCounts::abandoned>,
     "not PAID, never charged, the user never confirmed a payment"},
    {"orders.failed", kCount, kLower, at<&R::orders, &OrderCounts::failed>,
     "not PAID, never charged, although the user confirmed a payment"},
    {"orders.refunded", kCount, kNone, at<&R::orders, &OrderCounts::refunded>,
     "not PAID, charged, every charge refunded"},
    {"orders.closed", kCount, kNone, at<&R::orders, &OrderCounts::closed>,
     "orders that ended CLOSED"},
    {"orders.pay_refused", kCount, kLower, at<&R::orders, &OrderCounts::pay_refused>,
     "of orders.failed, the wallet refused the payment: the trade had expired or been closed"},

    {"dropped.final", kCount, kLower, at<&R::dropped, &DropCounts::final>,
     "money taken but not PAID at the end"},
    {"dropped.final_external", kCount, kLower, at<&R::dropped, &DropCounts::final_external>,
     "of dropped.final, the payment service never learned of the charge (外部掉单)"},
    {"dropped.final_internal", kCount, kLower, at<&R::dropped, &DropCounts::final_internal>,
     "of dropped.final, the payment service knew of the charge, the order did not (内部掉单)"},
    {"dropped.user_visible", kCount, kLower, at<&R::dropped, &DropCounts::user_visible>,
     "client showed unpaid although charged"},
    {"dropped.user_visible_external", kCount, kLower,
     at<&R::dropped, &DropCounts::user_visible_external>,
     "of dropped.user_visible, the payment service had not yet learned of the charge"},
    {"dropped.user_visible_internal", kCount, kLower,
     at<&R::dropped, &DropCounts::user_visible_internal>,
     "of dropped.user_visible, the payment service knew of the charge, the app did not"},
    {"dropped.callbacks_lost", kCount, kLower, at<&R::dropped, &DropCounts::callbacks_lost>,
     "callbacks sent that never arrived"},

    {"resolved_by.callback", kCount, kNone, at<&R::resolved_by, &ResolvedBy::callback>,
     "PAID orders that learned of their payment by the channel's callback"},
    {"resolved_by.polling", kCount, kNone, at<&R::resolved_by, &ResolvedBy::polling>,
     "PAID orders that learned of their payment by a scheduled polling query"},
    {"resolved_by.delay_message", kCount, kNone, at<&R::resolved_by, &ResolvedBy::delay_message>,
     "PAID orders that learned of their payment by a delay-message re-query"},
    {"resolved_by.order_query", kCount, kNone, at<&R::resolved_by, &ResolvedBy::order_query>,
     "PAID orders that learned of their payment by the order service asking"},
    {"resolved_by.sync", kCount, kNone, at<&R::resolved_by, &ResolvedBy::sync>,
     "PAID orders that learned of their payment by a sync channel's answer"},
    {"resolved_by.reconciliation", kCount, kNone, at<&R::resolved_by, &ResolvedBy::reconciliation>,
     "PAID orders that learned of their payment by a reconciliation run"},
    {"resolved_by.close", kCount, kNone, at<&R::resolved_by, &ResolvedBy::close>,
     "PAID orders that learned of their payment by an expiry close finding it paid"},

    {"duplicates.charged_orders", kCount, kLower,
     at<&R::duplicates, &DuplicateCounts::charged_orders>, "orders charged more than once"},
    {"duplicates.refunded", kCount, kHigher, at<&R::duplicates, &DuplicateCounts::refunded>,
     "of those, all extra charges refunded"},
    {"duplicates.unresolved", kCount, kLower, at<&R::duplicates, &DuplicateCounts::unresolved>,
     "orders still holding more than one un-refunded charge"},
    {"duplicates.refunds_issued", kCount, kNone,
     at<&R::duplicates, &DuplicateCounts::refunds_issued>,
     "refunds of duplicate or extra charges the system asked for"},
    {"duplicates.wrong_refunds", kCount, kLower,
     at<&R::duplicates, &DuplicateCounts::wrong_refunds>,
     "refunds that left a PAID order charged zero times"},
    {"duplicates.overcharged_minor", Unit::kMinorUnits, kLower,
     at<&R::duplicates, &DuplicateCounts::overcharged_minor>,
     "money held in un-refunded extra charges, minor units"},
    {"duplicates.purchases", kCount, kLower, at<&R::duplicates, &DuplicateCounts::purchases>,
     "purchases with two or more orders holding the user's money"},

    {"refunds.requested", kCount, kNone, at<&R::refunds, &RefundCounts::requested>,
     "every refund asked for (the reasons below sum to it)"},
    {"refunds.duplicate", kCount, kNone, at<&R::refunds, &RefundCounts::duplicate>,
     "a second success on an order already paid"},
    {"refunds.extra_charge", kCount, kNone, at<&R::refunds, &RefundCounts::extra_charge>,
     "a channel double charge"},
    {"refunds.late_payment", kCount, kNone, at<&R::refunds, &RefundCounts::late_payment>,
     "paid after the order's deadline, refused by the order"},
    {"refunds.closed_payment", kCount, kNone, at<&R::refunds, &RefundCounts::closed_payment>,
     "charged although the records had closed or failed the payment"},
    {"refunds.repeat_purchase", kCount, kNone, at<&R::refunds, &RefundCounts::repeat_purchase>,
     "another order of the same purchase was already paid (a re-order)"},
    {"refunds.gave_up", kCount, kLower, at<&R::refunds, &RefundCounts::gave_up>,
     "abandoned after the last retry failed"},

    {"reconciliation.runs", kCount, kNone, at<&R::reconciliation, &ReconciliationCounts::runs>,
     "statement runs"},
    {"reconciliation.orders_checked", kCount, kNone,
     at<&R::reconciliation, &ReconciliationCounts::orders_checked>,
     "orders compared with the statement, summed over runs"},
    {"reconciliation.payments_found", kCount, kNone,
     at<&R::reconciliation, &ReconciliationCounts::payments_found>,
     "charges the records had not seen succeed, marked SUCCESS"},
    {"reconciliation.notifies_resent", kCount, kNone,
     at<&R::reconciliation, &ReconciliationCounts::notifies_resent>,
     "successes the order never heard of, notified again"},
    {"reconciliation.refunds_requested", kCount, kNone,
     at<&R::reconciliation, &ReconciliationCounts::refunds_requested>,
     "extra charges, extra successes and charges on closed payments sent back"},

    {"cost.channel_queries", kCount, kLower, at<&R::cost, &CostCounts::channel_queries>,
     "active queries sent to channels"},
    {"cost.peak_query_qps", Unit::kQueriesPerSecond, kLower,
     at<&R::cost, &CostCounts::peak_query_qps>, "most queries in one simulated second"},
    {"cost.db_rows_scanned", Unit::kRows, kLower, at<&R::cost, &CostCounts::db_rows_scanned>,
     "rows read by scheduled scans"},
    {"cost.mq_messages", kCount, kLower, at<&R::cost, &CostCounts::mq_messages>,
     "messages published, redeliveries included"},
    {"cost.notify_attempts", kCount, kLower, at<&R::cost, &CostCounts::notify_attempts>,
     "payment->order notify calls, retries included"},
    {"cost.dead_letters", kCount, kLower, at<&R::cost, &CostCounts::dead_letters>,
     "messages given up after their last retry"},
    {"cost.late_acks", kCount, kLower, at<&R::cost, &CostCounts::late_acks>,
     "callback acknowledgements after the channel's deadline, each attempt sent again"},

    {"security.attacks_sent", kCount, kNone, at<&R::security, &SecurityCounts::attacks_sent>,
     "forged, replayed, tampered and unknown-trade callbacks sent beside genuine ones"},
    {"security.attacks_accepted", kCount, kLower,
     at<&R::security, &SecurityCounts::attacks_accepted>,
     "of those, answered as an acknowledgement by the service"},
    {"security.forged_signature_accepted", kCount, kLower,
     at<&R::security, &SecurityCounts::forged_signature_accepted>,
     "signed under another key, acknowledged"},
    {"security.replay_old_accepted", kCount, kLower,
     at<&R::security, &SecurityCounts::replay_old_accepted>,
     "a genuine callback signed outside the tolerance, acknowledged"},
    {"security.tampered_amount_accepted", kCount, kLower,
     at<&R::security, &SecurityCounts::tampered_amount_accepted>,
     "the amount changed and re-signed under a wrong key, acknowledged"},
    {"security.unknown_trade_accepted", kCount, kLower,
     at<&R::security, &SecurityCounts::unknown_trade_accepted>,
     "a validly signed callback for a trade that does not exist, acknowledged"},

    {"invariants.violations", kCount, kLower, at<&R::invariants, &Invariants::violations>,
     "every breach, counted"},
};

constexpr LatencyFamily kLatencyFamilies[] = {
    {"latency.charge_to_paid_ms", "charge_to_paid_us", &Latencies::charge_to_paid_us,
     "first charge to order PAID, for every charged order that became PAID (the consistency "
     "latency)"},
    {"latency.pay_to_paid_ms", "pay_to_paid_us", &Latencies::pay_to_paid_us,
     "the user's first pay click to order PAID"},
    {"latency.client_visible_ms", "client_visible_us", &Latencies::client_visible_us,
     "the user back in the app to the client showing PAID"},
};

constexpr LatencyStatistic kLatencyStatistics[] = {
    {"count", kCount, kNone, &LatencySummary::count, "durations recorded"},
    {"mean", kMs, kLower, &LatencySummary::mean_ms, "exact mean, ms"},
    {"p50", kMs, kLower, &LatencySummary::p50_ms, "50th percentile, ms (within 1%)"},
    {"p90", kMs, kLower, &LatencySummary::p90_ms, "90th percentile, ms (within 1%)"},
    {"p99", kMs, kLower, &LatencySummary::p99_ms, "99th percentile, ms (within 1%)"},
    {"p999", kMs, kLower, &LatencySummary::p999_ms, "99.9th percentile, ms (within 1%)"},
    {"max", kMs, kLower, &LatencySummary::max_ms, "exact maximum, ms"},
};

std::vector<MetricDefinition> flatten() {
  std::vector<MetricDefinition> out;
  for (const MetricGroup& group : kMetricGroups) {
    for (const ScalarMetric& m : kScalarMetrics) {
      if (metric_group_of(m.path) == group.key) {
        out.push_back({std::string(m.path), m.unit, m.better, m.doc});
      }
    }
    for (const LatencyFamily& family : kLatencyFamilies) {
      if (metric_group_of(family.path) != group.key) continue;
      for (const LatencyStatistic& s : kLatencyStatistics) {
        out.push_back(
            {std::string(family.path) + "." + std::string(s.key), s.unit, s.better, s.doc});
      }
    }
  }
  return out;
}

}  // namespace

std::string_view unit_name(Unit unit) {
  switch (unit) {
    case Unit::kCount:
      return "count";
    case Unit::kRows:
      return "rows";
    case Unit::kQueriesPerSecond:
      return "queries/s";
    case Unit::kMinorUnits:
      return "minor units";
    case Unit::kMilliseconds:
      return "ms";
  }
  return "";
}

std::span<const MetricGroup> metric_groups() { return kMetricGroups; }
std::span<const ScalarMetric> scalar_metrics() { return kScalarMetrics; }
std::span<const LatencyFamily> latency_families() { return kLatencyFamilies; }
std::span<const LatencyStatistic> latency_statistics() { return kLatencyStatistics; }

std::string_view metric_group_of(std::string_view path) { return path.substr(0, path.find('.')); }

std::string_view metric_key_of(std::string_view path) {
  const std::size_t dot = path.find('.');
  return dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
}

const std::vector<MetricDefinition>& metric_definitions() {
  static const std::vector<MetricDefinition> definitions = flatten();
  return definitions;
}

const MetricDefinition* find_metric(std::string_view path) {
  const std::vector<MetricDefinition>& all = metric_definitions();
  const auto it = std::find_if(all.begin(), all.end(),
                               [&](const MetricDefinition& m) { return m.path == path; });
  return it == all.end() ? nullptr : &*it;
}

}  // namespace reports
