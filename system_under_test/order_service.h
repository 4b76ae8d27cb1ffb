// OrderService: the shop's orders. Marks an order PAID when the payment service notifies it,
// idempotently; expires unpaid orders; optionally asks the payment service about orders that
// stay unpaid (order-side active query); pushes the result to the client.
//
// Notifications arrive two ways: a synchronous call (notify_paid) and, with 同步+异步, a
// "payment succeeded" message from the MQ. Both apply the same idempotent update and both can
// fail (notify_failure_probability, outages): the sender retries.
//
// Late payments: an order has a deadline (created + order_timeout). A payment the channel reports
// as made at or before the deadline always makes the order PAID, even if the order was closed
// meanwhile (the news came late, not the money). Only a payment made after the deadline is late,
// and late_payment decides it: accept (PAID), or refuse (the payment service refunds it with
// `refund`, keeps the money with `reject`).
#pragma once

#include <cstdint>

#include "sim/activity.h"
#include "sim/fault_plan.h"
#include "sim/id_map.h"
#include "sim/runtime.h"
#include "sim/trace.h"
#include "system_under_test/config.h"
#include "system_under_test/message_queue.h"
#include "system_under_test/observer.h"
#include "system_under_test/records.h"

namespace sut {

class Client;
class PaymentService;

enum class NotifyResult : uint8_t {
  kOk,        // the order is PAID (now or already)
  kFailed,    // the call failed; the sender should retry
  kRejected,  // the order is CLOSED and late payments are not accepted
};

// Whoever sent a synchronous notify gets the answer here.
class NotifyReplyListener {
 public:
  virtual ~NotifyReplyListener() = default;
  virtual void on_notify_reply(OrderId order, PaymentId payment, uint32_t attempt,
                               NotifyResult result) = 0;
};

class OrderService final : public MessageConsumer {
 public:
  OrderService(sim::Runtime& runtime, const SystemConfig& config, MessageQueue& mq,
               sim::Activity& activity, SystemObserver& observer, sim::Tracer* tracer);
  // `payments` answers synchronous notifies (NotifyReplyListener) and expiry closes.
  void connect(PaymentService* payments, Client* client);

  // A new order, UNPAID. Schedules its expiry and order-side queries.
  void create_order(OrderId order);

  // Synchronous notify from the payment service that `payment`, paid at `paid_at`, succeeded;
  // answers through the connected listener after the call's latency. `attempt` is echoed back
  // and keys the call's random failure.
  void notify_paid(OrderId order, PaymentId payment, Resolution how, sim::Time paid_at,
                   uint32_t attempt);

  // The MQ's "payment succeeded" messages.
  void on_message(MessageId id, const Message& message) override;

  // Test seam (sim/fault_plan.h): null unless a test installs one; `plan` outlives the service.
  // kFaultNotify fails a synchronous notify call (the sender sees kFailed and retries).
  static constexpr uint64_t kFaultNotify = sim::FaultPlan::point("order.notify");
  void set_fault_plan(sim::FaultPlan* plan) { faults_ = plan; }

  // What a client poll reads.
  OrderState state(OrderId order) const;
  bool exists(OrderId order) const { return orders_.contains(order); }
  void erase(OrderId order) { orders_.erase(order); }
  size_t open_orders() const { return orders_.size(); }

 private:
  struct OrderRecord {
    OrderState state = OrderState::kUnpaid;
    sim::Time created_at;
    bool closing = false;  // expiry is closing payments at the channel
    sim::TimerId expiry;   // cancelled once the order is paid, so a paid order retires at once
  };

  // A notify call as it lands: the call's faults, then decide_paid. Shared by both notify paths.
  NotifyResult apply_paid(OrderId order, PaymentId payment, Resolution how, sim::Time paid_at,
                          uint64_t call_key);
  // The idempotent update: marks the order PAID by `payment`, or refuses a late payment.
  NotifyResult decide_paid(OrderId order, OrderRecord& record, PaymentId payment, Resolution how,
                           sim::Time paid_at);
  bool is_late(const OrderRecord& record, sim::Time paid_at) const;
  bool is_down(sim::Time at) const;
  void close(OrderId order, OrderRecord& record);
  void on_expiry(OrderId order);
  void on_order_query(OrderId order, uint32_t index);

  sim::Runtime& runtime_;
  const SystemConfig& config_;
  MessageQueue& mq_;
  sim::Activity& activity_;
  SystemObserver& observer_;
  sim::Tracer* tracer_;
  PaymentService* payments_ = nullptr;
  NotifyReplyListener* notify_listener_ = nullptr;
  Client* client_ = nullptr;
  sim::FaultPlan* faults_ = nullptr;
  sim::IdMap<OrderRecord> orders_;

  friend class PaymentService;  // expiry completion: close_order_done
  // The payment service closed the order's in-flight payments at expiry. `paid` is the order's
  // successful payment if it has one (a close that raced a payment, or a success whose notify has
  // not landed), paid at `paid_at`: the order is then settled by it instead of closed.
  void close_order_done(OrderId order, PaymentId paid, sim::Time paid_at);
};

}  // namespace sut
