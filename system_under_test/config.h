// Configuration of the system under test: the payment service, the order service, the client,
// and the strategies (notify, compensation, dedup) whose trade-offs paysim measures.
// Filled by the scenario loader (harness/); defaults are those of SPEC section 4.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/distribution.h"
#include "sim/time.h"

namespace sut {

struct CrashWindow {
  sim::Time at;
  sim::Duration restart_after;
};

struct DownWindow {
  sim::Time start;
  sim::Duration duration;
};

struct PaymentServiceConfig {
  // Simulated time of one service step (read a row, write a row, take a lock): the host's database
  // round trip (sim::Process::round_trip, links/host.h). Concurrent
  // requests for one order interleave at step boundaries, as they do in production.
  sim::Duration step_latency = sim::Duration::millis(5);
  // While crashed the service answers nothing and loses in-memory state: timers, retry
  // schedules kept in memory, sync notify retries. The database and the MQ survive.
  std::vector<CrashWindow> crashes;
  // The callback handler's time beyond its steps (a lock wait, a slow database, a full thread
  // pool), drawn per callback attempt by the host (sim::Process::handling, links/host.h).
  sim::Distribution callback_handling = sim::Distribution::fixed(sim::Duration::zero());
};

struct OrderServiceConfig {
  sim::Distribution notify_latency = sim::Distribution::fixed(sim::Duration::millis(10));
  double notify_failure_probability = 0.0;
  std::vector<DownWindow> outages;  // every notify fails while the order service is down
  // An order still unpaid this long after creation expires: its in-flight payments are closed
  // at the channel and the order becomes CLOSED. Zero: orders never expire.
  sim::Duration order_timeout = sim::Duration::minutes(30);
  // What to do with a payment that succeeds after its order expired: accept it (the order
  // becomes PAID) or refund it (the order stays CLOSED).
  enum class LatePayment { kAccept, kRefund, kReject } late_payment = LatePayment::kAccept;
  // Whether expiry closes in-flight payments at the channel before closing the order. Without
  // it the order closes locally and a late success may be rejected (a known production bug).
  bool close_at_channel = false;
  // When the order service's MQ consumer acknowledges a "payment succeeded" message: after the
  // order is updated (seed 001: "订单服务要在完成订单状态更新后再确认完成消息消费"), so an update
  // that fails is redelivered; or before it (a known bug): an update that then fails is lost with
  // the message, which the broker never sends again.
  enum class ConsumerAck : uint8_t {
    kAfterUpdate,
    kBeforeUpdate
  } consumer_ack = ConsumerAck::kAfterUpdate;
  // An idempotent checkout per purchase: a second order for a purchase whose order is still open
  // (UNPAID or PAID, not CLOSED) gets that order back instead of a new one.
  bool checkout_per_purchase = false;
  // One paid order per purchase: a payment that would make a second order of a purchase PAID is
  // refused by the order (NotifyResult::kRepeatPurchase) and refunded by the payment service, the
  // check a purchase-level reconciliation makes, made as the payment lands.
  bool refund_repeat_purchase = false;
};

// RocketMQ's default consumer retry gaps: 16 retries over about 4h46m (DOMAIN.md).
inline std::vector<sim::Duration> rocketmq_consumer_retries() {
  using D = sim::Duration;
  return {D::seconds(10), D::seconds(30), D::minutes(1), D::minutes(2),
          D::minutes(3),  D::minutes(4),  D::minutes(5), D::minutes(6),
          D::minutes(7),  D::minutes(8),  D::minutes(9), D::minutes(10),
          D::minutes(20), D::minutes(30), D::hours(1),   D::hours(2)};
}

struct NotifyConfig {
  int sync_retries = 3;  // retries after the first synchronous call
  sim::Duration sync_backoff = sim::Duration::millis(100);
  bool async_mq = true;  // also publish a "payment succeeded" message (同步+异步)
  // Consumer "reconsume later" gaps; RocketMQ's default 16 retries (DOMAIN.md), then the
  // dead-letter queue.
  std::vector<sim::Duration> mq_retry = rocketmq_consumer_retries();
  sim::Distribution mq_latency = sim::Distribution::fixed(sim::Duration::millis(20));
  double mq_loss_probability = 0.0;  // a message lost on publish (an unreliable broker/producer)
  // How long after the database commit of a success its notify leaves the process (the sync call
  // and the MQ publish): a publish from a thread of its own after the transaction. The notify
  // waits as a timer of the process, so a crash in that window loses it (seed 001: reliable
  // messages vs distributed transactions). Zero: sent in the commit's own step, no window.
  sim::Duration publish_delay = sim::Duration::zero();
  // Transactional outbox (or a RocketMQ transactional message): the "payment succeeded" message is
  // written with the commit, so a crash before its publish leaves it in the outbox table, and the
  // relay publishes it once the process is up again, polling every outbox_relay_interval (a
  // RocketMQ broker checks a half message back after about a minute). REQUIRES async_mq.
  bool outbox = false;
  sim::Duration outbox_relay_interval = sim::Duration::seconds(1);
};

enum class Strategy : uint8_t { kNone, kPolling, kDelayMessage, kHybrid };

struct PollingConfig {
  sim::Duration interval = sim::Duration::seconds(60);
  // pending_table: only unresolved payments (掉单表); full_scan: every payment within lookback.
  enum class Source : uint8_t { kPendingTable, kFullScan } source = Source::kPendingTable;
  // A tick reads its rows in pages of this many, one DB round trip (a payment-service step)
  // each, and hands a page's candidates to the workers as it arrives.
  int batch_size = 500;
  int workers = 8;
  // A tick reads only rows created this recently (`WHERE created_at > now - lookback`); older
  // rows are given up. Unset: the source's default, see window().
  std::optional<sim::Duration> lookback;
  int max_attempts = 20;  // queries per payment; then it is given up
  sim::Duration min_age;  // jeepay: only payments at least this old are queried
  // Decreasing frequency by payment age (seed 002: 3s, 10s, 30s, 3m...): when non-empty, a
  // payment is queried by a tick only once its age has passed the next point of this list, and
  // given up after the query at the last point.
  std::vector<sim::Duration> age_schedule;

