// Shop: the system under test as one deployment — the order service, the payment service on its
// host with its compensation jobs, the payment database, the message queue and reconciliation —
// wired to each other over the simulated links (shop_links.h, mq_link.h, host.h).
//
// What is outside the shop is connected to it, never built by it: the app (whoever calls create
// order, order state and apply pay, and hears the answers and pushes), the channels (the payment
// service calls them through set_channels() and they answer through channel_client()), and the
// channels' statements for reconciliation. The simulator (harness/world.h) connects simulated
// users and mock channels; `paysim serve-sut` (live/) connects an HTTP server and HTTP channel
// clients on the real-time runtime, so both run this same wiring of the same model code.
#pragma once

#include <cstdint>
#include <vector>

#include "contracts/channel_api.h"
#include "contracts/shop_api.h"
#include "links/host.h"
#include "links/mq_link.h"
#include "links/shop_links.h"
#include "sim/activity.h"
#include "sim/fault_plan.h"
#include "sim/runtime.h"
#include "sim/trace.h"
#include "system_under_test/compensation.h"
#include "system_under_test/config.h"
#include "system_under_test/message_queue.h"
#include "system_under_test/observer.h"
#include "system_under_test/order_service.h"
#include "system_under_test/payment_db.h"
#include "system_under_test/payment_service.h"
#include "system_under_test/reconciliation.h"

namespace links {

class Shop {
 public:
  // `config` must have its merchant view of the channels (config.channels) filled.
  // REQUIRES: every argument outlives the shop.
  Shop(sim::Runtime& runtime, const sut::SystemConfig& config,
       channels::StatementSource& statements, sim::Activity& activity,
       sut::SystemObserver& observer, sim::Tracer* tracer);
  Shop(const Shop&) = delete;
  Shop& operator=(const Shop&) = delete;

  // The app: where answers to its calls and pushes go. REQUIRES: before start().
  void connect_app(shop::AppReplies& app);
  // The channels, by scenario index. REQUIRES: before start().
  void set_channels(std::vector<channels::Channel*> channels) {
    payments_.set_channels(std::move(channels));
  }

  // What the app calls.
  shop::OrderFront& app_to_orders() { return links_.app_to_orders(); }
  shop::PaymentFront& app_to_payments() { return links_.app_to_payments(); }
  // Where the channels answer and send their callbacks: the payment host, which refuses them
  // while it is down.
  channels::ChannelClient& channel_client() { return payment_host_.channel_client(); }

  // Schedules the compensation jobs, the statement runs and the host's crashes. Call once.
  void start();

  // The payment service's process crashing and restarting on demand, as its configured crashes
  // do (host.h): serve-sut's recovery from its journal. REQUIRES: make_crashable() before start().
  void make_crashable() { payment_host_.make_crashable(); }
  void crash_payment_service() { payment_host_.crash(); }
  void restart_payment_service() { payment_host_.restart(); }

  // Forgets an order that has nothing pending (the simulator retires orders to keep memory
  // proportional to what is in flight). REQUIRES: the caller has read what it needs first.
  void erase(OrderId order);

  // Test seams: the fault plan of the links and the MQ (sim/fault_plan.h), and a planted bug in
  // the payment service (system_under_test/planted_bug.h). REQUIRES: before start().
  void set_fault_plan(sim::FaultPlan* plan);
  // The fault tap of the links, the MQ link and the host (sim/fault_tap.h). REQUIRES: before
  // start(); `tap` outlives the shop.
  void set_fault_tap(sim::FaultTap* tap);
  void plant_bug(sut::PlantedBug bug) { payments_.plant_bug(bug); }

  const sut::PaymentDb& db() const { return db_; }
  const sut::OrderService& orders() const { return orders_; }
  const sut::PaymentService& payments() const { return payments_; }
  sut::Reconciliation& reconciliation() { return reconciliation_; }
  const sim::Process& payment_host() const { return payment_host_; }

 private:
  MqLink mq_link_;  // the network to the broker: publish loss, delivery latency
  sut::MessageQueue mq_;
  sut::PaymentDb db_;
  sut::OrderService orders_;
  Host payment_host_;  // the payment service's process: where its crashes happen
  sut::Compensation compensation_;
  sut::PaymentService payments_;
  sut::Reconciliation reconciliation_;
  ShopLinks links_;  // the network between the app and the services, and between the services
};

}  // namespace links
