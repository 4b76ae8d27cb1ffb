// LiveRecorder: the report of a `paysim live` run, measured from outside the service under test.
//
// A live run cannot see inside the service, so it measures what a user and an auditor can: the
// app's view (orders it created, what its polls showed, when the user clicked, paid and came
// back: the SystemObserver events of sut::Client and workload::Users, unchanged), the channels'
// ledgers (the ground truth of money: every charge is made by this process's wallet, so each is
// attributed to the app's order by its trade), and the service's own answer for every order at
// the end (its final state). From those:
//  - orders: created, charged (ledger), paid (the service's final state), and the outcome
//    classes as the simulator defines them (abandoned, failed, refunded; closed cuts across);
//  - dropped.final: money held at the end (charges - refunds > 0) on an order not PAID;
//    dropped.user_visible: the app showed "unpaid" after the user was charged;
//  - latency: first charge -> PAID and first click -> PAID, at the time the service says it
//    marked the order PAID (`paid_at_ms` with its final order state, placed on this process's
//    clock by live/internal/remote_clock.h), else at the first time the app saw PAID (an upper
//    bound: the app looks when it polls); user back -> PAID shown, as the app showed it;
//  - duplicates: orders charged more than once, the extra charges refunded or not, money held in
//    them; refunds.requested: refunds the channels made;
//  - invariants: an order the service calls PAID while the channels hold none of its money.
//  - resolved_by: how the service says each PAID order learned of its payment, when its order
//    state answer names it (serve-sut does: `resolved_by`; the field is optional in the contract).
// What only the inside knows (notify attempts, rows scanned, MQ traffic) stays 0.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "contracts/shop_api.h"
#include "mock_channels/ledger.h"
#include "reports/report.h"
#include "system_under_test/observer.h"

namespace live {

class LiveRecorder final : public sut::SystemObserver {
 public:
  // SystemObserver: the app's and the users' events.
  void on_order_created(sut::OrderId order, sim::Time at) override;
  void on_client_shown(sut::OrderId order, bool paid, sim::Time at) override;
  void on_pay_clicked(sut::OrderId order, sim::Time at) override;
  void on_user_paid(sut::OrderId order, bool charged, sim::Time at) override;
  void on_pay_refused(sut::OrderId order, sim::Time at) override;
  void on_user_returned(sut::OrderId order, sim::Time at) override;

  // The wallet paid `trade` (the channel's key of it, `channel` by scenario index) for `order`.
  void on_trade_paid(sut::OrderId order, uint32_t channel, const channels::PaymentKey& trade);
  // The service's answer at the end: the order's final state (nullopt: it did not answer) and,
  // for a PAID order, how the service says it learned of the payment (nullopt: not said).
  void set_final_state(sut::OrderId order, std::optional<shop::OrderState> state,
                       std::optional<shop::Resolution> resolved_by = std::nullopt);
  // When the service says it marked the order PAID, on this process's clock.
  void set_paid_at(sut::OrderId order, sim::Time at) { orders_[order].paid_at = at; }

  // The orders the app created, in order.
  std::vector<sut::OrderId> created_orders() const;
  size_t orders() const { return orders_.size(); }
  bool created(sut::OrderId order) const {
    const auto found = orders_.find(order);
    return found != orders_.end() && found->second.created;
  }

  // Fills the report's groups from the tallies and the channels' ledgers (`ledgers[i]` is
  // channel i's). `unanswered` counts the orders whose final state the service did not give.
  void fill(const std::vector<const channels::Ledger*>& ledgers, reports::Report& report) const;
  uint64_t unanswered() const;

 private:
  struct Tally {
    bool created = false;
    bool confirmed = false;  // the user confirmed a payment in a wallet or a card form
    bool refused = false;    // a wallet refused it: the trade had expired or been closed
    std::optional<sim::Time> first_click;
    std::optional<sim::Time> returned;
    std::optional<sim::Time> seen_paid;
    std::optional<sim::Time> last_shown_unpaid;
    std::vector<std::pair<uint32_t, channels::PaymentKey>> trades;  // paid in the wallet
    bool final_known = false;
    shop::OrderState final_state = shop::OrderState::kUnpaid;
    std::optional<shop::Resolution> resolved_by;
    std::optional<sim::Time> paid_at;  // when the service says it marked the order PAID
  };
  std::map<sut::OrderId, Tally> orders_;
};

}  // namespace live
