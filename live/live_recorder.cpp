#include "live/live_recorder.h"

#include <algorithm>
#include <string>

#include "harness/recorder.h"

namespace live {

void LiveRecorder::on_order_created(sut::OrderId order, sim::Time /*at*/) {
  orders_[order].created = true;
}

void LiveRecorder::on_client_shown(sut::OrderId order, bool paid, sim::Time at) {
  Tally& tally = orders_[order];
  if (paid) {
    if (!tally.seen_paid) tally.seen_paid = at;
  } else {
    tally.last_shown_unpaid = at;
  }
}

void LiveRecorder::on_pay_clicked(sut::OrderId order, sim::Time at) {
  Tally& tally = orders_[order];
  if (!tally.first_click) tally.first_click = at;
}

void LiveRecorder::on_user_paid(sut::OrderId order, bool /*charged*/, sim::Time /*at*/) {
  orders_[order].confirmed = true;
}

void LiveRecorder::on_pay_refused(sut::OrderId order, sim::Time /*at*/) {
  orders_[order].refused = true;
}

void LiveRecorder::on_user_returned(sut::OrderId order, sim::Time at) {
  Tally& tally = orders_[order];
  if (!tally.returned) tally.returned = at;
}

void LiveRecorder::on_trade_paid(sut::OrderId order, uint32_t channel,
                                 const channels::PaymentKey& trade) {
  Tally& tally = orders_[order];
  tally.confirmed = true;
  for (const auto& [c, key] : tally.trades) {
    if (c == channel && key.payment == trade.payment) return;
  }
  tally.trades.emplace_back(channel, trade);
}

void LiveRecorder::set_final_state(sut::OrderId order, std::optional<shop::OrderState> state,
                                   std::optional<shop::Resolution> resolved_by) {
  Tally& tally = orders_[order];
  tally.final_known = state.has_value();
  if (state) tally.final_state = *state;
  tally.resolved_by = resolved_by;
}

std::vector<sut::OrderId> LiveRecorder::created_orders() const {
  std::vector<sut::OrderId> created;
  for (const auto& [order, tally] : orders_) {
    if (tally.created) created.push_back(order);
  }
  return created;
}

uint64_t LiveRecorder::unanswered() const {
  uint64_t count = 0;
  for (const auto& [order, tally] : orders_) count += tally.created && !tally.final_known;
  return count;
}

void LiveRecorder::fill(const std::vector<const channels::Ledger*>& ledgers,
                        reports::Report& report) const {
  for (const auto& [order, tally] : orders_) {
    if (!tally.created) continue;
    ++report.orders.created;
    // The order's money, from the ledgers of the trades the wallet paid.
    uint32_t charges = 0;
    uint32_t unrefunded = 0;
    int64_t held = 0;
    int64_t extra_held = 0;
    std::optional<sim::Time> first_charge;
    for (const auto& [channel, key] : tally.trades) {
      const channels::Ledger::PaymentMoney* money =
          ledgers[channel]->find_payment(key.order, key.payment);
      if (money == nullptr || money->charges == 0) continue;
      charges += money->charges;
      held += money->charged_minor - money->refunded_minor;
      const int64_t per_charge = money->charged_minor / money->charges;
      const uint32_t refunded_charges =
          per_charge > 0 ? static_cast<uint32_t>(money->refunded_minor / per_charge) : 0;
      unrefunded += money->charges - std::min(money->charges, refunded_charges);
      if (!first_charge || money->first_charge_at < *first_charge)
        first_charge = money->first_charge_at;
      report.refunds.requested += refunded_charges;
    }
    if (unrefunded > 1) extra_held = held - held / unrefunded;
    const bool paid = tally.final_known && tally.final_state == shop::OrderState::kPaid;
    if (charges > 0) ++report.orders.charged;
    if (paid) {
      ++report.orders.paid;
      if (tally.resolved_by) harness::count_resolution(report.resolved_by, *tally.resolved_by);
      if (held <= 0) {
        report.invariants.record(
            {order, "final_state", 0,
             "the service calls the order PAID but the channels hold none of its money (" +
                 std::to_string(charges) + " charge(s), all refunded or none)"});
      }
    } else if (charges == 0) {
      ++(tally.confirmed ? report.orders.failed : report.orders.abandoned);
      if (tally.confirmed && tally.refused) ++report.orders.pay_refused;
    } else if (held <= 0) {
      ++report.orders.refunded;
    }
    if (tally.final_known && tally.final_state == shop::OrderState::kClosed) ++report.orders.closed;
    if (held > 0 && !paid) ++report.dropped.final;
    if (first_charge && tally.last_shown_unpaid && *first_charge < *tally.last_shown_unpaid)
      ++report.dropped.user_visible;
    if (charges > 1) {
      ++report.duplicates.charged_orders;
      if (unrefunded <= 1)
        ++report.duplicates.refunded;
      else
        ++report.duplicates.unresolved;
      report.duplicates.overcharged_minor +=
          static_cast<uint64_t>(std::max<int64_t>(0, extra_held));
    }
    // PAID at the service when it says when; otherwise when the app first showed it.
    const std::optional<sim::Time> paid_at =
        paid && tally.paid_at ? tally.paid_at : tally.seen_paid;
    if (paid_at) {
      if (first_charge && *first_charge <= *paid_at)
        report.latency.charge_to_paid_us.record((*paid_at - *first_charge).us());
      if (tally.first_click && *tally.first_click <= *paid_at)
        report.latency.pay_to_paid_us.record((*paid_at - *tally.first_click).us());
    }
    if (tally.seen_paid && tally.returned && *tally.returned <= *tally.seen_paid)
      report.latency.client_visible_us.record((*tally.seen_paid - *tally.returned).us());
  }
}

}  // namespace live
