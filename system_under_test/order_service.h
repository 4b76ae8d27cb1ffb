// OrderService: the shop's orders. Marks an order PAID when the payment service notifies it,
// idempotently; expires unpaid orders; optionally asks the payment service about orders that
// stay unpaid (order-side active query); pushes the result to the client.
//
// Notifications arrive two ways: a synchronous call (notify_paid) and, with 同步+异步, a
// "payment succeeded" message from the MQ. Both apply the same idempotent update and both can
// fail (notify_failure_probability, outages): the sender retries.
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
  virtual void on_notify_reply(OrderId order, PaymentId payment, uint32_t attempt, NotifyResult result) = 0;
};

class OrderService final : public MessageConsumer {
 public:
  OrderService(sim::Runtime& runtime, const SystemConfig& config, MessageQueue& mq, sim::Activity& activity,
               SystemObserver& observer, sim::Tracer* tracer);
  void connect(PaymentService* payments, Client* client) {
    payments_ = payments;
    client_ = client;
  }

  // A new order, UNPAID. Schedules its expiry and order-side queries.
  void create_order(OrderId order);

  // Synchronous notify from the payment service; answers through `listener` after the call's
  // latency. `attempt` is echoed back and keys the call's random failure.
  void notify_paid(OrderId order, PaymentId payment, Resolution how, uint32_t attempt,
                   NotifyReplyListener& listener);

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

  // The update itself, shared by both notify paths.
  NotifyResult apply_paid(OrderId order, PaymentId payment, Resolution how, uint64_t call_key);
  bool is_down(sim::Time at) const;
  void on_expiry(OrderId order);
  void on_order_query(OrderId order, uint32_t index);

  sim::Runtime& runtime_;
  const SystemConfig& config_;
  MessageQueue& mq_;
  sim::Activity& activity_;
  SystemObserver& observer_;
  sim::Tracer* tracer_;
  PaymentService* payments_ = nullptr;
  Client* client_ = nullptr;
  sim::FaultPlan* faults_ = nullptr;
  sim::IdMap<OrderRecord> orders_;

  friend class PaymentService;  // expiry completion: close_order_done
  void close_order_done(OrderId order);
};

}  // namespace sut
