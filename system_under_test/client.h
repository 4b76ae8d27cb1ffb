// Client: the shop's app on the user's phone. It speaks only the shop contracts: it creates the
// order, applies to pay and polls the order's state through the services' fronts, and receives
// their answers and the server's push (shop::AppReplies). The person holding the phone (the
// workload's Users) drives it and is told what it shows.
//
// When the user comes back from the wallet the app polls the order every poll_interval for at
// most poll_timeout, then shows PAID or "unpaid". With a countdown page, fast polling giving up
// starts a second, slower phase (every countdown_interval for at most countdown_timeout) before
// "unpaid" is shown. A push shows PAID as soon as it arrives, even after the app gave up polling
// (内部掉单 on the client side is what this measures).
#pragma once

#include <cstdint>
#include <optional>

#include "contracts/call_tracker.h"
#include "contracts/shop_api.h"
#include "sim/activity.h"
#include "sim/id_map.h"
#include "sim/runtime.h"
#include "sim/trace.h"
#include "system_under_test/config.h"
#include "system_under_test/observer.h"
#include "system_under_test/records.h"

namespace sut {

// The person holding the phone: told what the app got and what its screen shows.
class ClientListener {
 public:
  virtual ~ClientListener() = default;
  virtual void on_order_created(OrderId order) = 0;
  virtual void on_apply_pay_reply(OrderId order, uint32_t click,
                                  const shop::ApplyPayReply& reply) = 0;
  // The polls after the user came back ended: the screen shows PAID or "unpaid".
  virtual void on_result_shown(OrderId order, bool paid) = 0;
  // The user opened the order page (look): what it said.
  virtual void on_order_looked(OrderId order, bool paid) = 0;
};

class Client final : public shop::AppReplies {
 public:
  Client(sim::Runtime& runtime, const ClientConfig& config, sim::Activity& activity,
         SystemObserver& observer, sim::Tracer* tracer);
  // The services the app calls. REQUIRES: before the first call; both outlive the client.
  void connect(shop::OrderFront& orders, shop::PaymentFront& payments) {
    orders_ = &orders;
    payments_ = &payments;
  }
  void set_listener(ClientListener* listener) { listener_ = listener; }

  // What the person does with the app.
  // `purchase`: the purchase's first order (`order` itself for a first order).
  void create_order(OrderId order, OrderId purchase);
  void apply_pay(const shop::ApplyPayRequest& request);
  // Back from the wallet: poll the order until it shows PAID or the poll timeout passes.
  void user_returned(OrderId order);
  // Opens the order page once (before paying again, say): the listener hears what it says.
  void look(OrderId order);

  // shop::AppReplies
  void on_create_order_reply(CallId call, OrderId order, shop::CallStatus status) override;
  void on_order_state_reply(CallId call, OrderId order, shop::CallStatus status,
                            OrderState state) override;
  void on_apply_pay_reply(CallId call, const shop::ApplyPayRequest& request,
                          const shop::ApplyPayReply& reply) override;
  void on_push_paid(OrderId order) override;

  void erase(OrderId order) { sessions_.erase(order); }
  size_t sessions() const { return sessions_.size(); }

 private:
  struct Session {
    sim::Time returned_at;
    uint32_t returns = 0;  // how many times the user came back (each starts a poll round)
    uint32_t polls = 0;
    CallId poll_call = 0;      // the poll awaiting its answer (0: none)
    CallId look_call = 0;      // the look awaiting its answer (0: none)
    sim::Time countdown_from;  // when fast polling gave up and the countdown page began
    bool polling = false;
    bool counting_down = false;
    bool shown_paid = false;
    bool push_received = false;
  };
  void poll(OrderId order, uint32_t round);
  void on_poll_answer(OrderId order, Session& session, bool paid);
  // The wait before the next poll of an unpaid order, or nullopt when the app gives up now.
  std::optional<sim::Duration> next_poll_after(OrderId order, Session& session);
  void show(OrderId order, Session& session, bool paid);
  CallId new_call() {
    const CallId call = next_call_++;
    calls_.called(call);
    return call;
  }

  sim::Runtime& runtime_;
  const ClientConfig& config_;
  sim::Activity& activity_;
  SystemObserver& observer_;
  sim::Tracer* tracer_;
  shop::OrderFront* orders_ = nullptr;
  shop::PaymentFront* payments_ = nullptr;
  ClientListener* listener_ = nullptr;
  contracts::CallTracker calls_;
  CallId next_call_ = 1;
  sim::IdMap<Session> sessions_;
};

}  // namespace sut