  // The time window a tick reads: `lookback` when given; otherwise 30m for a full scan (a scan
  // of the whole table needs a bound) and none for a pending table (its rows leave it at a final
  // state or after max_attempts).
  std::optional<sim::Duration> window() const {
    if (lookback) return lookback;
    if (source == Source::kFullScan) return sim::Duration::minutes(30);
    return std::nullopt;
  }
};

struct DelayMessageConfig {
  std::vector<sim::Duration> schedule;  // gaps: first query this long after creation, then...
  enum class Levels : uint8_t { kArbitrary, kRocketMq } levels = Levels::kArbitrary;
};

struct ReconciliationConfig {
  bool enabled = false;
  sim::Duration every = sim::Duration::days(1);
  sim::Duration lag = sim::Duration::minutes(10);  // statements cover charges older than this
};

struct CompensationConfig {
  Strategy strategy = Strategy::kNone;
  PollingConfig polling;
  DelayMessageConfig delay_message;
  ReconciliationConfig reconciliation;
  // Where the re-query schedule lives: durable (DB rows, MQ messages; survives a crash) or
  // in_memory (a timer in the service, as an in-process delay queue; lost on crash).
  enum class RetryStorage : uint8_t { kDurable, kInMemory } retry_storage = RetryStorage::kDurable;
  // When a payment enters the re-query schedule (its pending row, or its first delay message):
  // before_call, with the payment, before the channel is called; or on_accepted, only when the
  // channel answers "accepted / processing" (seed 000's 掉单表: a sync payment that succeeds at
  // once never enters it, and neither does one whose create answer never came).
  enum class PendingRow : uint8_t { kBeforeCall, kOnAccepted };
  PendingRow pending_row = PendingRow::kBeforeCall;
  // What a query's "trade does not exist" answer means: not yet (kWait: the user has not scanned
  // the code, Alipay), or that the payment failed (kMarkFailed: it may still be paid later).
  enum class OnNotFound : uint8_t { kWait, kMarkFailed } on_not_found = OnNotFound::kWait;
  // When the re-query schedule runs out with the payment still pending: leave it PAYING
  // (kGiveUp), mark it FAILED (kMarkFailed: Hyperswitch, "retries exhausted"), or close the trade
  // at the channel and settle by the close's answer (kClose: WeChat Pay's quick-pay advice,
  // "query every 5 s for 30 s, then reverse"; Alipay's cancel). A close the channel refuses
  // (unsupported, younger than cancel.min_age) leaves the payment PAYING, as kGiveUp does.
  enum class OnExhausted : uint8_t {
    kGiveUp,
    kMarkFailed,
    kClose
  } on_exhausted = OnExhausted::kGiveUp;
  // A success the channel reports for a payment this service marked FAILED: refund it (kRefund,
  // WeChat Pay's closed-loop rule), let it move FAILED -> SUCCESS and pay the order (kAccept), or
  // drop the news, leaving the charge with an unpaid order (kIgnore: a drop). Reconciliation
  // never ignores a charge: under kIgnore it refunds.
  enum class SuccessAfterFailed : uint8_t { kRefund, kAccept, kIgnore };
  SuccessAfterFailed success_after_failed = SuccessAfterFailed::kRefund;
};

// The payment service's retries of a create that timed out (its answer lost, or the channel down).
struct CreateRetryConfig {
  int retries = 0;  // creates sent again after the first timed out, each `backoff` after a timeout
  sim::Duration backoff = sim::Duration::seconds(1);
  // Every create carries the payment's idempotency key, so a retry is answered with the first
  // create's result; without one each retry is a new charge (a sync channel charges again).
  bool idempotency_key = true;
};

struct OrderQueryConfig {
  bool enabled = false;
  // The order service asks the payment service about orders still unpaid at these ages.
  std::vector<sim::Duration> at_ages;
};

struct DedupConfig {
  bool order_lock = false;  // per-order distributed lock around apply-pay and callbacks
  sim::Duration lock_ttl = sim::Duration::seconds(10);
  // Fault: the lock holder pauses (GC, slow I/O) for `lock_stall` with this probability, so
  // the lock can expire under it and let a second request through.
  double lock_stall_probability = 0.0;
  sim::Duration lock_stall = sim::Duration::seconds(15);
  bool compare_and_set = false;    // storage-side guard: create a payment only if none is active
  bool check_paid = true;          // refuse apply-pay for an order already PAID
  bool reuse_in_flight = false;    // a repeated apply-pay returns the in-flight payment
  bool cancel_in_flight = false;   // close in-flight payments before creating a new one
  bool refund_duplicates = false;  // refund a success for an order already paid
};

struct ClientConfig {
  sim::Duration poll_interval = sim::Duration::seconds(1);
  sim::Duration poll_timeout = sim::Duration::seconds(10);
  // The countdown page (倒计时页): once fast polling gives up, the app keeps checking every
  // countdown_interval for at most countdown_timeout before it shows "unpaid".
  bool countdown_enabled = false;
  sim::Duration countdown_interval = sim::Duration::seconds(5);
  sim::Duration countdown_timeout = sim::Duration::minutes(1);
  bool push_enabled = false;
  double push_loss_probability = 0.2;
  sim::Distribution push_latency = sim::Distribution::fixed(sim::Duration::millis(200));
};

// What the merchant knows of a channel it integrates: its name and what its API allows, from
// the channel's documentation. The system never reads the mock channel's fault profile; the
// harness fills these from the scenario's channels (a merchant that believes a channel refunds
// when it does not is a scenario the harness could build by overriding them).
struct MerchantChannel {
  std::string name;
  bool refund_supported = true;
  bool cancel_supported = true;
  sim::Duration cancel_min_age;  // WeChat Pay: no close within 5 minutes of creation
};

// How the payment service answers a channel's callback.
struct CallbackConfig {
  // kAfterProcessing: acknowledge once the callback is handled (state written, order notified):
  // a slow handler misses the channel's ack deadline and the channel sends it again.
  // kOnReceipt: acknowledge on arrival, then handle it (Adyen: "acknowledge, then process"):
  // never late, but a crash before the handling loses a callback the channel no longer re-sends.
  enum class Ack : uint8_t { kAfterProcessing, kOnReceipt } ack = Ack::kAfterProcessing;
};

// How the refund job (refund_job.h) reads a refund the channel accepted but has not finished
// (channels[].refund.completion_delay). kConfirm: the refund is done when the channel says the
// money went back (its refund notice, or the same refund asked again every RefundJob::kRetryGap,
// which also starts a failed refund over). kTrust: "accepted" is taken for done: the payment is
// REFUNDED at once, and a refund that fails later leaves the money with the shop, unseen.
struct RefundConfig {
  enum class OnAccepted : uint8_t { kConfirm, kTrust } on_accepted = OnAccepted::kConfirm;
};

struct SystemConfig {
  PaymentServiceConfig payment_service;
  CallbackConfig callback;
  RefundConfig refund;
  OrderServiceConfig order_service;
  NotifyConfig notify;
  CreateRetryConfig create_retry;
  CompensationConfig compensation;
  OrderQueryConfig order_query;
  DedupConfig dedup;
  ClientConfig client;
  std::vector<MerchantChannel> channels;  // by scenario index
};

}  // namespace sut
