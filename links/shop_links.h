// ShopLinks: the network between the app, the order service and the payment service, in the
// simulation. Each party holds the link's side of the contract it calls (an OrderFront, a
// PaymentFront) and answers through the link's side of its caller's replies; the link delivers
// each call after the environment's latency and applies its faults, so the services themselves
// sample no latency and draw no fault (ns-3: applications never call each other; delay and loss
// belong to channels).
//
// The links, and where each fault of the environment is injected:
//  - app -> order service (create_order, order_state) and app -> payment service (apply_pay):
//    delivered at the same simulated instant, as an event of their own (a call is never answered
//    on its caller's stack); apply-pay and order queries to a payment host that is down are
//    refused (links/host.h), and a notify's answer does not reach it;
//  - payment service -> order service (notify_paid): `environment.order_service.notify_latency`,
//    then the order service fails the call with `notify_failure_probability` or during an
//    `outages` window (the sender sees kFailed), or the test seam kFaultNotify;
//  - MQ -> order service (payment-succeeded deliveries, order_consumer()): the same failure and
//    outage fail the order update, answered "reconsume later" (or, with
//    order_service.consumer_ack: before_update, already acknowledged: the message is lost);
//  - order service -> payment service (close, query, late payment): the same instant;
//  - order service -> app (push): lost with `environment.push.loss_probability`, else after
//    `environment.push.latency`.
// Replies travel back at once, from the callee's event. Every delivery holds its order's
// activity until it lands. Random draws are keyed by (order, purpose, the call's own identity)
// exactly as before the links existed, so every variant sees the same faults.
#pragma once

#include <cstdint>

#include "contracts/shop_api.h"
#include "sim/activity.h"
#include "sim/fault_plan.h"
#include "sim/fault_tap.h"
#include "sim/id_map.h"
#include "sim/process.h"
#include "sim/runtime.h"
#include "sim/trace.h"
#include "system_under_test/config.h"
#include "system_under_test/message_queue.h"
#include "system_under_test/observer.h"

namespace links {

using contracts::CallId;
using contracts::OrderId;
using contracts::PaymentId;

class ShopLinks {
 public:
  ShopLinks(sim::Runtime& runtime, const sut::SystemConfig& config, sut::MessageQueue& mq,
            sim::Activity& activity, sut::SystemObserver& observer, sim::Tracer* tracer);
  ShopLinks(const ShopLinks&) = delete;
  ShopLinks& operator=(const ShopLinks&) = delete;

  // The far ends. REQUIRES: before the first call; all outlive the links.
  void connect(shop::OrderFront& order_service, shop::OrderReplies& order_service_replies,
               sut::MessageConsumer& order_service_consumer, shop::PaymentFront& payment_service,
               shop::PaymentReplies& payment_service_replies, const sim::Process& payment_host,
               shop::AppReplies& app);

  // What each party calls.
  shop::OrderFront& app_to_orders() { return to_orders_; }
  shop::PaymentFront& app_to_payments() { return to_payments_; }
  shop::OrderFront& payments_to_orders() { return to_orders_; }
  shop::PaymentFront& orders_to_payments() { return to_payments_; }
  // How the services answer (and push).
  shop::AppReplies& to_app() { return to_app_; }
  shop::PaymentReplies& to_payment_service() { return to_payment_service_; }
  shop::OrderReplies& to_order_service() { return to_order_service_; }

  // Test seam (sim/fault_plan.h): null unless a test installs one; `plan` outlives the links.
  // kFaultNotify fails a synchronous notify call as it lands (the sender sees kFailed).
  static constexpr uint64_t kFaultNotify = sim::FaultPlan::point("order.notify");
  void set_fault_plan(sim::FaultPlan* plan) { faults_ = plan; }

  // The faults these links report to a sim::FaultTap (null unless a harness installs one; it
  // outlives the links), each for the order it strikes: a notify (sync call or MQ delivery) that
  // fails at the order service, one refused because the order service is down, a lost push.
  static constexpr uint64_t kStruckNotifyFailed = sim::FaultTap::fault("order.notify.failed");
  static constexpr uint64_t kStruckOrderServiceDown = sim::FaultTap::fault("order.outage");
  static constexpr uint64_t kStruckPushLost = sim::FaultTap::fault("client.push.lost");
  void set_fault_tap(sim::FaultTap* tap) { tap_ = tap; }

