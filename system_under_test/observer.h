// SystemObserver: what the system under test reports as it works. The harness implements it to
// compute metrics and check invariants from events; the model never computes its own metrics.
// Every hook has an empty default so observers override only what they need.
#pragma once

#include <cstdint>

#include "system_under_test/records.h"

namespace sut {

class SystemObserver {
 public:
  virtual ~SystemObserver() = default;

  // Orders and the client.
  virtual void on_order_created(OrderId, sim::Time) {}
  // `payment` is the payment that made the order PAID (0 for other transitions).
  virtual void on_order_state(OrderId, OrderState /*from*/, OrderState /*to*/, Resolution,
                              PaymentId /*payment*/, sim::Time) {}
  virtual void on_client_shown(OrderId, bool /*paid*/, sim::Time) {}

  // The user (reported by the workload, which drives the client).
  virtual void on_pay_clicked(OrderId, sim::Time) {}
  virtual void on_user_paid(OrderId, bool /*charged*/, sim::Time) {}
  // The wallet refused that payment: the trade had expired at the channel or been closed.
  virtual void on_pay_refused(OrderId, sim::Time) {}
  virtual void on_user_returned(OrderId, sim::Time) {}

  // Payments.
  virtual void on_payment_created(const PaymentRecord&) {}
  virtual void on_payment_state(const PaymentRecord&, PaymentState /*from*/, Resolution,
                                sim::Time) {}
  // The system asked the channel to refund `amount_minor` of the payment (once per refund, not
  // per retry), and later gave up on that refund after its last retry failed.
  virtual void on_refund_issued(const PaymentRecord&, RefundReason, int64_t /*amount_minor*/,
                                sim::Time) {}
  virtual void on_refund_given_up(const PaymentRecord&, RefundReason, sim::Time) {}
  // A payment's re-query schedule ended while it was still pending (it may end a drop).
  virtual void on_compensation_exhausted(const PaymentRecord&, sim::Time) {}
  // Reconciliation (对账): a run compared the statement with the records of `orders_checked`
  // orders; each difference it put right is reported as a fix.
  enum class ReconciliationFix : uint8_t {
    kPaymentFound,  // the statement shows a charge for a payment the records had not seen succeed
    kNotifyResent,  // a success the order never heard of (an internal drop): notified again
    kRefundRequested,  // money that no order may keep (extra charge, duplicate, closed order)
  };
  virtual void on_reconciliation_run(uint64_t /*orders_checked*/, sim::Time) {}
  virtual void on_reconciliation_fix(OrderId, ReconciliationFix, sim::Time) {}

  // Cost.
  virtual void on_channel_query(uint32_t /*channel*/, sim::Time) {}
  virtual void on_rows_scanned(uint64_t /*rows*/, sim::Time) {}
  virtual void on_mq_message(sim::Time) {}
  virtual void on_dead_letter(sim::Time) {}
  virtual void on_notify_attempt(sim::Time) {}
};

}  // namespace sut
