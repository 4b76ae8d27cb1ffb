// `system:`: the payment and order services, notify, compensation, order query, dedup and the
// client: the design under test. `environment:`: what the world does to it (latencies, failures,
// outages, crashes, pauses, message loss); decoded onto the same config structs, which the links
// and the host read (links/).
#include <fmt/format.h>

#include "harness/internal/scenario_decode.h"
#include "harness/internal/value_readers.h"

namespace harness::internal {

namespace {

// `mq_retry: rocketmq` (the broker's default schedule) or a list of gaps.
std::optional<std::vector<sim::Duration>> decode_mq_retry(Decoder& d, const Cursor& at) {
  if (at.node.IsScalar()) {
    if (at.node.Scalar() == "rocketmq") return sut::rocketmq_consumer_retries();
    d.error(at, "expected 'rocketmq' or a list of durations, got " + describe(at.node));
    return std::nullopt;
  }
  return decode_durations(d, at);
}

std::optional<sut::CrashWindow> decode_crash(Decoder& d, const Cursor& at) {
  MapReader reader(d, at);
  if (!reader.is_map() && !at.node.IsNull()) return std::nullopt;
  std::optional<Cursor> at_at = reader.get("at");
  std::optional<Cursor> restart_at = reader.get("restart_after");
  if (!at_at) d.error(at, "a crash needs 'at'");
  if (!restart_at) d.error(at, "a crash needs 'restart_after'");
  if (!at_at || !restart_at) return std::nullopt;
  std::optional<sim::Time> when = decode_time(d, *at_at);
  std::optional<sim::Duration> restart_after = decode_duration(d, *restart_at);
  if (!when || !restart_after) return std::nullopt;
  return sut::CrashWindow{*when, *restart_after};
}

// environment.payment_service: the host the payment service runs on.
void decode_payment_host(Decoder& d, const Cursor& at, sut::PaymentServiceConfig& out,
                         sut::DedupConfig& pauses) {
  MapReader reader(d, at);
  reader.read("step_latency", out.step_latency, decode_duration);
  if (auto crashes_at = reader.get("crashes")) {
    std::vector<sut::CrashWindow> crashes;
    for_each_item(d, *crashes_at, [&](const Cursor& item) {
      if (auto crash = decode_crash(d, item)) crashes.push_back(*crash);
    });
    out.crashes = std::move(crashes);
  }
  reader.read("lock_stall_probability", pauses.lock_stall_probability, decode_probability);
  reader.read("lock_stall", pauses.lock_stall, decode_duration);
  reader.read("callback_handling", out.callback_handling, decode_distribution);
}

// environment.order_service: the link from the payment service and the MQ to the order service.
void decode_order_link(Decoder& d, const Cursor& at, sut::OrderServiceConfig& out) {
  MapReader reader(d, at);
  reader.read("notify_latency", out.notify_latency, decode_distribution);
  reader.read("notify_failure_probability", out.notify_failure_probability, decode_probability);
  if (auto outages_at = reader.get("outages")) {
    std::vector<sut::DownWindow> outages;
    for_each_item(d, *outages_at, [&](const Cursor& item) {
      if (auto window = decode_window<sut::DownWindow>(d, item, "an outage"))
        outages.push_back(*window);
    });
    out.outages = std::move(outages);
  }
}

void decode_mq_link(Decoder& d, const Cursor& at, sut::NotifyConfig& out) {
  MapReader reader(d, at);
  reader.read("latency", out.mq_latency, decode_distribution);
  reader.read("loss_probability", out.mq_loss_probability, decode_probability);
}

void decode_push_link(Decoder& d, const Cursor& at, sut::ClientConfig& out) {
  MapReader reader(d, at);
  reader.read("loss_probability", out.push_loss_probability, decode_probability);
  reader.read("latency", out.push_latency, decode_distribution);
}

void decode_order_service(Decoder& d, const Cursor& at, sut::OrderServiceConfig& out) {
  using LatePayment = sut::OrderServiceConfig::LatePayment;
  MapReader reader(d, at);
  reader.read("order_timeout", out.order_timeout, decode_duration);
  reader.read("late_payment", out.late_payment,
              EnumOf<LatePayment>{{{"accept", LatePayment::kAccept},
                                   {"refund", LatePayment::kRefund},
                                   {"reject", LatePayment::kReject}}});
  reader.read("close_at_channel", out.close_at_channel, decode_bool);
  using ConsumerAck = sut::OrderServiceConfig::ConsumerAck;
  reader.read("consumer_ack", out.consumer_ack,
              EnumOf<ConsumerAck>{{{"after_update", ConsumerAck::kAfterUpdate},
                                   {"before_update", ConsumerAck::kBeforeUpdate}}});
  reader.read("checkout_per_purchase", out.checkout_per_purchase, decode_bool);
  reader.read("refund_repeat_purchase", out.refund_repeat_purchase, decode_bool);
}

// A duration of at most an hour: a window that stays open longer is not a publish delay.
std::optional<sim::Duration> decode_publish_delay(Decoder& d, const Cursor& at) {
  std::optional<sim::Duration> value = decode_duration(d, at);
  if (value && *value > sim::Duration::hours(1)) {
    d.error(at, "must be at most 1h, got '" + at.node.Scalar() + "'");
    return std::nullopt;
  }
  return value;
}

void decode_notify(Decoder& d, const Cursor& at, sut::NotifyConfig& out) {
  MapReader reader(d, at);
  reader.read("sync_retries", out.sync_retries, IntInRange{0, 1000});
  reader.read("sync_backoff", out.sync_backoff, decode_duration);
  reader.read("async_mq", out.async_mq, decode_bool);
  reader.read("mq_retry", out.mq_retry, decode_mq_retry);
  reader.read("publish_delay", out.publish_delay, decode_publish_delay);
  std::optional<Cursor> outbox_at = reader.get("outbox");
  if (outbox_at) {
    if (std::optional<bool> outbox = decode_bool(d, *outbox_at)) out.outbox = *outbox;
  }
  reader.read("outbox_relay_interval", out.outbox_relay_interval,
              [](Decoder& dd, const Cursor& c) -> std::optional<sim::Duration> {
                std::optional<sim::Duration> value = decode_publish_delay(dd, c);
                if (value && *value <= sim::Duration::zero()) {
                  dd.error(c, "duration must be greater than 0, got '" + c.node.Scalar() + "'");
                  return std::nullopt;
                }
                return value;
              });
  if (out.outbox && !out.async_mq) {
    d.error(outbox_at.value_or(reader.cursor()),
            "an outbox holds the \"payment succeeded\" message: it needs async_mq: true");
  }
}

void decode_create_retry(Decoder& d, const Cursor& at, sut::CreateRetryConfig& out) {
  MapReader reader(d, at);
  reader.read("retries", out.retries, IntInRange{0, 100});
  reader.read("backoff", out.backoff, decode_duration);
  reader.read("idempotency_key", out.idempotency_key, decode_bool);
}

void decode_callback(Decoder& d, const Cursor& at, sut::CallbackConfig& out) {
  using Ack = sut::CallbackConfig::Ack;
  MapReader reader(d, at);
  reader.read(
      "ack", out.ack,
      EnumOf<Ack>{{{"after_processing", Ack::kAfterProcessing}, {"on_receipt", Ack::kOnReceipt}}});
}

void decode_polling(Decoder& d, const Cursor& at, sut::PollingConfig& out) {
  using Source = sut::PollingConfig::Source;
  MapReader reader(d, at);
  reader.read("interval", out.interval, decode_positive_duration);
  reader.read(
      "source", out.source,
      EnumOf<Source>{{{"pending_table", Source::kPendingTable}, {"full_scan", Source::kFullScan}}});
  reader.read("batch_size", out.batch_size, IntInRange{1, 1'000'000});
  reader.read("workers", out.workers, IntInRange{1, 10'000});
  reader.read("lookback", out.lookback, decode_positive_duration);
  reader.read("max_attempts", out.max_attempts, IntInRange{1, 1'000'000});
  reader.read("min_age", out.min_age, decode_duration);
  reader.read("age_schedule", out.age_schedule, decode_durations);
}

void decode_delay_message(Decoder& d, const Cursor& at, sut::DelayMessageConfig& out) {
  using Levels = sut::DelayMessageConfig::Levels;
  MapReader reader(d, at);
  reader.read("schedule", out.schedule, decode_durations);
  reader.read("levels", out.levels,
              EnumOf<Levels>{{{"arbitrary", Levels::kArbitrary}, {"rocketmq", Levels::kRocketMq}}});
}

// The map's presence turns the feature on; `enabled: false` turns it off again.
void decode_reconciliation(Decoder& d, const Cursor& at, sut::ReconciliationConfig& out) {
  MapReader reader(d, at);
  out.enabled = true;
  reader.read("enabled", out.enabled, decode_bool);
  reader.read("every", out.every, decode_positive_duration);
  reader.read("lag", out.lag, decode_duration);
}

void decode_compensation(Decoder& d, const Cursor& at, sut::CompensationConfig& out) {
  using sut::Strategy;
  using RetryStorage = sut::CompensationConfig::RetryStorage;
  MapReader reader(d, at);
  reader.read("strategy", out.strategy,
              EnumOf<Strategy>{{{"none", Strategy::kNone},
                                {"polling", Strategy::kPolling},
                                {"delay_message", Strategy::kDelayMessage},
                                {"hybrid", Strategy::kHybrid}}});
  if (auto polling_at = reader.get("polling")) decode_polling(d, *polling_at, out.polling);
  std::optional<Cursor> delay_at = reader.get("delay_message");
  if (delay_at) decode_delay_message(d, *delay_at, out.delay_message);
  if (auto reconciliation_at = reader.get("reconciliation")) {
    decode_reconciliation(d, *reconciliation_at, out.reconciliation);
  }
  reader.read("retry_storage", out.retry_storage,
              EnumOf<RetryStorage>{
                  {{"durable", RetryStorage::kDurable}, {"in_memory", RetryStorage::kInMemory}}});
  using PendingRow = sut::CompensationConfig::PendingRow;
  reader.read("pending_row", out.pending_row,
              EnumOf<PendingRow>{{{"before_call", PendingRow::kBeforeCall},
                                  {"on_accepted", PendingRow::kOnAccepted}}});
  using OnNotFound = sut::CompensationConfig::OnNotFound;
  reader.read(
      "on_not_found", out.on_not_found,
      EnumOf<OnNotFound>{{{"wait", OnNotFound::kWait}, {"mark_failed", OnNotFound::kMarkFailed}}});
  using OnExhausted = sut::CompensationConfig::OnExhausted;
  reader.read("on_exhausted", out.on_exhausted,
              EnumOf<OnExhausted>{{{"give_up", OnExhausted::kGiveUp},
                                   {"mark_failed", OnExhausted::kMarkFailed},
                                   {"close", OnExhausted::kClose}}});
  using SuccessAfterFailed = sut::CompensationConfig::SuccessAfterFailed;
  reader.read("success_after_failed", out.success_after_failed,
              EnumOf<SuccessAfterFailed>{{{"refund", SuccessAfterFailed::kRefund},
                                          {"accept", SuccessAfterFailed::kAccept},
                                          {"ignore", SuccessAfterFailed::kIgnore}}});
  bool uses_delay_messages =
      out.strategy == Strategy::kDelayMessage || out.strategy == Strategy::kHybrid;
  if (uses_delay_messages && out.delay_message.schedule.empty()) {
    d.error(delay_at ? *delay_at : reader.cursor(),
            "strategy " +
                std::string(out.strategy == Strategy::kHybrid ? "hybrid" : "delay_message") +
                " needs a non-empty delay_message.schedule");
  }
}

void decode_order_query(Decoder& d, const Cursor& at, sut::OrderQueryConfig& out) {
  MapReader reader(d, at);
  out.enabled = true;
  reader.read("enabled", out.enabled, decode_bool);
  reader.read("at_ages", out.at_ages, decode_durations);
}

void decode_dedup(Decoder& d, const Cursor& at, sut::DedupConfig& out) {
  MapReader reader(d, at);
  reader.read("order_lock", out.order_lock, decode_bool);
  reader.read("lock_ttl", out.lock_ttl, decode_positive_duration);
  reader.read("compare_and_set", out.compare_and_set, decode_bool);
  reader.read("check_paid", out.check_paid, decode_bool);
  reader.read("reuse_in_flight", out.reuse_in_flight, decode_bool);
  reader.read("cancel_in_flight", out.cancel_in_flight, decode_bool);
  reader.read("refund_duplicates", out.refund_duplicates, decode_bool);
}

void decode_refund(Decoder& d, const Cursor& at, sut::RefundConfig& out) {
  MapReader reader(d, at);
  using OnAccepted = sut::RefundConfig::OnAccepted;
  reader.read(
      "on_accepted", out.on_accepted,
      EnumOf<OnAccepted>{{{"confirm", OnAccepted::kConfirm}, {"trust", OnAccepted::kTrust}}});
}

void decode_push(Decoder& d, const Cursor& at, sut::ClientConfig& out) {
  MapReader reader(d, at);
  out.push_enabled = true;
  reader.read("enabled", out.push_enabled, decode_bool);
}

// The map's presence turns the countdown page on; `enabled: false` turns it off again.
void decode_countdown(Decoder& d, const Cursor& at, sut::ClientConfig& out) {
  MapReader reader(d, at);
  out.countdown_enabled = true;
  reader.read("enabled", out.countdown_enabled, decode_bool);
  reader.read("interval", out.countdown_interval, decode_positive_duration);
  reader.read("timeout", out.countdown_timeout, decode_duration);
}

void decode_client(Decoder& d, const Cursor& at, sut::ClientConfig& out) {
  MapReader reader(d, at);
  reader.read("poll_interval", out.poll_interval, decode_positive_duration);
  reader.read("poll_timeout", out.poll_timeout, decode_duration);
  if (auto push_at = reader.get("push")) decode_push(d, *push_at, out);
  if (auto countdown_at = reader.get("countdown")) decode_countdown(d, *countdown_at, out);
}

}  // namespace

void decode_system(Decoder& d, const Cursor& at, sut::SystemConfig& out) {
  MapReader reader(d, at);
  if (auto c = reader.get("payment_service")) {
    MapReader moved(d,
                    *c);  // all its keys moved to environment.payment_service: any left is unknown
  }
  if (auto c = reader.get("order_service")) decode_order_service(d, *c, out.order_service);
  if (auto c = reader.get("notify")) decode_notify(d, *c, out.notify);
  if (auto c = reader.get("create_retry")) decode_create_retry(d, *c, out.create_retry);
  if (auto c = reader.get("callback")) decode_callback(d, *c, out.callback);
  if (auto c = reader.get("refund")) decode_refund(d, *c, out.refund);
  if (auto c = reader.get("compensation")) decode_compensation(d, *c, out.compensation);
  if (auto c = reader.get("order_query")) decode_order_query(d, *c, out.order_query);
  if (auto c = reader.get("dedup")) decode_dedup(d, *c, out.dedup);
  if (auto c = reader.get("client")) decode_client(d, *c, out.client);
}

void decode_environment(Decoder& d, const Cursor& at, sut::SystemConfig& out) {
  MapReader reader(d, at);
  if (auto c = reader.get("payment_service"))
    decode_payment_host(d, *c, out.payment_service, out.dedup);
  if (auto c = reader.get("order_service")) decode_order_link(d, *c, out.order_service);
  if (auto c = reader.get("mq")) decode_mq_link(d, *c, out.notify);
  if (auto c = reader.get("push")) decode_push_link(d, *c, out.client);
}

}  // namespace harness::internal
