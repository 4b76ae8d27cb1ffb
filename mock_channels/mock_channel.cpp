// MockChannel's merchant API (create, query, close, refund) and wallet. Callbacks live in
// mock_channel_callbacks.cpp.
#include "mock_channels/mock_channel.h"

#include <cassert>

#include "mock_channels/ledger.h"

namespace channels {
namespace purpose = internal::purpose;
using internal::effective_state;
using internal::fault_stream;

namespace {

std::string state_name(TradeState state) { return std::string(to_string(state)); }

[[maybe_unused]] bool is_probability(double p) { return p >= 0.0 && p <= 1.0; }

}  // namespace

MockChannel::MockChannel(sim::Runtime& runtime, const ChannelConfig& config, uint32_t index,
                         Ledger& ledger, ChannelClient& client, sim::Tracer* tracer)
    : runtime_(runtime),
      config_(config),
      index_(index),
      ledger_(ledger),
      client_(client),
      tracer_(tracer),
      component_("channel:" + config.name) {
  // The scenario loader validates configs and reports errors with file and line; a bad config
  // reaching here is a programmer error.
  assert(is_probability(config_.success_probability));
  assert(is_probability(config_.double_charge_probability));
  assert(is_probability(config_.create_reply_loss_probability));
  assert(is_probability(config_.callback.drop_probability));
  assert(is_probability(config_.callback.duplicate_probability));
  assert(is_probability(config_.callback.reorder_probability));
  assert(is_probability(config_.query.failure_probability));
  assert(is_probability(config_.query.stale_probability));
  assert(is_probability(config_.refund.failure_probability));
  assert(is_probability(config_.refund.completion_failure_probability));
  assert(is_probability(config_.refund.notify_drop_probability));
  assert(config_.timeout >= sim::Duration::zero());
  for (const OutageWindow& window : config_.outages) {
    assert(window.duration >= sim::Duration::zero());
    (void)window;
  }
}

bool MockChannel::in_outage(sim::Time at) const {
  for (const OutageWindow& window : config_.outages) {
    if (window.start <= at && at < window.start + window.duration) return true;
  }
  return false;
}

bool MockChannel::refused_by_outage(const PaymentKey& key, const char* call) {
  if (!in_outage(runtime_.now())) return false;
  ++stats_.calls_during_outage;
  sim::report_fault(tap_, kStruckOutage, key.order);
  trace(key.order, [&] {
    return std::string(call) + " unanswered: channel is down (outage), caller times out";
  });
  return true;
}

TradeState MockChannel::trade_state(PaymentId payment) const {
  const Trade* trade = trades_.find(payment);
  if (trade == nullptr) return TradeState::kNotFound;
  return effective_state(*trade, runtime_.now(), config_.trade_expiry);
}

void MockChannel::forget(PaymentId payment) {
  Trade* trade = trades_.find(payment);
  if (trade == nullptr) return;
  const sim::TimerId resend = trade->resend_timer;
  trades_.erase(payment);
  // Last: cancelling releases the timer's activity, which may retire the order re-entrantly.
  if (resend.valid()) runtime_.cancel(resend);
}

void MockChannel::begin_work(uint64_t order) {
  if (activity_ != nullptr) activity_->begin(order);
}

sim::Hold MockChannel::finish_work(uint64_t order) {
  return activity_ != nullptr ? sim::Hold::adopt(*activity_, order) : sim::Hold();
}

sim::Hold MockChannel::hold_work(uint64_t order) {
  return activity_ != nullptr ? sim::Hold(*activity_, order) : sim::Hold();
}

// ---- create -------------------------------------------------------------------------------

void MockChannel::create(CallId call, const PaymentKey& key, int64_t amount_minor,
                         IdempotencyKey idempotency) {
  assert(key.channel == index_);
  assert(amount_minor > 0);
  ++stats_.creates;
  if (refused_by_outage(key, "create")) {
    begin_work(key.order);
    runtime_.schedule_after(config_.timeout, [this, call, key] {
      const sim::Hold work = finish_work(key.order);
      client_.on_create_reply(call, key, {CallStatus::kTimeout, TradeState::kNotFound});
    });
    return;
  }
  Trade* trade = trades_.find(key.payment);
  if (trade == nullptr) {
    trade = &trades_.insert(key.payment, Trade{});
    trade->key = key;
    trade->amount_minor = amount_minor;
  }
  if (idempotency == IdempotencyKey::kNone && trade->create_calls > 0) ++trade->keyless_repeats;
  sim::RandomStream rng =
      fault_stream(runtime_, key, purpose::kCreateLatency, trade->create_calls++);
  begin_work(key.order);
  runtime_.schedule_after(config_.accept_latency.sample(rng), [this, call, key, amount_minor] {
    const sim::Hold work = finish_work(key.order);
    on_create_landed(call, key, amount_minor);
  });
}

void MockChannel::on_create_landed(CallId call, const PaymentKey& key, int64_t amount_minor) {
  Trade* trade = trades_.find(key.payment);
  if (trade == nullptr) {
    // Every call gets its reply (contracts/ids.h), even one about a trade already forgotten.
    trace(key.order,
          [] { return std::string("create landed for a forgotten payment: answered unknown"); });
    client_.on_create_reply(call, key, {CallStatus::kError, TradeState::kNotFound});
    return;
  }
  const sim::Time now = runtime_.now();
  if (amount_minor != trade->amount_minor) {
    // WeChat Pay refuses an order number reused with different parameters.
    trace(key.order,
          [] { return std::string("create refused: payment reused with another amount"); });
    client_.on_create_reply(
        call, key, {CallStatus::kError, effective_state(*trade, now, config_.trade_expiry)});
    return;
  }
  const bool keyless_repeat = trade->state != TradeState::kNotFound && trade->keyless_repeats > 0;
  if (keyless_repeat) --trade->keyless_repeats;
  TradeState state = TradeState::kPending;
  if (trade->state == TradeState::kNotFound) {
    trade->created_at = now;
    trade->state = TradeState::kPending;
    if (config_.mode == ChannelMode::kSync) {
      // Sync channels (bank card, withholding) charge on the create call itself and send no
      // callback.
      state = decide_payment(*trade);
    } else {
      trace(key.order, [&] {
        return "trade created, pending, amount " + std::to_string(amount_minor) + " minor";
      });
    }
  } else if (keyless_repeat && config_.mode == ChannelMode::kSync) {
    state = charge_again(*trade);
  } else {
    // A repeated create for the same payment (with its idempotency key; or on an async channel,
    // where a keyless one would open a second checkout the user never sees): it answers the
    // trade's state, as the first create did.
    state = effective_state(*trade, now, config_.trade_expiry);
    trace(key.order,
          [&] { return "create repeated: answered existing trade, " + state_name(state); });
  }
  if (faults_ != nullptr && faults_->should_fail(kFaultCreateReply)) {
    ++stats_.create_replies_lost;
    sim::report_fault(tap_, kStruckCreateReplyLost, key.order);
    trace(key.order,
          [] { return std::string("create reply lost (fault plan): caller times out"); });
    client_.on_create_reply(call, key, {CallStatus::kTimeout, TradeState::kNotFound});
    return;
  }
  if (create_reply_lost(*trade)) {
    ++stats_.create_replies_lost;
    sim::report_fault(tap_, kStruckCreateReplyLost, key.order);
    trace(key.order, [&] {
      return "create took effect (" + state_name(state) +
             ") but its answer is lost (create_reply_loss fault): caller times out";
    });
    begin_work(key.order);
    runtime_.schedule_after(config_.timeout, [this, call, key] {
      const sim::Hold work = finish_work(key.order);
      client_.on_create_reply(call, key, {CallStatus::kTimeout, TradeState::kNotFound});
    });
    return;
  }
  client_.on_create_reply(call, key, {CallStatus::kOk, state, internal::paid_at_us(*trade)});
}

bool MockChannel::create_reply_lost(Trade& trade) {
  const uint32_t counter = trade.creates_landed++;
  // No draw when the fault is off: scenarios without it make exactly the draws they always did.
  return config_.create_reply_loss_probability > 0.0 &&
         fault_stream(runtime_, trade.key, purpose::kCreateReplyLoss, counter)
             .bernoulli(config_.create_reply_loss_probability);
}

// ---- pay ----------------------------------------------------------------------------------

PayOutcome MockChannel::user_pays(const PaymentKey& key) {
  PayOutcome refused = PayOutcome::kUnavailable;
  Trade* trade = payable_trade(key, "wallet payment", &refused);
  if (trade == nullptr) return refused;
  const TradeState outcome = decide_payment(*trade);
  if (outcome == TradeState::kSuccess) {
    start_callbacks(*trade, TradeState::kSuccess);
    return PayOutcome::kCharged;
  }
  return notify_declined(*trade);
}

PayOutcome MockChannel::user_declines(const PaymentKey& key) {
  PayOutcome refused = PayOutcome::kUnavailable;
  Trade* trade = payable_trade(key, "wallet decline", &refused);
  if (trade == nullptr) return refused;
  trade->state = TradeState::kFailed;
  trace(key.order, [] { return std::string("payment declined by the user in the wallet"); });
  return notify_declined(*trade);
}

MockChannel::Trade* MockChannel::payable_trade(const PaymentKey& key, const char* what,
                                               PayOutcome* refused) {
  *refused = PayOutcome::kUnavailable;
  if (refused_by_outage(key, what)) return nullptr;
  Trade* trade = trades_.find(key.payment);
  if (trade == nullptr || config_.mode == ChannelMode::kSync) {
    trace(key.order, [&] { return std::string(what) + " refused: no payable trade"; });
    return nullptr;
  }
  const TradeState state = effective_state(*trade, runtime_.now(), config_.trade_expiry);
  if (state != TradeState::kPending) {
    if (state == TradeState::kClosed) {
      // Expired (trade_expiry: WeChat Pay's 45 s quick-pay revoke) or closed by the merchant.
      *refused = PayOutcome::kClosed;
      ++stats_.pays_refused_closed;
    }
    trade->state = state;  // records an expiry the user just observed
    trace(key.order, [&] { return std::string(what) + " refused: trade is " + state_name(state); });
    return nullptr;
  }
  trade->scanned = true;  // from now on a query finds it (query.not_found_before_scan)
  return trade;
}

PayOutcome MockChannel::notify_declined(Trade& trade) {
  if (config_.callback.notify_failures) start_callbacks(trade, TradeState::kFailed);
  return PayOutcome::kDeclined;
}

TradeState MockChannel::decide_payment(Trade& trade) {
  assert(trade.state == TradeState::kPending);
  const uint32_t counter = trade.pay_calls++;
  const bool success = fault_stream(runtime_, trade.key, purpose::kPaySuccess, counter)
                           .bernoulli(config_.success_probability);
  if (!success) {
    trade.state = TradeState::kFailed;
    trace(trade.key.order, [] { return std::string("payment declined (success fault)"); });
    return trade.state;
  }
  const sim::Time now = runtime_.now();
  ledger_.record_charge(trade.key, trade.amount_minor, now);
  trade.charged_minor += trade.amount_minor;
  ++stats_.charges;
  trade.state = TradeState::kSuccess;
  trade.paid_at = now;
  trace(trade.key.order,
        [&] { return "charged " + std::to_string(trade.amount_minor) + " minor"; });
  const bool twice = fault_stream(runtime_, trade.key, purpose::kDoubleCharge, counter)
                         .bernoulli(config_.double_charge_probability);
  if (twice) {
    ledger_.record_charge(trade.key, trade.amount_minor, now);
    trade.charged_minor += trade.amount_minor;
    ++stats_.charges;
    ++stats_.double_charges;
    sim::report_fault(tap_, kStruckDoubleCharge, trade.key.order);
    trace(trade.key.order, [] { return std::string("double charge: money taken twice (fault)"); });
  }
  return trade.state;
}

TradeState MockChannel::charge_again(Trade& trade) {
  const TradeState before = trade.state;
  const sim::Time first_paid_at = trade.paid_at;
  trace(trade.key.order, [] {
    return std::string("create repeated without an idempotency key: a new charge attempt");
  });
  trade.state = TradeState::kPending;
  const TradeState outcome = decide_payment(trade);
  if (outcome != TradeState::kSuccess) {
    trade.state = before;  // a declined attempt leaves the earlier charges as they were
  } else {
    ++stats_.keyless_recharges;
    if (before == TradeState::kSuccess || before == TradeState::kRefunded) {
      trade.paid_at = first_paid_at;  // the user paid first then
    }
  }
  return outcome;
}

// ---- query --------------------------------------------------------------------------------

void MockChannel::query(CallId call, const PaymentKey& key, QuerySource source) {
  assert(key.channel == index_);
  ++stats_.queries;
  if (refused_by_outage(key, "query")) {
    begin_work(key.order);
    runtime_.schedule_after(config_.timeout, [this, call, key, source] {
      const sim::Hold work = finish_work(key.order);
      client_.on_query_reply(call, key, source, {CallStatus::kTimeout, TradeState::kNotFound});
    });
    return;
  }
  Trade* trade = trades_.find(key.payment);
  const uint32_t counter = trade ? trade->query_calls++ : internal::kUnknownTradeCounter;
  sim::RandomStream rng = fault_stream(runtime_, key, purpose::kQueryLatency, counter);
  begin_work(key.order);
  runtime_.schedule_after(config_.query.latency.sample(rng), [this, call, key, source, counter] {
    const sim::Hold work = finish_work(key.order);
    on_query_landed(call, key, source, counter);
  });
}

void MockChannel::on_query_landed(CallId call, const PaymentKey& key, QuerySource source,
                                  uint32_t counter) {
  const bool planned_failure = faults_ != nullptr && faults_->should_fail(kFaultQuery);
  const bool failed = fault_stream(runtime_, key, purpose::kQueryFailure, counter)
                          .bernoulli(config_.query.failure_probability) ||
                      planned_failure;
  const bool stale = fault_stream(runtime_, key, purpose::kQueryStale, counter)
                         .bernoulli(config_.query.stale_probability);
  if (failed) {
    ++stats_.queries_failed;
    sim::report_fault(tap_, kStruckQueryFailed, key.order);
    trace(key.order, [] { return std::string("query answered error (failure fault)"); });
    client_.on_query_reply(call, key, source, {CallStatus::kError, TradeState::kNotFound});
    return;
  }
  const TradeState truth = trade_state(key.payment);
  const Trade* trade = trades_.find(key.payment);
  if (truth == TradeState::kPending && config_.query.not_found_before_scan &&
      config_.mode == ChannelMode::kAsync && !trade->scanned) {
    // Alipay: before the buyer scans the QR code the trade does not exist at the channel.
    ++stats_.queries_not_scanned;
    trace(key.order, [] {
      return std::string("query answered NOT_FOUND: the user has not scanned the code yet");
    });
    client_.on_query_reply(call, key, source, {CallStatus::kOk, TradeState::kNotFound});
    return;
  }
  if (truth == TradeState::kSuccess && stale) {
    ++stats_.queries_stale;
    sim::report_fault(tap_, kStruckQueryStale, key.order);
    trace(key.order,
          [] { return std::string("query answered pending although paid (stale fault)"); });
    client_.on_query_reply(call, key, source, {CallStatus::kOk, TradeState::kPending});
    return;
  }
  trace(key.order, [&] { return "query answered " + state_name(truth); });
  client_.on_query_reply(call, key, source,
                         {CallStatus::kOk, truth, trade ? internal::paid_at_us(*trade) : 0});
}

// ---- close --------------------------------------------------------------------------------

void MockChannel::close(CallId call, const PaymentKey& key) {
  assert(key.channel == index_);
  ++stats_.closes;
  if (refused_by_outage(key, "close")) {
    begin_work(key.order);
    runtime_.schedule_after(config_.timeout, [this, call, key] {
      const sim::Hold work = finish_work(key.order);
      client_.on_close_reply(call, key, {CallStatus::kTimeout, TradeState::kNotFound});
    });
    return;
  }
  const Trade* trade = trades_.find(key.payment);
  const char* refusal = nullptr;
  if (!config_.cancel.supported) {
    refusal = "close refused: channel does not support close";
  } else if (trade != nullptr && config_.cancel.min_age > sim::Duration::zero() &&
             (trade->state == TradeState::kNotFound ||
              runtime_.now() - trade->created_at < config_.cancel.min_age)) {
    refusal = "close refused: trade younger than the minimum age";
  }
  if (refusal != nullptr) {
    trace(key.order, [&] { return std::string(refusal); });
    begin_work(key.order);
    runtime_.schedule_after(config_.cancel.latency, [this, call, key] {
      const sim::Hold work = finish_work(key.order);
      client_.on_close_reply(call, key, {CallStatus::kOk, TradeState::kPending});
    });
    return;
  }
  begin_work(key.order);
  runtime_.schedule_after(config_.cancel.latency, [this, call, key] {
    const sim::Hold work = finish_work(key.order);
    on_close_landed(call, key);
  });
}

void MockChannel::on_close_landed(CallId call, const PaymentKey& key) {
  Trade* trade = trades_.find(key.payment);
  if (trade == nullptr || trade->state == TradeState::kNotFound) {
    trace(key.order, [] { return std::string("close landed on an unknown trade"); });
    client_.on_close_reply(call, key, {CallStatus::kError, TradeState::kNotFound});
    return;
  }
  const TradeState state = effective_state(*trade, runtime_.now(), config_.trade_expiry);
  if (state == TradeState::kPending || state == TradeState::kClosed) {
    trade->state = TradeState::kClosed;
    trace(key.order,
          [] { return std::string("close landed: trade closed, user can no longer pay"); });
    client_.on_close_reply(call, key, {CallStatus::kOk, TradeState::kClosed});
    return;
  }
  // The user paid (or the payment failed) before the close landed: the race. The charge stands.
  trace(key.order, [&] { return "close raced: trade already " + state_name(state); });
  client_.on_close_reply(call, key, {CallStatus::kOk, state, internal::paid_at_us(*trade)});
}

// ---- refund -------------------------------------------------------------------------------

void MockChannel::refund(CallId call, const PaymentKey& key, int64_t amount_minor) {
  assert(key.channel == index_);
  ++stats_.refunds;
  if (refused_by_outage(key, "refund")) {
    begin_work(key.order);
    runtime_.schedule_after(config_.timeout, [this, call, key] {
      const sim::Hold work = finish_work(key.order);
      client_.on_refund_reply(call, key, {CallStatus::kTimeout, false});
    });
    return;
  }
  if (!config_.refund.supported) {
    ++stats_.refunds_failed;
    trace(key.order,
          [] { return std::string("refund refused: channel does not support refunds"); });
    begin_work(key.order);
    runtime_.schedule_after(config_.refund.latency, [this, call, key] {
      const sim::Hold work = finish_work(key.order);
      client_.on_refund_reply(call, key, {CallStatus::kError, false});
    });
    return;
  }
  Trade* trade = trades_.find(key.payment);
  const uint32_t counter = trade ? trade->refund_calls++ : internal::kUnknownTradeCounter;
  begin_work(key.order);
  runtime_.schedule_after(config_.refund.latency, [this, call, key, amount_minor, counter] {
    const sim::Hold work = finish_work(key.order);
    on_refund_landed(call, key, amount_minor, counter);
  });
}

void MockChannel::on_refund_landed(CallId call, const PaymentKey& key, int64_t amount_minor,
                                   uint32_t counter) {
  const bool failed = fault_stream(runtime_, key, purpose::kRefundFailure, counter)
                          .bernoulli(config_.refund.failure_probability);
  Trade* trade = trades_.find(key.payment);
  if (trade != nullptr && config_.refund.completes_later()) {
    on_later_refund_landed(call, *trade, amount_minor, failed);
    return;
  }
  const char* failure = nullptr;
  if (failed) {
    sim::report_fault(tap_, kStruckRefundFailed, key.order);
    failure = "refund failed (failure fault)";
  } else if (trade == nullptr) {
    failure = "refund refused: unknown trade";
  } else if (!ledger_.record_refund(trade->key, amount_minor, runtime_.now())) {
    failure = "refund refused: more than the payment still holds";
  }
  if (failure != nullptr) {
    ++stats_.refunds_failed;
    trace(key.order, [&] { return std::string(failure); });
    client_.on_refund_reply(call, key, {CallStatus::kError, false});
    return;
  }
  trade->refunded_minor += amount_minor;
  // Pair assertion with the ledger's own refusal: the channel never pays out more than it took.
  assert(trade->refunded_minor <= trade->charged_minor);
  if (trade->refunded_minor == trade->charged_minor) trade->state = TradeState::kRefunded;
  trace(key.order, [&] {
    return "refunded " + std::to_string(amount_minor) + " minor, trade " + state_name(trade->state);
  });
  client_.on_refund_reply(call, key, {CallStatus::kOk, true});
}

// ---- refunds that finish later ------------------------------------------------------------

void MockChannel::on_later_refund_landed(CallId call, Trade& trade, int64_t amount_minor,
                                         bool failed) {
  const PaymentKey key = trade.key;
  const bool same_refund = trade.refund_amount_minor == amount_minor;
  if (same_refund && trade.refund_progress == internal::RefundProgress::kProcessing) {
    trace(key.order, [] { return std::string("refund asked again: still processing"); });
    client_.on_refund_reply(call, key, {CallStatus::kOk, false});
    return;
  }
  if (same_refund && trade.refund_progress == internal::RefundProgress::kSucceeded) {
    trace(key.order, [] { return std::string("refund asked again: already refunded"); });
    client_.on_refund_reply(call, key, {CallStatus::kOk, true});
    return;
  }
  if (failed) {
    ++stats_.refunds_failed;
    sim::report_fault(tap_, kStruckRefundFailed, key.order);
    trace(key.order, [] { return std::string("refund failed (failure fault)"); });
    client_.on_refund_reply(call, key, {CallStatus::kError, false});
    return;
  }
  // A new refund, or the failed one started over under the same refund number.
  trade.refund_progress = internal::RefundProgress::kProcessing;
  trade.refund_amount_minor = amount_minor;
  const uint32_t counter = trade.refunds_accepted++;
  ++stats_.refunds_accepted;
  sim::RandomStream rng = fault_stream(runtime_, key, purpose::kRefundCompletionDelay, counter);
  const PaymentId payment = key.payment;
  begin_work(key.order);
  runtime_.schedule_after(config_.refund.completion_delay.sample(rng),
                          [this, order = key.order, payment, counter] {
                            const sim::Hold work = finish_work(order);
                            finish_refund(payment, counter);
                          });
  trace(key.order, [&] {
    return "refund of " + std::to_string(amount_minor) + " minor accepted, finishes later";
  });
  client_.on_refund_reply(call, key, {CallStatus::kOk, false});
}

void MockChannel::finish_refund(PaymentId payment, uint32_t counter) {
  Trade* trade = trades_.find(payment);
  if (trade == nullptr) return;  // forgotten: nothing may touch it any more
  assert(trade->refund_progress == internal::RefundProgress::kProcessing);
  const bool fault = fault_stream(runtime_, trade->key, purpose::kRefundCompletionFailure, counter)
                         .bernoulli(config_.refund.completion_failure_probability);
  const bool failed =
      fault || !ledger_.record_refund(trade->key, trade->refund_amount_minor, runtime_.now());
  if (fault) sim::report_fault(tap_, kStruckRefundCompletionFailed, trade->key.order);
  if (failed) {
    trade->refund_progress = internal::RefundProgress::kFailed;
    ++stats_.refunds_failed_later;
    trace(trade->key.order,
          [] { return std::string("accepted refund failed: the money stays taken"); });
  } else {
    trade->refund_progress = internal::RefundProgress::kSucceeded;
    trade->refunded_minor += trade->refund_amount_minor;
    // Pair assertion with the ledger's own refusal: the channel never pays out more than it took.
    assert(trade->refunded_minor <= trade->charged_minor);
    if (trade->refunded_minor == trade->charged_minor) trade->state = TradeState::kRefunded;
    ++stats_.refunds_completed;
    trace(trade->key.order, [&] {
      return "accepted refund done: " + std::to_string(trade->refund_amount_minor) +
             " minor returned, trade " + state_name(trade->state);
    });
  }
  if (config_.refund.notify) send_refund_notice(*trade, counter, !failed);
}

void MockChannel::send_refund_notice(const Trade& trade, uint32_t counter, bool refunded) {
  ++stats_.refund_notices_sent;
  if (fault_stream(runtime_, trade.key, purpose::kRefundNoticeDrop, counter)
          .bernoulli(config_.refund.notify_drop_probability)) {
    ++stats_.refund_notices_dropped;
    sim::report_fault(tap_, kStruckRefundNoticeDropped, trade.key.order);
    trace(trade.key.order, [] { return std::string("refund notice dropped by fault"); });
    return;
  }
  trace(trade.key.order, [&] {
    return std::string("refund notice sent: ") + (refunded ? "refunded" : "refund failed");
  });
  client_.on_refund_notice(trade.key, {CallStatus::kOk, refunded});
}

}  // namespace channels
