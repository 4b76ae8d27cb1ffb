// PaymentService: the payment service as the app, the order service, compensation and the
// channels see it. It takes apply-pay requests through their guards, creates payments at the
// channels and learns their results (create answers, callbacks, query and close answers); the
// other jobs are classes of their own, each owning its state, which it wires together:
//
//   ChannelCalls   every call to a channel: its id, the one-reply check, the order's activity
//   PaymentStates  every move of a payment's state (stored, compensation told, observed)
//   RefundJob      the durable refunds and their retries (refund_under_way)
//   OrderNotifier  notify_paid to the order service, its sync retries and its replies
//   ExpiryCloser   close_order_payments: close the payments in flight, answer with the payer
//   QueryRouter    query_order (the records first, then the channel) and query_payment
//
// The decisions are plain functions (payment_rules.h); the service and its jobs carry them out
// and trace them. Every apply-pay request is a sequence of steps of `step_latency` each (take the
// lock, read the order's payments, write the payment, call the channel), so two requests for one
// order interleave at step boundaries as they do in production; the dedup guards decide what that
// interleaving may do. A create whose answer timed out is sent again after a backoff, at most
// system.create_retry.retries times, with the payment's idempotency key or without it (a keyless
// retry is a new charge at the channel). A payment's state only moves forward (records.h); the
// first SUCCESS of an order is kept and notified, a later one is a duplicate (refunded when
// refund_duplicates is on).
//
// It runs on a sim::Process: its steps and sync notify retries are timers of the process, which a
// crash voids; lose_memory() drops the requests in progress. The refund job's retries are durable
// (a refund table) and run on `durable`. The crash itself, and refusing what reaches a down
// process, are the host's (links/host.h): nothing here knows whether the process is up.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "contracts/channel_api.h"
#include "contracts/shop_api.h"
#include "sim/activity.h"
#include "sim/id_map.h"
#include "sim/process.h"
#include "sim/runtime.h"
#include "sim/trace.h"
#include "system_under_test/channel_calls.h"
#include "system_under_test/compensation.h"
#include "system_under_test/config.h"
#include "system_under_test/expiry_closer.h"
#include "system_under_test/message_queue.h"
#include "system_under_test/observer.h"
#include "system_under_test/order_notifier.h"
#include "system_under_test/payment_db.h"
#include "system_under_test/payment_states.h"
#include "system_under_test/planted_bug.h"
#include "system_under_test/query_router.h"
#include "system_under_test/refund_job.h"