 private:
  // Each side of the contract the parties hold is a small object that forwards to the links.
  class ToOrders final : public shop::OrderFront {
   public:
    explicit ToOrders(ShopLinks& links) : links_(links) {}
    void create_order(CallId call, OrderId order, OrderId purchase) override;
    void order_state(CallId call, OrderId order) override;
    void notify_paid(CallId call, OrderId order, PaymentId payment, shop::Resolution how,
                     int64_t paid_at_us, uint32_t attempt) override;

   private:
    ShopLinks& links_;
  };
  class ToPayments final : public shop::PaymentFront {
   public:
    explicit ToPayments(ShopLinks& links) : links_(links) {}
    void apply_pay(CallId call, const shop::ApplyPayRequest& request) override;
    void close_order_payments(CallId call, OrderId order) override;
    void query_order(CallId call, OrderId order) override;
    void payment_refused(CallId call, OrderId order, PaymentId payment, shop::Resolution how,
                         shop::NotifyResult why) override;

   private:
    ShopLinks& links_;
  };
  class ToApp final : public shop::AppReplies {
   public:
    explicit ToApp(ShopLinks& links) : links_(links) {}
    void on_create_order_reply(CallId call, OrderId order, shop::CallStatus status) override;
    void on_order_state_reply(CallId call, OrderId order, shop::CallStatus status,
                              shop::OrderState state) override;
    void on_apply_pay_reply(CallId call, const shop::ApplyPayRequest& request,
                            const shop::ApplyPayReply& reply) override;
    void on_push_paid(OrderId order) override;

   private:
    ShopLinks& links_;
  };
  class ToPaymentService final : public shop::PaymentReplies {
   public:
    explicit ToPaymentService(ShopLinks& links) : links_(links) {}
    void on_notify_reply(CallId call, OrderId order, PaymentId payment, uint32_t attempt,
                         shop::NotifyResult result) override;

   private:
    ShopLinks& links_;
  };
  class ToOrderService final : public shop::OrderReplies {
   public:
    explicit ToOrderService(ShopLinks& links) : links_(links) {}
    void on_close_order_reply(CallId call, OrderId order, shop::CallStatus status,
                              const shop::OrderPayment& paid) override;
    void on_query_order_reply(CallId call, OrderId order, shop::CallStatus status) override;
    void on_payment_refused_reply(CallId call, OrderId order, shop::CallStatus status) override;

   private:
    ShopLinks& links_;
  };
  // The MQ's payment-succeeded deliveries to the order service pass its availability.
  class OrderConsumer final : public sut::MessageConsumer {
   public:
    explicit OrderConsumer(ShopLinks& links) : links_(links) {}
    void on_message(sut::MessageId id, const sut::Message& message) override;

   private:
    ShopLinks& links_;
  };

  // A notify in flight, by its call id (the call's capture would not fit sim::Callback inline).
  struct NotifyInFlight {
    PaymentId payment = 0;
    int64_t paid_at_us = 0;
    uint32_t attempt = 0;
    shop::Resolution how = shop::Resolution::kNone;
  };

  // Runs `deliver()` as an event of its own at the same simulated instant, holding the order.
  template <class Deliver>
  void at_once(OrderId order, Deliver deliver);
  void deliver_notify(CallId call, OrderId order);
  // Whether the order service refuses a call landing now (failure fault or outage): `call_key`
  // keys the failure draw of this call.
  bool order_service_fails(OrderId order, uint64_t call_key, PaymentId payment);

  sim::Runtime& runtime_;
  const sut::SystemConfig& config_;
  sut::MessageQueue& mq_;
  sim::Activity& activity_;
  sut::SystemObserver& observer_;
  sim::Tracer* tracer_;
  sim::FaultPlan* faults_ = nullptr;
  sim::FaultTap* tap_ = nullptr;

  shop::OrderFront* order_service_ = nullptr;
  shop::OrderReplies* order_service_replies_ = nullptr;
  sut::MessageConsumer* order_service_consumer_ = nullptr;
  shop::PaymentFront* payment_service_ = nullptr;
  shop::PaymentReplies* payment_service_replies_ = nullptr;
  const sim::Process* payment_host_ = nullptr;  // refuses calls while it is down
  shop::AppReplies* app_ = nullptr;

  // One object per direction of call; a link behaves the same whoever calls (a notify gets the
  // notify path, a create_order the app path), so callers share it.
  ToOrders to_orders_{*this};
  ToPayments to_payments_{*this};
  ToApp to_app_{*this};
  ToPaymentService to_payment_service_{*this};
  ToOrderService to_order_service_{*this};
  OrderConsumer order_consumer_{*this};
  sim::IdMap<NotifyInFlight> notifies_;
};

}  // namespace links
