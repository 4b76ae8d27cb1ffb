// Reconciliation (对账): the last safety net. Every `every`, the channels' statement of the money
// they took, for charges older than `lag`, is compared with the payment records, and every
// difference is put right:
//  - a charge for a payment the system never saw succeed (still PAYING, or lost): the payment
//    is marked SUCCESS (resolved_by reconciliation) and the order notified, or, if the order is
//    already paid by another payment, refunded as a duplicate;
//  - a charge for a payment the system closed or failed: refunded (the closed-loop rule);
//  - a second charge on one payment (a channel double charge): the extra charge is refunded;
//  - a successful payment whose order is still UNPAID (an internal drop: every notify failed):
//    the order is notified again (内部对账, payments against orders).
//
// Simulation economy: an order whose statement agrees with the records when it would retire can
// never disagree later (terminal states stay terminal), so only disagreeing orders are kept in
// flight until the next statement; a real statement's agreeing lines cost a counter, not memory.
#pragma once

#include <cstdint>
#include <map>

#include "mock_channels/channel_api.h"
#include "sim/activity.h"
#include "sim/runtime.h"
#include "sim/trace.h"
#include "system_under_test/config.h"
#include "system_under_test/observer.h"
#include "system_under_test/order_service.h"
#include "system_under_test/payment_db.h"

namespace sut {

class PaymentService;

class Reconciliation {
 public:
  Reconciliation(sim::Runtime& runtime, const ReconciliationConfig& config, PaymentDb& db,
                 const OrderService& orders, const channels::StatementSource& statements, sim::Activity& activity, SystemObserver& observer,
                 sim::Tracer* tracer);
  void connect(PaymentService* payments) { payments_ = payments; }

  bool enabled() const { return config_.enabled; }
  // Schedules the statement runs. Call once before the run.
  void start();

  // Called when `order` has nothing pending. Returns true (and keeps the order in flight until
  // the statement that covers it) if its statement disagrees with the payment records.
  bool hold_if_unreconciled(OrderId order);

  uint64_t runs() const { return runs_; }

 private:
  struct Held {
    sim::Time covered_after;  // the first statement cut at or after this time covers the order
    uint32_t runs_seen = 0;
    sim::Hold hold;
  };
  bool disagrees(OrderId order) const;
  void run_statement();
  void reconcile(OrderId order);

  sim::Runtime& runtime_;
  const ReconciliationConfig& config_;
  PaymentDb& db_;
  const OrderService& orders_;
  const channels::StatementSource& statements_;
  sim::Activity& activity_;
  SystemObserver& observer_;
  sim::Tracer* tracer_;
  PaymentService* payments_ = nullptr;
  std::map<OrderId, Held> held_;
  uint64_t runs_ = 0;
};

}  // namespace sut
