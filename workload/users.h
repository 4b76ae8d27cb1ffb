// Users: the people behind the orders. Each arrival is an order whose user clicks "pay", goes to
// the wallet, maybe pays, comes back to the app and looks at what it shows; some click twice,
// some switch channels, some pay again when the app says "unpaid" (the causes of 重复支付 in
// seed 002), on the same order or on a second order for the same purchase ("可能就会再下一单").
// Every decision is keyed by (seed, order, purpose, round), so the same user makes the same choices
// in every variant of a comparison, and only the system's answers differ.
#pragma once

#include <cstdint>
#include <vector>

#include "contracts/channel_api.h"
#include "mock_channels/channel_config.h"
#include "sim/activity.h"
#include "sim/id_map.h"
#include "sim/runtime.h"
#include "sim/trace.h"
#include "system_under_test/client.h"
#include "system_under_test/observer.h"
#include "workload/config.h"

namespace workload {

using channels::OrderId;

// The users reach the shop only through its app (sut::Client, which speaks the shop contracts)
// and the channels only through their wallets, as real people do.
class Users final : public sut::ClientListener {
 public:
  Users(sim::Runtime& runtime, const UserConfig& user, const TrafficConfig& traffic,
        const std::vector<channels::ChannelConfig>& channel_configs,
        std::vector<channels::Wallet*> wallets, sut::Client& client, sim::Activity& activity,
        sut::SystemObserver& observer, sim::Tracer* tracer);

  // A new order arrives now.
  void on_arrival(OrderId order);

  // sut::ClientListener
  void on_order_created(OrderId order) override;
  void on_apply_pay_reply(OrderId order, uint32_t click, const shop::ApplyPayReply& reply) override;
  void on_result_shown(OrderId order, bool paid) override;
  void on_order_looked(OrderId order, bool paid) override;

  void erase(OrderId order) { sessions_.erase(order); }
  size_t sessions() const { return sessions_.size(); }

 private:
  struct Session {
    uint32_t channel = 0;        // the channel of the current round
    uint32_t first_channel = 0;  // where the user started
    uint32_t clicks = 0;
    uint32_t round = 0;  // 0, then one per re-pay
    bool will_pay = false;
    bool switching = false;  // plans to open one channel and pay on another
    bool switched = false;
    bool return_scheduled = false;
    bool has_first_key = false;
    bool repay_pending = false;      // decided to pay again: looking at the order page first
    bool reordered = false;          // placed (or is) the purchase's second order
    bool reorder_pending = false;    // asked the shop for a second order, awaiting its answer
    channels::PaymentKey first_key;  // the first payment of the round that opened a wallet
  };

  void click(OrderId order, Session& session);
  // Sees "unpaid" and did not pay again: maybe places a second order for the same purchase.
  void maybe_reorder(OrderId order, Session& session);
  void pay_later(OrderId order, const channels::PaymentKey& key, sim::Duration delay);
  void pay_now(OrderId order, const channels::PaymentKey& key);
  void return_later(OrderId order, Session& session, sim::Duration extra);
  sim::Duration pay_delay(OrderId order, uint32_t channel, uint64_t index);
  uint32_t choose_channel(OrderId order, uint64_t purpose, int exclude) const;

  sim::Runtime& runtime_;
  const UserConfig& user_;
  const TrafficConfig& traffic_;
  const std::vector<channels::ChannelConfig>& channel_configs_;
  std::vector<channels::Wallet*> wallets_;
  sut::Client& client_;
  sim::Activity& activity_;
  sut::SystemObserver& observer_;
  sim::Tracer* tracer_;
  sim::IdMap<Session> sessions_;
};

}  // namespace workload
