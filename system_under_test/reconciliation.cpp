#include "system_under_test/reconciliation.h"

#include <algorithm>
#include <string>
#include <vector>

#include "system_under_test/payment_service.h"

namespace sut {

namespace {
constexpr std::string_view kComponent = "reconciliation";
}  // namespace

Reconciliation::Reconciliation(sim::Runtime& runtime, const ReconciliationConfig& config,
                               PaymentDb& db, const OrderService& orders,
                               channels::StatementSource& statements, sim::Activity& activity,
                               SystemObserver& observer, sim::Tracer* tracer)
    : runtime_(runtime),
      config_(config),
      db_(db),
      orders_(orders),
      statements_(statements),
      activity_(activity),
      observer_(observer),
      tracer_(tracer) {}

void Reconciliation::start() {
  if (!config_.enabled) return;
  runtime_.schedule_after(config_.every, [this] { run_statement(); });
}

std::vector<ReconciliationFix> Reconciliation::fixes_for(OrderId order) const {
  return reconciliation_fixes(
      db_, order, orders_.state(order), statements_.statement(order),
      [this](PaymentId payment) { return payments_->refund_under_way(payment); });
}

bool Reconciliation::hold_if_unreconciled(OrderId order) {
  if (!config_.enabled) return false;
  auto it = pool_.find(order);
  const bool given_up = it != pool_.end() && it->second.runs_seen >= kMaxRunsPerOrder;
  if (given_up || fixes_for(order).empty()) {
    if (it != pool_.end()) pool_.erase(it);  // put right, or given up on: the order may retire
    return false;
  }
  const int64_t now_us = runtime_.now().us();
  if (it == pool_.end()) {
    pool_.emplace(order, Held{0, now_us, sim::Hold(activity_, order)});
  } else {
    it->second.pooled_at_us = now_us;
    it->second.hold = sim::Hold(activity_, order);
  }
  sim::trace(tracer_, runtime_.now(), kComponent, order, [] {
    return std::string(
        "the channel's statement disagrees with the records: kept for the next reconciliation run");
  });
  return true;
}

void Reconciliation::run_statement() {
  ++runs_;
  const int64_t cut_us = (runtime_.now() - config_.lag).us();
  if (cut_us <= covered_until_us_) return reconcile_statement(std::nullopt);
  statements_.fetch(covered_until_us_, cut_us, [this, cut_us](bool downloaded) {
    reconcile_statement(downloaded ? std::optional(cut_us) : std::nullopt);
  });
}

void Reconciliation::reconcile_statement(std::optional<int64_t> cut_us) {
  std::vector<OrderId> due;
  if (cut_us) {
    for (const channels::StatementLine& line : statements_.statement(covered_until_us_, *cut_us)) {
      due.push_back(line.key.order);
    }
    covered_until_us_ = *cut_us;
  }
  for (const auto& [order, held] : pool_) {
    if (held.hold.active() && held.pooled_at_us < covered_until_us_) due.push_back(order);
  }
  std::sort(due.begin(), due.end());
  due.erase(std::unique(due.begin(), due.end()), due.end());
  observer_.on_reconciliation_run(due.size(), runtime_.now());
  // Fixing releases pool holds, which may retire orders and re-enter the pool: work from the copy.
  for (OrderId order : due) reconcile(order);
  runtime_.schedule_after(config_.every, [this] { run_statement(); });
}

void Reconciliation::reconcile(OrderId order) {
  sim::Hold pooled;  // released at the end of this function, after the fixes took their own holds
  if (auto it = pool_.find(order); it != pool_.end()) {
    ++it->second.runs_seen;
    pooled = std::move(it->second.hold);
  }
  using Kind = ReconciliationFix::Kind;
  using Fix = SystemObserver::ReconciliationFix;
  // First the charges the records have not seen succeed: marking them may make them duplicates,
  // or notify the order, which the second look then takes into account.
  std::vector<PaymentId> marked;
  for (const ReconciliationFix& fix : fixes_for(order)) {
    const PaymentRecord* record = db_.find(fix.payment);
    if (fix.kind != Kind::kMarkSuccess || record == nullptr) continue;
    const bool closed_here = is_terminal(record->state);
    sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
      return "statement shows payment " + std::to_string(fix.payment) +
             " charged; the records say " + std::string(to_string(record->state));
    });
    observer_.on_reconciliation_fix(order, closed_here ? Fix::kRefundRequested : Fix::kPaymentFound,
                                    runtime_.now());
    marked.push_back(fix.payment);
    payments_->apply_trade_state(fix.payment, channels::TradeState::kSuccess,
                                 Resolution::kReconciliation, fix.paid_at_us);
  }
  for (const ReconciliationFix& fix : fixes_for(order)) {
    switch (fix.kind) {
      case Kind::kMarkSuccess:
        break;  // marked above; the channel's answer is applied, nothing more to do this run
      case Kind::kRefundExtraCharge:
        sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
          return "statement shows payment " + std::to_string(fix.payment) +
                 " charged more than once: refunding " + std::to_string(fix.amount_minor) +
                 " minor";
        });
        observer_.on_reconciliation_fix(order, Fix::kRefundRequested, runtime_.now());
        payments_->refund_extra_charge(fix.payment, fix.amount_minor);
        break;
      case Kind::kRefundDuplicate:
        sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
          return "payment " + std::to_string(fix.payment) +
                 " is a second success of the order: refunding it";
        });
        observer_.on_reconciliation_fix(order, Fix::kRefundRequested, runtime_.now());
        payments_->refund_duplicate(fix.payment);
        break;
      case Kind::kRenotify:
        // A payment marked a moment ago has just been notified.
        if (std::find(marked.begin(), marked.end(), fix.payment) != marked.end()) break;
        sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
          return "payment " + std::to_string(fix.payment) + " is SUCCESS but the order is " +
                 std::string(to_string(orders_.state(order))) + ": notifying it again";
        });
        observer_.on_reconciliation_fix(order, Fix::kNotifyResent, runtime_.now());
        payments_->renotify(fix.payment, Resolution::kReconciliation);
        break;
    }
  }
}

}  // namespace sut
