// Fault-space coverage: which faults a run (or a scenario library) made strike, and in which
// state of the order they found it — e.g. a callback lost while the user's money was taken and
// the records still said PAYING, a query failing while a second payment was in flight, a crash
// between the payment's insert and the channel's answer. `paysim coverage PATH...` prints the
// matrix over a library and lists the cells never hit, so a team sees what its regression suite
// does not exercise (docs/coverage.md).
//
// The components that inject faults report each strike to a sim::FaultTap (sim/fault_tap.h) by
// name; FaultCoverage is that tap and, as a SystemObserver, follows each order's state from the
// system's own events, so the model computes nothing for it. A run without it pays nothing.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario.h"
#include "sim/fault_tap.h"
#include "system_under_test/observer.h"

namespace harness {

// The state of an order when a fault struck it: the matrix's columns. The first that applies,
// in this order of the checks: settled, order-paid, order-closed (the order is final), then for
// an unpaid order success-unpaid, concurrent, charged, paying, inserted, all-failed, no-payment.
enum class OrderPhase : uint8_t {
  kNoPayment,      // unpaid, no payment inserted yet
  kInserted,       // a payment inserted, the channel's create not answered yet
  kPaying,         // a payment PAYING at the channel, the user not charged
  kCharged,        // the user paid in the wallet, no payment SUCCESS in the records yet
  kSuccessUnpaid,  // a payment SUCCESS, the order still UNPAID: the notify is on its way
  kConcurrent,     // two or more payments in flight for the order: the duplicate-payment race
  kAllFailed,      // unpaid, every payment so far failed, closed or cancelled
  kOrderPaid,      // the order PAID, another payment still in flight
  kOrderClosed,    // the order CLOSED, a payment still in flight
  kSettled,        // the order final and every payment final, or the order already retired
};
inline constexpr size_t kOrderPhaseCount = 10;
std::string_view to_string(OrderPhase phase);
std::string_view describe(OrderPhase phase);
std::string_view short_name(OrderPhase phase);  // the table's column header, at most 8 characters

// A fault the matrix knows: the name its component reports (sim::FaultTap::fault) and the
// scenario keys that switch it on. The rows of the matrix, in this order.
struct FaultKind {
  std::string_view name;
  std::string_view keys;
};
inline constexpr std::array<FaultKind, 17> kFaultKinds{{
    {"channel.outage", "channels[].outages"},
    {"channel.create.reply_lost", "channels[].create_reply_loss_probability"},
    {"channel.double_charge", "channels[].double_charge_probability"},
    {"channel.callback.dropped", "channels[].callback.drop_probability"},
    {"channel.callback.duplicated", "channels[].callback.duplicate_probability"},
    {"channel.callback.reordered", "channels[].callback.reorder_probability"},
    {"channel.query.failed", "channels[].query.failure_probability"},
    {"channel.query.stale", "channels[].query.stale_probability"},
    {"channel.refund.failed", "channels[].refund.failure_probability"},
    {"channel.refund.completion_failed", "channels[].refund.completion_failure_probability"},
    {"channel.refund.notice_dropped", "channels[].refund.notify_drop_probability"},
    {"order.notify.failed", "environment.order_service.notify_failure_probability"},
    {"order.outage", "environment.order_service.outages"},
    {"client.push.lost", "environment.push.loss_probability"},
    {"mq.publish.lost", "environment.mq.loss_probability"},
    {"payment.lock_stall", "environment.payment_service.lock_stall_probability"},
    {"payment.crash", "environment.payment_service.crashes"},
}};
inline constexpr size_t kFaultKindCount = kFaultKinds.size();

// The row of a fault reported by name hash (sim::FaultTap::fault), if the matrix knows it.
std::optional<size_t> fault_row(uint64_t fault);

// Strike counts per (fault, phase), over one run or many.
class CoverageMatrix {
 public:
  uint64_t count(size_t fault, OrderPhase phase) const {
    return counts_[fault][static_cast<size_t>(phase)];
  }
  void add(size_t fault, OrderPhase phase, uint64_t n = 1) {
    counts_[fault][static_cast<size_t>(phase)] += n;
  }
  // Strikes reported under a name the matrix does not know: a component and kFaultKinds
  // disagree (a bug in paysim; the coverage command refuses to print a matrix with any).
  uint64_t unknown_faults() const { return unknown_; }
  void add_unknown() { ++unknown_; }
  void merge(const CoverageMatrix& other);

  // False for a cell no run can hit. Before an order has a payment only the payment service's
  // own faults (a lock stall in apply-pay, a crash) can strike it: the channel has no trade, the
  // MQ no message, the order service no notify and the app no push for it.
  static bool reachable(size_t fault, OrderPhase phase);
  uint64_t total(size_t fault) const;

 private:
  std::array<std::array<uint64_t, kOrderPhaseCount>, kFaultKindCount> counts_{};
  uint64_t unknown_ = 0;
};

// The tap: follows every order in flight and counts each strike in the cell of the order's
// phase. REQUIRES: installed both as the World's observer tap and as its fault tap.
class FaultCoverage final : public sut::SystemObserver, public sim::FaultTap {
 public:
  const CoverageMatrix& matrix() const { return matrix_; }
  // The phase of `order` now (kSettled for an order not followed).
  OrderPhase phase(sut::OrderId order) const;

  // sim::FaultTap
  void struck(uint64_t fault, uint64_t entity) override;
  void retired(uint64_t entity) override { orders_.erase(entity); }

  // sut::SystemObserver
  void on_order_created(sut::OrderId order, sim::Time at) override;
  void on_order_state(sut::OrderId order, sut::OrderState from, sut::OrderState to,
                      sut::Resolution how, sut::PaymentId payment, sim::Time at) override;
  void on_user_paid(sut::OrderId order, bool charged, sim::Time at) override;
  void on_payment_created(const sut::PaymentRecord& record) override;
  void on_payment_state(const sut::PaymentRecord& record, sut::PaymentState from,
                        sut::Resolution how, sim::Time at) override;

 private:
  struct Payment {
    sut::PaymentId id;
    sut::PaymentState state;
  };
  struct Order {
    sut::OrderState state = sut::OrderState::kUnpaid;
    bool charged = false;
    std::vector<Payment> payments;  // in the order they were inserted: a handful at most
  };
  static OrderPhase phase_of(const Order& order);

  std::map<sut::OrderId, Order> orders_;  // the orders in flight, in id order
  CoverageMatrix matrix_;
};

// Runs `scenario` (loaded and validated) with a FaultCoverage installed and returns its matrix.
CoverageMatrix run_with_coverage(const Scenario& scenario);

// The matrix as a text table (faults down, phases across; "-" marks a cell no run can hit),
// followed by the faults never struck and the reachable cells never hit.
std::string coverage_table(const CoverageMatrix& matrix, size_t runs, size_t files);
// The same as JSON (docs/coverage.md): every cell, and the lists.
std::string coverage_json(const CoverageMatrix& matrix, size_t runs, size_t files);

}  // namespace harness
