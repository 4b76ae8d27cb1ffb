#include "mock_channels/ledger.h"

#include <cassert>

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
    order.payments.push_back(PaymentMoney{.payment = key.payment, .channel = key.channel});
    payment = &order.payments.back();
  }
  payment->charges += 1;
  payment->charged_minor += amount_minor;
  ++total_charges_;
  if (observer_) observer_->on_charge(key, amount_minor, at);
}

bool Ledger::record_refund(const PaymentKey& key, int64_t amount_minor, sim::Time at) {
  OrderMoney* order = orders_.find(key.order);
  if (order == nullptr) return false;
  for (PaymentMoney& p : order->payments) {
    if (p.payment != key.payment) continue;
    if (amount_minor <= 0 || p.refunded_minor + amount_minor > p.charged_minor) return false;
    p.refunded_minor += amount_minor;
    order->refunds += 1;
    order->refunded_minor += amount_minor;
    ++total_refunds_;
    if (observer_) observer_->on_refund(key, amount_minor, at);
    return true;
  }
  return false;
}

std::vector<StatementLine> Ledger::statement(OrderId order) const {
  std::vector<StatementLine> lines;
  const OrderMoney* money = orders_.find(order);
  if (money == nullptr) return lines;
  for (const PaymentMoney& p : money->payments) {
    lines.push_back(StatementLine{PaymentKey{order, p.payment, 0, p.channel}, p.charges, p.charged_minor,
                                  p.refunded_minor, money->first_charge_at.us()});
  }
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
