// Reconciliation (对账): the last safety net. Every `every`, the job downloads the channels'
// statement for the period since its last run, up to `lag` ago (charges younger than `lag` may
// still be settling), and compares every order whose money moved in that period with the
// payment and order records. Each difference is put right:
//  - a charge for a payment the records never saw succeed (still PAYING, or its create reply
//    lost): the payment is marked SUCCESS (resolved_by reconciliation) and the order notified,
//    or, when another payment already pays the order, refunded as a duplicate;
//  - a charge for a payment the records closed or failed: refunded (the closed-loop rule);
//  - a second charge on one payment (a channel double charge): the extra charge is refunded,
//    also when the payment was refunded (the refund returned the one charge the records know);
//  - a second success on an order: every success but the one paying the order is refunded;
//  - the order's successful payment, with the order not PAID (every notify failed: an internal
//    drop; or the order expired first): the order is notified again, and it decides by the time
//    the user paid — paid in time, the order becomes PAID; paid late, late_payment decides, and
//    money the order refuses is refunded.
// The decision is one pure function, fixes_for(), over the records and the statement.
//
// Simulation economy: an order retires when nothing is pending for it, and its records are then
// freed. An order that retires with a difference reconciliation would fix is kept (in the
// discrepancy pool, 差错池) until the first run whose statement covers it, which fixes it; an
// order that retires in agreement
// can never disagree later (nothing can touch it), so a later statement line for it would
// reconcile cleanly and costs nothing. Pool entries are checked at most kMaxRunsPerOrder times.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "contracts/channel_api.h"
#include "sim/activity.h"
#include "sim/runtime.h"
#include "sim/trace.h"
#include "system_under_test/config.h"
#include "system_under_test/observer.h"
#include "system_under_test/order_service.h"
#include "system_under_test/payment_db.h"

namespace sut {

class PaymentService;

// One difference between the statement and the records, and the fix it needs.
struct ReconciliationFix {
  enum class Kind : uint8_t {
    kMarkSuccess,        // charged at the channel; the records have not seen it succeed
    kRefundExtraCharge,  // a payment charged more than once: refund `amount_minor`
    kRefundDuplicate,    // a success that does not pay the order
    kRenotify,           // the order's successful payment, the order not PAID
  } kind;
  PaymentId payment = 0;
  int64_t amount_minor = 0;  // kRefundExtraCharge
  int64_t paid_at_us = 0;    // kMarkSuccess: the payment's first charge, as the statement shows it
};

// The fixes an order needs: reads the records, the order's state and the channel's lines for the
// order. `refund_under_way(payment)` says whether a refund is already asked and not yet answered.
template <class RefundUnderWay>
std::vector<ReconciliationFix> reconciliation_fixes(
    const PaymentDb& db, OrderId order, OrderState order_state,
    const std::vector<channels::StatementLine>& lines, RefundUnderWay&& refund_under_way);

class Reconciliation {
 public:
  static constexpr uint32_t kMaxRunsPerOrder = 3;

  Reconciliation(sim::Runtime& runtime, const ReconciliationConfig& config, PaymentDb& db,
                 const OrderService& orders, channels::StatementSource& statements,
                 sim::Activity& activity, SystemObserver& observer, sim::Tracer* tracer);
  void connect(PaymentService* payments) { payments_ = payments; }

  bool enabled() const { return config_.enabled; }
  // Schedules the statement runs. Call once before the run.
  void start();

  // Called when `order` has nothing pending. Returns true (and keeps the order in flight until
  // the next run) if reconciliation would fix something in it.
  bool hold_if_unreconciled(OrderId order);

  uint64_t runs() const { return runs_; }

 private:
  struct Held {
    uint32_t runs_seen = 0;
    // Every money movement of the order happened before it was pooled: the first statement whose
    // period ends after this covers them all.
    int64_t pooled_at_us = 0;
    sim::Hold hold;
  };
  std::vector<ReconciliationFix> fixes_for(OrderId order) const;
  void run_statement();
  // The rest of a run once the statement up to `cut_us` is in (nullopt: no new statement, from a
  // window already covered or a download that failed: the pool alone).
  void reconcile_statement(std::optional<int64_t> cut_us);
  void reconcile(OrderId order);

  sim::Runtime& runtime_;
  const ReconciliationConfig& config_;
  PaymentDb& db_;
  const OrderService& orders_;
  channels::StatementSource& statements_;
  sim::Activity& activity_;
  SystemObserver& observer_;
  sim::Tracer* tracer_;
  PaymentService* payments_ = nullptr;
  std::map<OrderId, Held> pool_;
  int64_t covered_until_us_ = 0;  // the statements so far covered money movements before this
  uint64_t runs_ = 0;
};

template <class RefundUnderWay>
std::vector<ReconciliationFix> reconciliation_fixes(
    const PaymentDb& db, OrderId order, OrderState order_state,
    const std::vector<channels::StatementLine>& lines, RefundUnderWay&& refund_under_way) {
  using Kind = ReconciliationFix::Kind;
  std::vector<ReconciliationFix> fixes;
  for (const channels::StatementLine& line : lines) {
    const int64_t held = line.charged_minor - line.refunded_minor;
    const PaymentRecord* record = db.find(line.key.payment);
    if (held <= 0 || record == nullptr || refund_under_way(record->id)) continue;
    if (record->state != PaymentState::kSuccess && record->state != PaymentState::kRefunded) {
      fixes.push_back({Kind::kMarkSuccess, record->id, 0, line.first_charge_us});
      continue;
    }
    // A payment charged more than once keeps one charge while it is SUCCESS, none once REFUNDED.
    const int64_t per_charge = line.charges ? line.charged_minor / line.charges : held;
    const int64_t kept = record->state == PaymentState::kSuccess ? per_charge : 0;
    if (held > kept) fixes.push_back({Kind::kRefundExtraCharge, record->id, held - kept, 0});
  }
  // The success that pays the order is the one the payment service recorded as paying it; the
  // first success in creation order if that one was refunded.
  PaymentId kept = db.paid_by(order);
  const PaymentRecord* kept_record = kept != 0 ? db.find(kept) : nullptr;
  if (kept_record == nullptr || kept_record->state != PaymentState::kSuccess) kept = 0;
  for (PaymentId id : db.payments_of(order)) {
    const PaymentRecord* record = db.find(id);
    if (record == nullptr || record->state != PaymentState::kSuccess || refund_under_way(id))
      continue;
    if (kept == 0) kept = id;
    if (id != kept) fixes.push_back({Kind::kRefundDuplicate, id, 0, 0});
  }
  if (kept != 0 && order_state != OrderState::kPaid && !refund_under_way(kept)) {
    fixes.push_back({Kind::kRenotify, kept, 0, 0});
  }
  return fixes;
}

}  // namespace sut
