// MockChannel's callbacks (回调): the first attempt, the re-send schedule until acknowledged, and
// the faults on the way (drop, duplicate, stale reordered notice, outage).
//
// Attempt n of a payment's callback leaves the channel at a departure time: attempt 1 at the
// charge plus a `callback.delay` sample, attempt n+1 `retries[n-1]` after attempt n. A delivered
// attempt arrives at its departure time (the delay sample models the whole first trip). Every
// fault is keyed by (order, purpose, attempt << 32 | n), so the n-th attempt of a payment meets
// the same faults in every variant that sends it.
#include <cassert>
#include <utility>

#include "mock_channels/mock_channel.h"

namespace channels {
namespace purpose = internal::purpose;
using internal::fault_stream;

namespace {

std::string attempt_name(uint32_t attempt) { return "callback #" + std::to_string(attempt); }

}  // namespace

void MockChannel::start_callbacks(Trade& trade, TradeState notice_state) {
  assert(config_.mode == ChannelMode::kAsync);
  assert(!trade.resend_timer.valid() && trade.callback_attempts == 0);
  trade.notice_state = notice_state;
  sim::RandomStream rng = fault_stream(runtime_, trade.key, purpose::kCallbackDelay, 1);
  const PaymentId payment = trade.key.payment;
  trade.resend_timer = runtime_.schedule_after(
      config_.callback.delay.sample(rng),
      [this, payment, work = hold_work(trade.key.order)] { send_callback(payment); });
}

void MockChannel::send_callback(PaymentId payment) {
  Trade* trade = trades_.find(payment);
  if (trade == nullptr) return;  // forgotten: nothing may touch it any more
  trade->resend_timer = {};
  if (trade->acknowledged) return;  // unreachable while acknowledge() cancels the timer
  const uint32_t attempt = ++trade->callback_attempts;
  const CallbackNotice notice{.key = trade->key,
                              .state = trade->notice_state,
                              .sequence = attempt,
                              .paid_at_us = internal::paid_at_us(*trade)};
  const uint64_t order = trade->key.order;

  if (in_outage(runtime_.now())) {
    ++stats_.callbacks_blocked;
    sim::report_fault(tap_, kStruckOutage, order);
    trace(order, [&] { return attempt_name(attempt) + " not sent: channel is down (outage)"; });
    if (!schedule_next_callback(*trade)) trace_exhausted(order, attempt);
    return;
  }

  ++stats_.callbacks_sent;
  const CallbackProfile& profile = config_.callback;
  const bool planned_drop = faults_ != nullptr && faults_->should_fail(kFaultCallback);
  const bool dropped = fault_stream(runtime_, notice.key, purpose::kCallbackDrop, attempt)
                           .bernoulli(profile.drop_probability) ||
                       planned_drop;
  const bool duplicated = fault_stream(runtime_, notice.key, purpose::kCallbackDuplicate, attempt)
                              .bernoulli(profile.duplicate_probability);
  const bool reordered = fault_stream(runtime_, notice.key, purpose::kCallbackReorder, attempt)
                             .bernoulli(profile.reorder_probability);
  if (dropped) {
    ++stats_.callbacks_dropped;
    sim::report_fault(tap_, kStruckCallbackDropped, order);
    trace(order, [&] { return attempt_name(attempt) + " dropped by fault"; });
    if (!schedule_next_callback(*trade)) trace_exhausted(order, attempt);
    return;
  }
  // The next re-send is scheduled before delivery so that an acknowledgement made inside
  // on_callback cancels it.
  const bool resend_scheduled = schedule_next_callback(*trade);
  // A duplicate (stale=false) or a reordered stale copy (stale=true), after its own delay.
  const auto send_copy_later = [&](uint64_t delay_purpose, bool stale) {
    sim::RandomStream rng = fault_stream(runtime_, notice.key, delay_purpose, attempt);
    begin_work(order);
    runtime_.schedule_after(profile.delay.sample(rng), [this, order, payment, attempt, stale] {
      const sim::Hold work = finish_work(order);
      deliver_copy(payment, attempt, stale);
    });
  };
  if (duplicated) {
    sim::report_fault(tap_, kStruckCallbackDuplicated, order);
    send_copy_later(purpose::kCallbackDuplicateDelay, /*stale=*/false);
  }
  if (reordered) {
    sim::report_fault(tap_, kStruckCallbackReordered, order);
    send_copy_later(purpose::kCallbackStaleDelay, /*stale=*/true);
  }
  trace(order, [&] {
    return attempt_name(attempt) + " sent and delivered, state " +
           std::string(to_string(notice.state));
  });
  if (!resend_scheduled) trace_exhausted(order, attempt);
  trade->delivered_at = runtime_.now();  // the acknowledgement deadline counts from here
  // Last: the client may create or forget trades here, which invalidates `trade`.
  client_.on_callback(notice);
}

void MockChannel::trace_exhausted(uint64_t order, uint32_t attempt) {
  trace(order, [&] {
    return "callback schedule exhausted after " + std::to_string(attempt) + " attempts";
  });
}

bool MockChannel::schedule_next_callback(Trade& trade) {
  const std::vector<sim::Duration>& retries = config_.callback.retries;
  const uint32_t attempt = trade.callback_attempts;
  if (attempt > retries.size()) return false;
  const PaymentId payment = trade.key.payment;
  trade.resend_timer = runtime_.schedule_after(
      retries[attempt - 1],
      [this, payment, work = hold_work(trade.key.order)] { send_callback(payment); });
  return true;
}

void MockChannel::deliver_copy(PaymentId payment, uint32_t attempt, bool stale) {
  Trade* trade = trades_.find(payment);
  if (trade == nullptr) return;  // forgotten meanwhile
  CallbackNotice notice{.key = trade->key,
                        .state = trade->notice_state,
                        .sequence = attempt,
                        .paid_at_us = internal::paid_at_us(*trade)};
  if (stale) {
    // A "still pending" notice the channel sent before attempt `attempt`, overtaken on the way.
    notice.state = TradeState::kPending;
    notice.sequence = attempt - 1;
  }
  if (stale) {
    ++stats_.callbacks_stale;
  } else {
    ++stats_.callbacks_duplicated;
    // A copy of the latest attempt is a delivery of it: the merchant may acknowledge that one.
    if (attempt == trade->callback_attempts) trade->delivered_at = runtime_.now();
  }
  trace(notice.key.order, [&] {
    return attempt_name(attempt) +
           (stale ? " stale pending notice delivered after the newer one (reorder fault)"
                  : " delivered again (duplicate fault)");
  });
  client_.on_callback(notice);
}

bool MockChannel::ack_too_late(const Trade& trade, const CallbackNotice& notice) const {
  const sim::Duration deadline = config_.callback.ack_deadline;
  if (deadline <= sim::Duration::zero()) return false;  // no deadline: the default
  return notice.sequence != trade.callback_attempts ||
         runtime_.now() - trade.delivered_at > deadline;
}

void MockChannel::acknowledge(const CallbackNotice& notice) {
  Trade* trade = trades_.find(notice.key.payment);
  if (trade == nullptr) return;
  // Checked before `acknowledged`: a handler slower than the re-send gap answers attempt n after
  // attempt n+1 was acknowledged, and that answer was late all the same.
  if (ack_too_late(*trade, notice)) {
    // A stale "pending" notice's answer is no answer to the payment's notification: not counted.
    if (notice.state == trade->notice_state) ++stats_.acks_late;
    trace(notice.key.order, [&] {
      return attempt_name(notice.sequence) +
             " acknowledged after the deadline: the channel counts it failed and sends it again";
    });
    return;
  }
  if (trade->acknowledged) return;
  trade->acknowledged = true;
  const sim::TimerId resend = std::exchange(trade->resend_timer, sim::TimerId{});
  trace(notice.key.order,
        [&] { return attempt_name(notice.sequence) + " acknowledged: re-sends stop"; });
  // Last: cancelling releases the timer's activity, which may retire the order (and forget this
  // trade) re-entrantly.
  if (resend.valid()) runtime_.cancel(resend);
}

}  // namespace channels
