// OrderNotifier: tells the order service that a payment pays its order (notify_paid), and keeps
// telling it until it hears back:
//  - the first notify of a success also publishes a "payment succeeded" message when async_mq is
//    on (同步+异步): the broker delivers it even if every synchronous call fails;
//  - a failed call is retried `sync_retries` times, `sync_backoff` apart; the retries are timers
//    of the process, so a crash voids them (the MQ message, if any, still delivers);
//  - an order that refuses the payment as late hands it to the refund job (RefundJob::
//    refund_late_payment), with the way the success was learned;
//  - with notify.publish_delay the first notify leaves `publish_delay` after the commit, as a
//    timer of the process: a crash in that window loses it (sync call and MQ message alike),
//    unless notify.outbox wrote the message with the commit: the outbox row is durable, and after
//    a crash the relay publishes it once the process is up again (publish_from_outbox).
// It remembers, per payment, how its success was learned (resolved_by), for the retries and the
// late-payment rule, and how many notify rounds it started (a renotify by an order query or
// reconciliation starts a new one); erase() forgets both when the order retires.
//
// A notify call's `attempt` (what the links key the call's faults by) is the round in the high
// bits and the retry within it in the low 12 (notify_attempt): a renotify is a new call, which
// fails or gets through on its own draws, not on the first round's again. So is its MQ message
// (Message::step = the round). Round 0 is numbered as before rounds existed.
#pragma once

#include <cstdint>
#include <map>

#include "contracts/call_tracker.h"
#include "contracts/shop_api.h"
#include "sim/activity.h"
#include "sim/id_map.h"
#include "sim/process.h"
#include "sim/runtime.h"
#include "sim/trace.h"
#include "system_under_test/config.h"
#include "system_under_test/message_queue.h"
#include "system_under_test/payment_db.h"
#include "system_under_test/refund_job.h"

namespace sut {

class OrderNotifier {
 public:
  // `process`: the runtime whose timers a crash voids (the sync retries, the delayed publish);
  // `durable`: the runtime of what survives it (the outbox relay).
  OrderNotifier(sim::Process& process, sim::Runtime& durable, const SystemConfig& config,
                PaymentDb& db, MessageQueue& mq, RefundJob& refunds, sim::Activity& activity,
                sim::Tracer* tracer);

  // Where notifies go. REQUIRES: before the first notify; it outlives the notifier.
  void connect(shop::OrderFront& orders) { orders_ = &orders; }

  // `payment` pays its order, learned by `how` (its SUCCESS just committed): remembers how and
  // notifies the order service, at once or publish_delay later.
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

  // A crash: the notifies in flight are no longer checked (their retries died with the process),
  // and the outbox rows left behind are the relay's to publish.
  void lose_memory();
  // Messages the outbox relay published after a crash (each one a notify the crash would have
  // lost).
  uint64_t relayed() const { return relayed_; }
  // The payment's order retired: forget it.
  void erase(PaymentId payment) { notified_.erase(payment); }

 private:
  // An outbox row: the message written with the commit, until it is published. It holds its order,
  // so the order does not retire while the row waits for the relay.
  struct OutboxRow {
    OrderId order = 0;
    Resolution how = Resolution::kNone;
    sim::Hold hold;
  };

  // The delayed first notify: the outbox row (if any) is deleted as its message is published.
  void on_publish_delay(OrderId order, PaymentId payment, Resolution how);
  void publish_message(OrderId order, PaymentId payment, Resolution how, uint32_t round);
  // The first call of the payment's latest notify round.
  uint32_t first_attempt(PaymentId payment) const;
  void schedule_relay();
  void relay_outbox();

  sim::Process& process_;
  sim::Runtime& durable_;
  const SystemConfig& config_;
  PaymentDb& db_;
  MessageQueue& mq_;
  RefundJob& refunds_;
  sim::Activity& activity_;
  sim::Tracer* tracer_;
  shop::OrderFront* orders_ = nullptr;
  // Per payment: how its success was learned (a Resolution), and the notify rounds started. Kept
  // across a crash: the rounds number the calls of the world, not the process's memory.
  struct Notified {
    uint32_t how = 0;
    uint32_t rounds = 0;
  };
  sim::IdMap<Notified> notified_;
  contracts::CallTracker calls_;  // exactly one reply per notify (debug builds)
  CallId next_call_ = 1;
  std::map<PaymentId, OutboxRow> outbox_;  // ordered: the relay publishes in payment order
  bool relay_scheduled_ = false;
  uint64_t relayed_ = 0;
};

}  // namespace sut
