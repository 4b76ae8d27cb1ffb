#include "system_under_test/reconciliation.h"

#include <algorithm>
#include <string>
#include <vector>

#include "system_under_test/payment_service.h"

namespace sut {

namespace {
constexpr std::string_view kComponent = "reconciliation";
// An order still disagreeing after this many statements (refunds keep failing) is let go: it
// stays in the report as a drop or an unresolved duplicate.
constexpr uint32_t kMaxStatementsPerOrder = 3;
}  // namespace

Reconciliation::Reconciliation(sim::Runtime& runtime, const ReconciliationConfig& config, PaymentDb& db,
                               const OrderService& orders, const channels::StatementSource& statements, sim::Activity& activity,
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

bool Reconciliation::disagrees(OrderId order) const {
  for (const channels::StatementLine& line : statements_.statement(order)) {
    const int64_t held = line.charged_minor - line.refunded_minor;
    if (held <= 0) continue;
    const PaymentRecord* record = db_.find(line.key.payment);
    if (record == nullptr || record->state != PaymentState::kSuccess) return true;  // unknown or closed
    const int64_t per_charge = line.charges ? line.charged_minor / line.charges : held;
    if (held > per_charge) return true;  // an extra charge on a successful payment
  }
  // Two kept successes on one order: a duplicate that refunds did not (or could not) undo.
  uint32_t kept = 0;
  for (PaymentId id : db_.payments_of(order)) {
    const PaymentRecord* record = db_.find(id);
    if (record != nullptr && record->state == PaymentState::kSuccess) ++kept;
  }
  // A payment succeeded but its order never heard of it (every notify failed).
  return kept > 1 || (kept == 1 && orders_.state(order) == OrderState::kUnpaid);
}

bool Reconciliation::hold_if_unreconciled(OrderId order) {
  if (!config_.enabled) return false;
  auto it = held_.find(order);
  if (it != held_.end() && (it->second.runs_seen >= kMaxStatementsPerOrder || !disagrees(order))) {
    held_.erase(it);  // put right, or given up on: the order may retire
    return false;
  }
  if (!disagrees(order)) return false;
  const std::vector<channels::StatementLine> lines = statements_.statement(order);
  int64_t first_charge_us = runtime_.now().us();
  for (const auto& line : lines) first_charge_us = std::min(first_charge_us, line.first_charge_us);
  const sim::Time covered_after = sim::Time::from_us(first_charge_us) + config_.lag;
  if (it == held_.end()) {
    held_.emplace(order, Held{covered_after, 0, sim::Hold(activity_, order)});
  } else {
    it->second.hold = sim::Hold(activity_, order);
  }
  sim::trace(tracer_, runtime_.now(), kComponent, order, [] {
    return std::string("the channel's statement disagrees with the payment records: held for the next statement");
  });
  return true;
}

void Reconciliation::run_statement() {
  ++runs_;
  // Collect first: reconciling releases holds, which may retire orders and re-enter this map.
  std::vector<OrderId> due;
  for (const auto& [order, held] : held_) {
    if (held.covered_after <= runtime_.now() && held.hold.active()) due.push_back(order);
  }
  for (OrderId order : due) reconcile(order);
  runtime_.schedule_after(config_.every, [this] { run_statement(); });
}

void Reconciliation::reconcile(OrderId order) {
  auto it = held_.find(order);
  if (it == held_.end()) return;
  ++it->second.runs_seen;
  sim::Hold hold = std::move(it->second.hold);  // released at the end of this function
  // Payments the system never saw succeed come first, so that a duplicate is recognised as one.
  for (const channels::StatementLine& line : statements_.statement(order)) {
    const int64_t held = line.charged_minor - line.refunded_minor;
    if (held <= 0) continue;
    const PaymentRecord* record = db_.find(line.key.payment);
    if (record == nullptr) continue;
    if (record->state != PaymentState::kSuccess && record->state != PaymentState::kRefunded) {
      sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
        return "statement shows payment " + std::to_string(line.key.payment) + " charged; records say " +
               std::string(to_string(record->state));
      });
      payments_->apply_trade_state(line.key.payment, channels::TradeState::kSuccess, Resolution::kReconciliation);
    }
  }
  for (const channels::StatementLine& line : statements_.statement(order)) {
    const int64_t held = line.charged_minor - line.refunded_minor;
    const int64_t per_charge = line.charges ? line.charged_minor / line.charges : held;
    const PaymentRecord* record = db_.find(line.key.payment);
    if (record == nullptr || held <= per_charge || record->state != PaymentState::kSuccess) continue;
    sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
      return "statement shows payment " + std::to_string(line.key.payment) + " charged " +
             std::to_string(line.charges) + " times: refunding the extra charge";
    });
    observer_.on_reconciliation_fix(order, runtime_.now());
    payments_->refund_extra_charge(line.key.payment, per_charge);
  }
  // Two kept successes: keep the first, refund the others. An order that never heard of its
  // kept success is notified again.
  bool kept_one = false;
  for (PaymentId id : db_.payments_of(order)) {
    const PaymentRecord* record = db_.find(id);
    if (record == nullptr || record->state != PaymentState::kSuccess) continue;
    if (!kept_one) {
      kept_one = true;
      if (orders_.state(order) == OrderState::kUnpaid) {
        sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
          return "payment " + std::to_string(id) + " is SUCCESS but the order is UNPAID: notifying again";
        });
        payments_->renotify(id, Resolution::kReconciliation);
      }
      continue;
    }
    observer_.on_reconciliation_fix(order, runtime_.now());
    payments_->refund_duplicate(id);
  }
}

}  // namespace sut
