// OrderNotifier: tells the order service that a payment pays its order (notify_paid), and keeps
// telling it until it hears back:
//  - the first notify of a success also publishes a "payment succeeded" message when async_mq is
//    on (同步+异步): the broker delivers it even if every synchronous call fails;
//  - a failed call is retried `sync_retries` times, `sync_backoff` apart; the retries are timers
//    of the process, so a crash voids them (the MQ message, if any, still delivers);
//  - an order that refuses the payment as late hands it to the refund job (RefundJob::
//    refund_late_payment), with the way the success was learned.
// It remembers, per payment, how its success was learned (resolved_by), for the retries and the
// late-payment rule; erase() forgets it when the order retires.
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
#include "system_under_test/payment_db.h"
#include "system_under_test/refund_job.h"

namespace sut {

class OrderNotifier {
 public:
  // `process`: the runtime whose timers a crash voids (the sync retries).
  OrderNotifier(sim::Runtime& process, const SystemConfig& config, PaymentDb& db, MessageQueue& mq,
                RefundJob& refunds, sim::Activity& activity, sim::Tracer* tracer);

  // Where notifies go. REQUIRES: before the first notify; it outlives the notifier.
  void connect(shop::OrderFront& orders) { orders_ = &orders; }

  // `payment` pays its order, learned by `how`: remembers how and notifies the order service.
  void notify_paid(OrderId order, PaymentId payment, Resolution how);
  // Notifies again of a payment the records hold SUCCESS (its notify may have been lost); a
  // payment in any other state is not notified.
  void renotify(PaymentId payment, Resolution how);
  // One notify call (attempt 0 also publishes the MQ message), without remembering how: the
  // retries' way, and the planted bugs' (planted_bug.h).
  void send(OrderId order, PaymentId payment, Resolution how, uint32_t attempt);
  // The order service's answer to a notify.
  void on_notify_reply(CallId call, OrderId order, PaymentId payment, uint32_t attempt,
                       shop::NotifyResult result);

  // A crash: the notifies in flight are no longer checked (their retries died with the process).
  void lose_memory() { calls_.forget(); }
  // The payment's order retired: forget it.
  void erase(PaymentId payment) { resolved_by_.erase(payment); }

 private:
  sim::Runtime& process_;
  const SystemConfig& config_;
  PaymentDb& db_;
  MessageQueue& mq_;
  RefundJob& refunds_;
  sim::Activity& activity_;
  sim::Tracer* tracer_;
  shop::OrderFront* orders_ = nullptr;
  sim::IdMap<uint32_t> resolved_by_;  // payment id -> Resolution of its success
  contracts::CallTracker calls_;      // exactly one reply per notify (debug builds)
  CallId next_call_ = 1;
};

}  // namespace sut
