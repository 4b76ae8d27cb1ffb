// The ledger of charges and refunds: the ground truth of who paid what.
//
// Every mock channel writes here when money moves. Metrics and invariants are computed against
// this ledger, never against the system under test's own records. Memory follows the orders
// that are still open: the harness calls forget() once an order can no longer change.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "contracts/channel_api.h"
#include "sim/id_map.h"
#include "sim/inline_vector.h"
#include "sim/time.h"

namespace channels {

class LedgerObserver {
 public:
  virtual ~LedgerObserver() = default;
  virtual void on_charge(const PaymentKey& key, int64_t amount_minor, sim::Time at) = 0;
  virtual void on_refund(const PaymentKey& key, int64_t amount_minor, sim::Time at) = 0;
  // A refund the channel refused because the payment no longer holds that much: the merchant
  // asked to return money it had already returned (or never took).
  virtual void on_refund_refused(const PaymentKey& /*key*/, int64_t /*amount_minor*/,
                                 sim::Time /*at*/) {}
};

class Ledger final : public StatementSource {
 public:
  struct PaymentMoney {
    PaymentId payment = 0;
    uint32_t channel = 0;
    uint32_t attempt = 0;  // the payment's ordinal within its order (PaymentKey::attempt)
    uint32_t charges = 0;  // 2 after a double charge
    int64_t charged_minor = 0;
    int64_t refunded_minor = 0;
    sim::Time first_charge_at;
  };
  struct OrderMoney {
    uint32_t charges = 0;
    uint32_t refunds = 0;
    int64_t charged_minor = 0;
    int64_t refunded_minor = 0;
    sim::Time first_charge_at;
    // In order of first charge. Almost every charged order has one payment: kept inline, so
    // recording a charge costs no allocation.
    sim::InlineVector<PaymentMoney, 1> payments;

    int64_t held_minor() const { return charged_minor - refunded_minor; }
    // Charges not yet refunded, counting a refund as cancelling one charge of its payment.
    uint32_t unrefunded_charges() const;
  };

  void set_observer(LedgerObserver* observer) { observer_ = observer; }

  void record_charge(const PaymentKey& key, int64_t amount_minor, sim::Time at);
  // Records a refund of `amount_minor` against the payment's charges. A refund larger than what
  // the payment still holds is refused (returns false): the channel never pays out more than it
  // took. The caller treats a refused refund as failed.
  bool record_refund(const PaymentKey& key, int64_t amount_minor, sim::Time at);

  // The order's money, or nullptr if the user was never charged for it.
  const OrderMoney* find(OrderId order) const { return orders_.find(order); }
  const PaymentMoney* find_payment(OrderId order, PaymentId payment) const;
  void forget(OrderId order) { orders_.erase(order); }
  size_t open_orders() const { return orders_.size(); }

  // Statements (StatementSource). The window form needs the journal: call keep_journal() before
  // the first movement; without it, windows are empty. The journal keeps one 24-byte entry per
  // movement until a window past it is asked, and skips orders forgotten meanwhile.
  void keep_journal() { journal_on_ = true; }
  std::vector<StatementLine> statement(int64_t from_us, int64_t to_us) override;
  std::vector<StatementLine> statement(OrderId order) const override;

  uint64_t total_charges() const { return total_charges_; }
  uint64_t total_refunds() const { return total_refunds_; }

 private:
  bool record_refund(OrderMoney& order, PaymentMoney& payment, const PaymentKey& key,
                     int64_t amount_minor, sim::Time at);

  struct Movement {
    int64_t at_us = 0;
    OrderId order = 0;
    PaymentId payment = 0;
  };
  void journal(const PaymentKey& key, sim::Time at);
  static StatementLine line_of(OrderId order, const PaymentMoney& payment);

  sim::IdMap<OrderMoney> orders_;
  std::deque<Movement> journal_;  // in time order: the simulation never goes back
  bool journal_on_ = false;
  LedgerObserver* observer_ = nullptr;
  uint64_t total_charges_ = 0;
  uint64_t total_refunds_ = 0;
};

}  // namespace channels