namespace sut {

using shop::ApplyPayReply;
using shop::ApplyPayRequest;

class PaymentService final : public shop::PaymentFront,
                             public shop::PaymentReplies,
                             public channels::ChannelClient,
                             public PaymentQueries,
                             public sim::Volatile {
 public:
  PaymentService(sim::Process& process, sim::Runtime& durable, const SystemConfig& config,
                 std::vector<channels::Channel*> channels, PaymentDb& db, MessageQueue& mq,
                 Compensation& compensation, sim::Activity& activity, SystemObserver& observer,
                 sim::Tracer* tracer);

  // Where its calls and answers go. REQUIRES: before the first call; all outlive the service.
  void connect(shop::OrderFront& orders, shop::AppReplies& app, shop::OrderReplies& order_replies) {
    app_ = &app;
    order_replies_ = &order_replies;
    notifier_.connect(orders);
    closer_.connect(order_replies);
    queries_.connect(order_replies);
  }
  // The channels, by scenario index (they are built after the service, which is their client).
  void set_channels(std::vector<channels::Channel*> channels) {
    calls_.set_channels(std::move(channels));
  }

  // PaymentFront.
  // The user pressed "pay" (request.click counts the presses for this order).
  void apply_pay(CallId call, const ApplyPayRequest& request) override;
  // Order expiry: close every in-flight payment at its channel, then answer with the payment
  // that pays the order, if a close found one (ExpiryCloser).
  void close_order_payments(CallId call, OrderId order) override {
    closer_.close_order_payments(call, order);
  }
  // Order-side active query: the order service asks about an order it still sees unpaid
  // (QueryRouter: the records first, then the channel).
  void query_order(CallId call, OrderId order) override { queries_.query_order(call, order); }
  // The order service refused a success: paid after the order's deadline (kRejected: refunded
  // with late_payment: refund, and always when reconciliation sent the notify;
  // RefundJob::refund_late_payment), or another order of its purchase is paid (kRepeatPurchase:
  // refunded; RefundJob::refund_repeat_purchase).
  void payment_refused(CallId call, OrderId order, PaymentId payment, Resolution how,
                       shop::NotifyResult why) override;
  // A payment still pending when its re-query schedule ran out: compensation.on_exhausted.
  void settle_exhausted(PaymentId payment, Resolution how) override;
  // An active query (compensation; QueryRouter). Counts as a channel query.
  void query_payment(PaymentId payment, channels::QuerySource source) override {
    queries_.query_payment(payment, source);
  }
  // Applies a state learned from the channel (`paid_at_us`: when the user paid, for kSuccess);
  // returns whether the payment is now terminal.
  bool apply_trade_state(PaymentId payment, channels::TradeState state, Resolution how,
                         int64_t paid_at_us);

  // Reconciliation's fixes: refund one extra charge of a successful payment (its state stays
  // SUCCESS), refund a success that is not the one paying its order (it becomes REFUNDED), and
  // notify the order service again of the success that pays the order.
  void refund_extra_charge(PaymentId payment, int64_t amount_minor);
  void refund_duplicate(PaymentId payment);
  void renotify(PaymentId payment, Resolution how) { notifier_.renotify(payment, how); }
  // Whether a refund of the payment is under way (asked, not yet answered or given up).
  bool refund_under_way(PaymentId payment) const { return refunds_.under_way(payment); }

  // Test seam (planted_bug.h): makes the service commit one known bug. Never set outside tests.
  void plant_bug(PlantedBug bug) {
    bug_ = bug;
    refunds_.plant_bug(bug);
  }

  // sim::Volatile: a crash loses the requests in progress (their timers die with the process).
  void lose_memory() override;

  // ChannelClient
  void on_create_reply(channels::CallId call, const channels::PaymentKey& key,
                       const channels::CreateReply& reply) override;
  void on_query_reply(channels::CallId call, const channels::PaymentKey& key,
                      channels::QuerySource source, const channels::QueryReply& reply) override;
  void on_close_reply(channels::CallId call, const channels::PaymentKey& key,
                      const channels::CloseReply& reply) override;
  void on_refund_reply(channels::CallId call, const channels::PaymentKey& key,
                       const channels::RefundReply& reply) override {
    const sim::Hold in_flight = calls_.answered(call, key.order);
    refunds_.on_refund_reply(key, reply);
  }
  void on_refund_notice(const channels::PaymentKey& key,
                        const channels::RefundReply& result) override {
    refunds_.on_refund_notice(key, result);
  }
  void on_callback(const channels::CallbackNotice& notice) override;

  // PaymentReplies: the order service's answers to notifies (OrderNotifier).
  void on_notify_reply(CallId call, OrderId order, PaymentId payment, uint32_t attempt,
                       shop::NotifyResult result) override {
    notifier_.on_notify_reply(call, order, payment, attempt, result);
  }

  // The order retired: every job forgets it.
  void erase(OrderId order);

 private:
  // An apply-pay request in progress (in memory: lost in a crash).
  struct Request {
    CallId call = 0;  // the app's call, answered when the request ends
    OrderId order = 0;
    uint32_t channel = 0;
    uint32_t click = 0;
    int64_t amount_minor = 0;
    uint64_t lock_token = 0;  // 0: no lock held
    uint64_t read_version = 0;
    uint32_t closes_outstanding = 0;
    sim::Duration stall;  // the process pauses between the lock holder's read and its insert
    uint32_t create_retries = 0;  // creates sent again after a timeout (system.create_retry)
  };
  using RequestId = uint64_t;

  // What a scheduled step carries: the service and one unit of the order's activity, released
  // when the step is destroyed, whether it ran or not (a crash voids it). 16 bytes where `this`
  // and a sim::Hold take 24, so that a step with a callback notice still fits sim::Callback's
  // inline buffer and scheduling it never allocates.
  class Step {
   public:
    Step(PaymentService& service, OrderId order) : service_(&service), order_(order) {
      service.activity_.begin(order);
    }
    Step(Step&& other) noexcept
        : service_(std::exchange(other.service_, nullptr)), order_(other.order_) {}
    Step& operator=(Step&&) = delete;
    ~Step() {
      if (service_ != nullptr) service_->activity_.end(order_);
    }
    PaymentService& service() const { return *service_; }
    OrderId order() const { return order_; }

   private:
    PaymentService* service_;
    OrderId order_;
  };

  // A callback notice without its order (the step carries that), and the steps it has waited
  // for the order lock: 24 bytes (attempt, channel and sequence are bounded well below 2^16 by
  // the loader's limits).
  struct WaitingCallback {
    PaymentId payment = 0;
    int64_t paid_at_us = 0;
    uint16_t attempt = 0;
    uint16_t channel = 0;
    uint16_t sequence = 0;
    channels::TradeState state = channels::TradeState::kSuccess;
    uint8_t waits = 0;

    static WaitingCallback of(const channels::CallbackNotice& notice, uint32_t waits);
    channels::CallbackNotice notice(OrderId order) const {
      return {.key = {order, payment, attempt, channel},
              .state = state,
              .sequence = sequence,
              .paid_at_us = paid_at_us};
    }
  };

  // Runs `fn(service, order)` one step (plus `extra`) later (unless the process crashes
  // meanwhile). `fn` may capture at most 24 bytes, so that the step does not allocate (a larger
  // capture does not compile).
  template <class Fn>
  void after_step(OrderId order, sim::Duration extra, Fn fn);

  void apply_pay_lock(RequestId id);
  void apply_pay_read(RequestId id);
  void apply_pay_insert(RequestId id);
  void apply_pay_read_after_close(RequestId id);
  // The create of `record` timed out: sends it again after the backoff if the request has
  // retries left (system.create_retry); false when it has none.
  bool retry_create(RequestId id, const PaymentRecord& record);
  void send_create_retry(RequestId id, PaymentId payment);
  channels::IdempotencyKey idempotency() const {
    return config_.create_retry.idempotency_key ? channels::IdempotencyKey::kSent
                                                : channels::IdempotencyKey::kNone;
  }
  void reply_apply_pay(RequestId id, ApplyPayReply::Outcome outcome,
                       const channels::PaymentKey& key);

  bool try_lock(OrderId order, uint64_t token);
  void unlock(OrderId order, uint64_t token);
  void handle_callback(const channels::CallbackNotice& notice, uint32_t tries);
  // compensation.success_after_failed: whether a success for a FAILED payment learned by `how` is
  // refunded; else it is accepted (FAILED -> SUCCESS) or ignored by accept_or_ignore_success.
  bool refunds_success_after_failed(Resolution how) const;
  void accept_or_ignore_success(PaymentRecord& record, Resolution how, int64_t paid_at_us);
  // compensation.on_not_found: mark_failed. Returns true (the payment is terminal, or gone).
  bool fail_not_found(PaymentId payment, Resolution how);

  void on_success(PaymentRecord& record, Resolution how, int64_t paid_at_us);

  sim::Process& runtime_;  // the process: its timers die in a crash
  const SystemConfig& config_;
  PaymentDb& db_;
  shop::AppReplies* app_ = nullptr;
  shop::OrderReplies* order_replies_ = nullptr;
  Compensation& compensation_;
  sim::Activity& activity_;
  SystemObserver& observer_;
  sim::Tracer* tracer_;

  // The jobs, each after those it uses.
  ChannelCalls calls_;
  PaymentStates states_;
  RefundJob refunds_;
  OrderNotifier notifier_;
  ExpiryCloser closer_;
  QueryRouter queries_;

  struct Lock {
    uint64_t token = 0;
    sim::Time expires_at;
  };
  sim::IdMap<Lock> locks_;
  sim::IdMap<Request> requests_;
  sim::IdMap<RequestId> creating_;             // payment id -> request awaiting its create reply
  sim::IdMap<RequestId> closing_for_request_;  // payment id -> apply-pay waiting for its close
  // payment id -> closes in flight because its re-query schedule ran out (on_exhausted: close);
  // their answers are not the expiry closer's. Kept across a crash, as the close job is durable.
  sim::IdMap<uint32_t> exhausted_closes_;
  RequestId next_request_ = 1;
  PaymentId next_payment_ = 1;
  uint64_t next_token_ = 1;
  PlantedBug bug_ = PlantedBug::kNone;
};

}  // namespace sut
