#include "mock_channels/ledger.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace channels {

uint32_t Ledger::OrderMoney::unrefunded_charges() const {
  uint32_t count = 0;
  for (const PaymentMoney& p : payments) {
    // Refunds are whole charges in this model: a payment that took N charges and refunded R
    // minor units of amount A per charge still holds N - R / A charges.
    const int64_t per_charge = p.charges ? p.charged_minor / p.charges : 0;
    const int64_t refunded_charges = per_charge ? p.refunded_minor / per_charge : 0;
    count += p.charges - static_cast<uint32_t>(refunded_charges);
  }
  return count;
}

void Ledger::record_charge(const PaymentKey& key, int64_t amount_minor, sim::Time at) {
  assert(amount_minor > 0);
  OrderMoney& order = orders_.find_or_insert(key.order);
  if (order.charges == 0) order.first_charge_at = at;
  order.charges += 1;
  order.charged_minor += amount_minor;
  PaymentMoney* payment = nullptr;
  for (PaymentMoney& p : order.payments) {
    if (p.payment == key.payment) payment = &p;
  }
  if (payment == nullptr) {
    order.payments.push_back(PaymentMoney{.payment = key.payment,
                                          .channel = key.channel,
                                          .attempt = key.attempt,
                                          .charges = 0,
                                          .charged_minor = 0,
                                          .refunded_minor = 0,
                                          .first_charge_at = at});
    payment = &order.payments.back();
  }
  if (payment->charges == 0) payment->first_charge_at = at;
  payment->charges += 1;
  payment->charged_minor += amount_minor;
  ++total_charges_;
  journal(key, at);
  if (observer_) observer_->on_charge(key, amount_minor, at);
}

bool Ledger::record_refund(const PaymentKey& key, int64_t amount_minor, sim::Time at) {
  OrderMoney* order = orders_.find(key.order);
  if (order != nullptr) {
    for (PaymentMoney& p : order->payments) {
      if (p.payment == key.payment) return record_refund(*order, p, key, amount_minor, at);
    }
  }
  if (observer_) observer_->on_refund_refused(key, amount_minor, at);  // never charged
  return false;
}

bool Ledger::record_refund(OrderMoney& order, PaymentMoney& p, const PaymentKey& key,
                           int64_t amount_minor, sim::Time at) {
  if (amount_minor <= 0 || p.refunded_minor + amount_minor > p.charged_minor) {
    if (observer_) observer_->on_refund_refused(key, amount_minor, at);
    return false;
  }
  p.refunded_minor += amount_minor;
  order.refunds += 1;
  order.refunded_minor += amount_minor;
  ++total_refunds_;
  journal(key, at);
  if (observer_) observer_->on_refund(key, amount_minor, at);
  return true;
}

void Ledger::journal(const PaymentKey& key, sim::Time at) {
  if (journal_on_) journal_.push_back(Movement{at.us(), key.order, key.payment});
}

StatementLine Ledger::line_of(OrderId order, const PaymentMoney& p) {
  return StatementLine{PaymentKey{order, p.payment, p.attempt, p.channel}, p.charges,
                       p.charged_minor, p.refunded_minor, p.first_charge_at.us()};
}

std::vector<StatementLine> Ledger::statement(int64_t from_us, int64_t to_us) {
  while (!journal_.empty() && journal_.front().at_us < from_us) journal_.pop_front();
  std::vector<std::pair<OrderId, PaymentId>> moved;
  while (!journal_.empty() && journal_.front().at_us < to_us) {
    moved.emplace_back(journal_.front().order, journal_.front().payment);
    journal_.pop_front();
  }
  std::sort(moved.begin(), moved.end());
  moved.erase(std::unique(moved.begin(), moved.end()), moved.end());
  std::vector<StatementLine> lines;
  for (const auto& [order, payment] : moved) {
    const OrderMoney* money = orders_.find(order);
    if (money == nullptr) continue;  // forgotten: the order was settled and retired
    for (const PaymentMoney& p : money->payments) {
      if (p.payment == payment) lines.push_back(line_of(order, p));
    }
  }
  return lines;
}

std::vector<StatementLine> Ledger::statement(OrderId order) const {
  std::vector<StatementLine> lines;
  const OrderMoney* money = orders_.find(order);
  if (money == nullptr) return lines;
  for (const PaymentMoney& p : money->payments) lines.push_back(line_of(order, p));
  return lines;
}

const Ledger::PaymentMoney* Ledger::find_payment(OrderId order, PaymentId payment) const {
  const OrderMoney* money = orders_.find(order);
  if (money == nullptr) return nullptr;
  for (const PaymentMoney& p : money->payments) {
    if (p.payment == payment) return &p;
  }
  return nullptr;
}

}  // namespace channels
