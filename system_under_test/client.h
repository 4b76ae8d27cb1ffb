// Client: the shop's app. When the user comes back from the wallet it polls the order every
// poll_interval for at most poll_timeout, then shows PAID or "unpaid". With push enabled the
// server's push (which may be lost) shows PAID as soon as it arrives, even after the client gave
// up polling (内部掉单 on the client side is what this measures).
#pragma once

#include <cstdint>

#include "sim/activity.h"
#include "sim/id_map.h"
#include "sim/runtime.h"
#include "sim/trace.h"
#include "system_under_test/config.h"
#include "system_under_test/observer.h"
#include "system_under_test/records.h"

namespace sut {

class OrderService;

// The person holding the phone: told what the screen shows.
class ClientListener {
 public:
  virtual ~ClientListener() = default;
  virtual void on_result_shown(OrderId order, bool paid) = 0;
};

class Client {
 public:
  Client(sim::Runtime& runtime, const ClientConfig& config, OrderService& orders, sim::Activity& activity,
         SystemObserver& observer, sim::Tracer* tracer);
  void set_listener(ClientListener* listener) { listener_ = listener; }

  // The user is back in the app after the wallet: start polling the order.
  void user_returned(OrderId order);
  // The server pushes "order paid" (if push is enabled; may be lost on the way).
  void push_paid(OrderId order);

  void erase(OrderId order) { sessions_.erase(order); }
  size_t sessions() const { return sessions_.size(); }

 private:
  struct Session {
    sim::Time returned_at;
    uint32_t returns = 0;   // how many times the user came back (each starts a poll round)
    uint32_t polls = 0;
    bool polling = false;
    bool shown_paid = false;
    bool push_received = false;
  };
  void poll(OrderId order, uint32_t round);
  void show(OrderId order, Session& session, bool paid);

  sim::Runtime& runtime_;
  const ClientConfig& config_;
  OrderService& orders_;
  sim::Activity& activity_;
  SystemObserver& observer_;
  sim::Tracer* tracer_;
  ClientListener* listener_ = nullptr;
  sim::IdMap<Session> sessions_;
};

}  // namespace sut
