// OrderService: the shop's orders. Marks an order PAID when the payment service notifies it,
// idempotently; expires unpaid orders; optionally asks the payment service about orders that
// stay unpaid (order-side active query); pushes the result to the app.
//
// It speaks only the shop contracts (contracts/shop_api.h): it is the OrderFront that the app and
// the payment service call, answers them through their reply interfaces, and calls the payment
// service through a PaymentFront. Whatever carries those calls (simulated links, HTTP) owns
// their latency and faults; the order service sees a call when it lands and answers at once.
//
// Notifications arrive two ways: a synchronous call (notify_paid) and, with 同步+异步, a
// "payment succeeded" message from the MQ. Both apply the same idempotent update.
//
// Late payments: an order has a deadline (created + order_timeout). A payment the channel reports
// as made at or before the deadline always makes the order PAID, even if the order was closed
// meanwhile (the news came late, not the money). Only a payment made after the deadline is late,
// and late_payment decides it: accept (PAID), or refuse (the payment service refunds it with
// `refund`, keeps the money with `reject`).
#pragma once

#include <cstdint>

#include "contracts/call_tracker.h"
#include "contracts/shop_api.h"
#include "sim/activity.h"
#include "sim/id_map.h"
#include "sim/runtime.h"
#include "sim/trace.h"
#include "system_under_test/config.h"
#include "system_under_test/message_queue.h"
#include "system_under_test/observer.h"
#include "system_under_test/records.h"

namespace sut {

using shop::NotifyResult;

class OrderService final : public shop::OrderFront,
                           public shop::OrderReplies,
                           public MessageConsumer {
 public:
  OrderService(sim::Runtime& runtime, const SystemConfig& config, MessageQueue& mq,
               sim::Activity& activity, SystemObserver& observer, sim::Tracer* tracer);
  // Where its calls and answers go. REQUIRES: before the first call; all outlive the service.
  void connect(shop::PaymentFront& payments, shop::AppReplies& app,
               shop::PaymentReplies& payment_replies);

  // OrderFront
  void create_order(CallId call, OrderId order, OrderId purchase) override;
  void order_state(CallId call, OrderId order) override;
  void notify_paid(CallId call, OrderId order, PaymentId payment, Resolution how,
                   int64_t paid_at_us, uint32_t attempt) override;

  // OrderReplies: the payment service's answers to the order service's calls.
  void on_close_order_reply(CallId call, OrderId order, shop::CallStatus status,
                            const shop::OrderPayment& paid) override;
  void on_query_order_reply(CallId call, OrderId order, shop::CallStatus status) override;
  void on_payment_refused_reply(CallId call, OrderId order, shop::CallStatus status) override;

  // The MQ's "payment succeeded" messages.
  void on_message(MessageId id, const Message& message) override;

  // For the harness: the order's state (kClosed once forgotten), whether it exists, and forgetting.
  OrderState state(OrderId order) const;
  bool exists(OrderId order) const { return orders_.contains(order); }
  void erase(OrderId order);
  size_t open_orders() const { return orders_.size(); }

 private:
  struct OrderRecord {  // no padding: one lives per order in flight
    sim::Time created_at;
    sim::TimerId expiry;   // cancelled once the order is paid, so a paid order retires at once
    OrderId purchase = 0;  // the purchase's first order (itself for a first order)
    OrderState state = OrderState::kUnpaid;
    bool closing = false;  // expiry is closing payments at the channel
  };

  // The idempotent update: marks the order PAID by `payment`, or refuses a late payment or a
  // second paid order of a purchase.
  NotifyResult decide_paid(OrderId order, OrderRecord& record, PaymentId payment, Resolution how,
                           sim::Time paid_at);
  bool is_late(const OrderRecord& record, sim::Time paid_at) const;
  void close(OrderId order, OrderRecord& record);
  void on_expiry(OrderId order);
  void on_order_query(OrderId order, uint32_t index);
  void tell_payment_refused(OrderId order, PaymentId payment, Resolution how, NotifyResult why);
  CallId new_call() {
    const CallId call = next_call_++;
    calls_.called(call);
    return call;
  }

  sim::Runtime& runtime_;
  const SystemConfig& config_;
  MessageQueue& mq_;
  sim::Activity& activity_;
  SystemObserver& observer_;
  sim::Tracer* tracer_;
  shop::PaymentFront* payments_ = nullptr;
  shop::AppReplies* app_ = nullptr;
  shop::PaymentReplies* payment_replies_ = nullptr;
  contracts::CallTracker calls_;  // the order service's calls to the payment service
  CallId next_call_ = 1;
  sim::IdMap<OrderRecord> orders_;
  // With checkout_per_purchase or refund_repeat_purchase: each purchase with an order still held
  // (a re-order is placed while the user still holds the first order, so a purchase's entry
  // lives from its first order to its last).
  struct Purchase {
    OrderId latest = 0;  // its latest order (checkout_per_purchase answers with it while open)
    OrderId paid = 0;    // its order that is PAID, if any (refund_repeat_purchase keeps it one)
    uint32_t held = 0;   // its orders still held here
  };
  sim::IdMap<Purchase> purchases_;
  bool tracks_purchases() const {
    return config_.order_service.checkout_per_purchase ||
           config_.order_service.refund_repeat_purchase;
  }
};

}  // namespace sut
