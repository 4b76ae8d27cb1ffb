#include "system_under_test/payment_service.h"

#include <cassert>
#include <string>

#include "system_under_test/compensation.h"
#include "system_under_test/internal/trace_component.h"
#include "system_under_test/payment_rules.h"

namespace sut {

using channels::CallStatus;
using channels::QuerySource;
using channels::TradeState;

namespace {
constexpr std::string_view kComponent = internal::kPaymentServiceTrace;
constexpr uint32_t kMaxLockWaits = 200;  // a callback waits at most this many steps for the lock

Resolution resolution_for(QuerySource source) {
  switch (source) {
    case QuerySource::kPolling:
      return Resolution::kPolling;
    case QuerySource::kDelayMessage:
      return Resolution::kDelayMessage;
    case QuerySource::kOrderQuery:
      return Resolution::kOrderQuery;
    case QuerySource::kCancel:
      return Resolution::kClose;
    case QuerySource::kSyncTimeout:
      return Resolution::kSync;
  }
  return Resolution::kNone;
}
}  // namespace

PaymentService::PaymentService(sim::Process& process, sim::Runtime& durable,
                               const SystemConfig& config, std::vector<channels::Channel*> channels,
                               PaymentDb& db, MessageQueue& mq, Compensation& compensation,
                               sim::Activity& activity, SystemObserver& observer,
                               sim::Tracer* tracer)
    : runtime_(process),
      config_(config),
      db_(db),
      compensation_(compensation),
      activity_(activity),
      observer_(observer),
      tracer_(tracer),
      calls_(activity, std::move(channels)),
      states_(process, db, compensation, observer),
      refunds_(durable, config, db, calls_, states_, activity, observer, tracer),
      notifier_(process, durable, config, db, mq, refunds_, activity, tracer),
      closer_(db, calls_),
      queries_(process, db, calls_, notifier_, observer, tracer) {}

template <class Fn>
void PaymentService::after_step(OrderId order, sim::Duration extra, Fn fn) {
  runtime_.schedule_after_inline(runtime_.round_trip() + extra,
                                 [step = Step(*this, order), fn = std::move(fn)]() mutable {
                                   fn(step.service(), step.order());
                                 });
}

PaymentService::WaitingCallback PaymentService::WaitingCallback::of(
    const channels::CallbackNotice& notice, uint32_t waits) {
  static_assert(kMaxLockWaits <= UINT8_MAX);
  static_assert(sizeof(WaitingCallback) == 24);
  assert(waits <= kMaxLockWaits);
  assert(notice.key.attempt <= UINT16_MAX && notice.key.channel <= UINT16_MAX &&
         notice.sequence <= UINT16_MAX);
  return {.payment = notice.key.payment,
          .paid_at_us = notice.paid_at_us,
          .attempt = static_cast<uint16_t>(notice.key.attempt),
          .channel = static_cast<uint16_t>(notice.key.channel),
          .sequence = static_cast<uint16_t>(notice.sequence),
          .state = notice.state,
          .waits = static_cast<uint8_t>(waits)};
}

// ---- apply-pay -------------------------------------------------------------------------------

void PaymentService::apply_pay(CallId call, const ApplyPayRequest& request) {
  const RequestId id = next_request_++;
  requests_.insert(id, Request{call, request.order, request.channel, request.click,
                               request.amount_minor, 0, 0, 0, sim::Duration::zero()});
  after_step(request.order, sim::Duration::zero(),
             [id](PaymentService& self, OrderId) { self.apply_pay_lock(id); });
}

bool PaymentService::try_lock(OrderId order, uint64_t token) {
  Lock& lock = locks_.find_or_insert(order);
  if (lock.token != 0 && lock.expires_at > runtime_.now()) return false;
  lock.token = token;
  lock.expires_at = runtime_.now() + config_.dedup.lock_ttl;
  return true;
}

void PaymentService::unlock(OrderId order, uint64_t token) {
  Lock* lock = locks_.find(order);
  // Released only by its owner: a lock that expired and was taken by another stays theirs.
  if (lock != nullptr && lock->token == token) locks_.erase(order);
}

void PaymentService::apply_pay_lock(RequestId id) {
  Request* r = requests_.find(id);
  if (r == nullptr) return;
  if (config_.dedup.order_lock) {
    const uint64_t token = next_token_++;
    if (!try_lock(r->order, token)) {
      sim::trace(tracer_, runtime_.now(), kComponent, r->order, [&] {
        return "apply-pay (click " + std::to_string(r->click + 1) + ") refused: order lock held";
      });
      reply_apply_pay(id, ApplyPayReply::Outcome::kBusy, {});
      return;
    }
    r->lock_token = token;
    r->stall = runtime_.pause(r->order, r->click);
    if (r->stall > sim::Duration::zero()) {
      sim::trace(tracer_, runtime_.now(), kComponent, r->order, [&] {
        return "lock holder (click " + std::to_string(r->click + 1) +
               ") will stall after its read for " + sim::format_duration(r->stall) +
               " (fault); lock TTL " + sim::format_duration(config_.dedup.lock_ttl);
      });
    }
  }
  after_step(r->order, sim::Duration::zero(),
             [id](PaymentService& self, OrderId) { self.apply_pay_read(id); });
}

void PaymentService::apply_pay_read(RequestId id) {
  Request* r = requests_.find(id);
  if (r == nullptr) return;
  r->read_version = db_.order_version(r->order);
  const ReadVerdict verdict = after_read(db_, r->order, r->channel, config_.dedup);
  switch (verdict.action) {
    case ReadVerdict::Action::kAlreadyPaid:
      reply_apply_pay(id, ApplyPayReply::Outcome::kAlreadyPaid, db_.find(verdict.payment)->key());
      return;
    case ReadVerdict::Action::kReuse:
      reply_apply_pay(id, ApplyPayReply::Outcome::kReused, db_.find(verdict.payment)->key());
      return;
    case ReadVerdict::Action::kCancelInFlight:
      break;
    case ReadVerdict::Action::kInsert:
      // The stall fault lands here, between the read and the write it decided: the textbook race
      // in which the lock expires under its holder and only the storage-side compare-and-set
      // still holds.
      after_step(r->order, r->stall,
                 [id](PaymentService& self, OrderId) { self.apply_pay_insert(id); });
      return;
  }
  // kCancelInFlight: close the payments in flight, then read again (apply_pay_read_after_close).
  r->closes_outstanding = verdict.in_flight;
  // Channel calls answer later, never on this stack: no state changes while this loop runs.
  for (PaymentId pid : db_.payments_of(r->order)) {
    const PaymentRecord* p = db_.find(pid);
    if (p->state != PaymentState::kPaying) continue;
    sim::trace(tracer_, runtime_.now(), kComponent, r->order, [&] {
      return "closing in-flight payment " + std::to_string(pid) + " before creating a new one";
    });
    closing_for_request_.insert_or_assign(pid, id);
    calls_.close(p->key());  // its activity ends with the reply
  }
}

void PaymentService::apply_pay_insert(RequestId id) {
  Request* r = requests_.find(id);
  if (r == nullptr) return;
  // The storage-side guard holds whatever the interleaving and whether or not a lock expired.
  if (const InsertVerdict verdict = may_insert(db_, r->order, config_.dedup.compare_and_set);
      !verdict.allowed) {
    const PaymentRecord* p = db_.find(verdict.blocker);
    sim::trace(tracer_, runtime_.now(), kComponent, r->order, [&] {
      return "apply-pay (click " + std::to_string(r->click + 1) +
             ") refused by compare-and-set: payment " + std::to_string(verdict.blocker) + " is " +
             std::string(to_string(p->state));
    });
    reply_apply_pay(
        id, verdict.paid ? ApplyPayReply::Outcome::kAlreadyPaid : ApplyPayReply::Outcome::kBusy,
        p->key());
    return;
  }
  if (db_.order_version(r->order) != r->read_version) {
    sim::trace(tracer_, runtime_.now(), kComponent, r->order, [&] {
      return "apply-pay (click " + std::to_string(r->click + 1) +
             ") creates a second payment: another was created since it read the order (no guard "
             "stopped it)";
    });
  }
  PaymentRecord record;
  record.id = next_payment_++;
  record.order = r->order;
  record.channel = r->channel;
  record.attempt = static_cast<uint32_t>(db_.payments_of(r->order).size());
  record.state = PaymentState::kUnpaid;
  record.created_at = runtime_.now();
  record.updated_at = runtime_.now();
  record.amount_minor = r->amount_minor;
  db_.insert(record);
  observer_.on_payment_created(record);
  sim::trace(tracer_, runtime_.now(), kComponent, r->order, [&] {
    return "payment " + std::to_string(record.id) + " created on channel " +
           config_.channels[r->channel].name + " (click " + std::to_string(r->click + 1) + ")";
  });
  // With pending_row before_call the re-query schedule (pending row or delay message) is written
  // with the payment, before the channel is called: a crash while the create call is in flight
  // must not orphan the payment. With on_accepted it waits for the channel's "processing".
  compensation_.on_paying(record);
  creating_.insert(record.id, id);
  calls_.create(record.key(), record.amount_minor, idempotency());  // activity ends with the reply
}

void PaymentService::on_create_reply(channels::CallId call, const channels::PaymentKey& key,
                                     const channels::CreateReply& reply) {
  const sim::Hold in_flight = calls_.answered(call, key.order);
  RequestId request = 0;
  if (RequestId* waiting = creating_.find(key.payment)) {
    request = *waiting;
    creating_.erase(key.payment);
  }
  PaymentRecord* record = db_.find(key.payment);
  if (record == nullptr || is_terminal(record->state)) return;
  ApplyPayReply::Outcome outcome = ApplyPayReply::Outcome::kCreated;
  if (reply.status == CallStatus::kOk) {
    if (reply.state == TradeState::kPending) {
      // A retried create (system.create_retry) finds the payment PAYING already: the timeout of
      // the one before it set that, and it is no move of state.
      if (record->state != PaymentState::kPaying) {
        states_.set(*record, PaymentState::kPaying, Resolution::kNone);
      }
      compensation_.on_accepted(*record);
      if (bug_ == PlantedBug::kPaidWithoutCharge) {
        record->paid_at = runtime_.now();
        notifier_.send(record->order, record->id, Resolution::kSync, 0);
      }
    } else if (reply.state == TradeState::kSuccess) {
      on_success(*record, Resolution::kSync, reply.paid_at_us);
    } else {
      states_.set(*record, PaymentState::kFailed, Resolution::kSync);
      outcome = ApplyPayReply::Outcome::kError;
    }
  } else if (reply.status == CallStatus::kError) {
    states_.set(*record, PaymentState::kFailed, Resolution::kNone);
    outcome = ApplyPayReply::Outcome::kError;
  } else {
    // No answer: the trade may or may not exist. Keep it PAYING and let compensation find out,
    // unless the create is sent again (a retry's timeout finds it PAYING already).
    if (record->state != PaymentState::kPaying) {
      states_.set(*record, PaymentState::kPaying, Resolution::kNone);
    }
    if (request != 0 && retry_create(request, *record)) return;
    outcome = ApplyPayReply::Outcome::kError;
  }
  if (request != 0) reply_apply_pay(request, outcome, key);
}

bool PaymentService::retry_create(RequestId id, const PaymentRecord& record) {
  Request* r = requests_.find(id);
  if (r == nullptr || r->create_retries >= static_cast<uint32_t>(config_.create_retry.retries)) {
    return false;
  }
  ++r->create_retries;
  sim::trace(tracer_, runtime_.now(), kComponent, record.order, [&] {
    return "create of payment " + std::to_string(record.id) + " timed out: retry " +
           std::to_string(r->create_retries) + " of " +
           std::to_string(config_.create_retry.retries) +
           (config_.create_retry.idempotency_key ? " with" : " without") + " its idempotency key";
  });
  creating_.insert(record.id, id);
  after_step(record.order, config_.create_retry.backoff,
             [id, payment = record.id](PaymentService& self, OrderId) {
               self.send_create_retry(id, payment);
             });
  return true;
}

void PaymentService::send_create_retry(RequestId id, PaymentId payment) {
  const PaymentRecord* record = db_.find(payment);
  if (record == nullptr || requests_.find(id) == nullptr) return;
  if (is_terminal(record->state)) {
    // Compensation learned the result meanwhile: the request ends with it.
    creating_.erase(payment);
    reply_apply_pay(id,
                    record->state == PaymentState::kSuccess ? ApplyPayReply::Outcome::kCreated
                                                            : ApplyPayReply::Outcome::kError,
                    record->key());
    return;
  }
  calls_.create(record->key(), record->amount_minor, idempotency());
}

void PaymentService::reply_apply_pay(RequestId id, ApplyPayReply::Outcome outcome,
                                     const channels::PaymentKey& key) {
  Request* r = requests_.find(id);
  if (r == nullptr) return;
  const Request request = *r;
  requests_.erase(id);
  if (request.lock_token != 0) unlock(request.order, request.lock_token);
  sim::trace(tracer_, runtime_.now(), kComponent, request.order, [&] {
    return "apply-pay (click " + std::to_string(request.click + 1) +
           ") answered: " + std::string(to_string(outcome));
  });
  app_->on_apply_pay_reply(request.call,
                           {request.order, request.channel, request.click, request.amount_minor},
                           {outcome, key});
}

// ---- learning results ------------------------------------------------------------------------

void PaymentService::on_callback(const channels::CallbackNotice& notice) {
  // The handler's time (a slow database, a full pool) comes before the work: with the
  // acknowledgement after processing, the channel waits for all of it.
  const sim::Duration handling =
      runtime_.handling(notice.key.order, (uint64_t{notice.key.attempt} << 32) | notice.sequence);
  after_step(notice.key.order, handling,
             [callback = WaitingCallback::of(notice, 0)](PaymentService& self, OrderId order_id) {
               self.handle_callback(callback.notice(order_id), callback.waits);
             });
  if (config_.callback.ack == CallbackConfig::Ack::kOnReceipt) {
    // After the step is scheduled: acknowledging cancels the channel's re-send, whose release of
    // the order's activity must not retire it before the handling holds it.
    sim::trace(tracer_, runtime_.now(), kComponent, notice.key.order, [&] {
      return "callback #" + std::to_string(notice.sequence) +
             " acknowledged on receipt, to be handled after";
    });
    calls_.acknowledge(notice);
  }
}

void PaymentService::handle_callback(const channels::CallbackNotice& notice, uint32_t waits) {
  const OrderId order = notice.key.order;
  uint64_t token = 0;
  if (config_.dedup.order_lock) {
    token = next_token_++;
    if (!try_lock(order, token)) {
      if (waits < kMaxLockWaits) {
        after_step(order, sim::Duration::zero(),
                   [callback = WaitingCallback::of(notice, waits + 1)](PaymentService& self,
                                                                       OrderId order_id) {
                     self.handle_callback(callback.notice(order_id), callback.waits);
                   });
        return;
      }
      sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
        return "callback #" + std::to_string(notice.sequence) + " for payment " +
               std::to_string(notice.key.payment) + " given up: the order lock stayed held for " +
               std::to_string(kMaxLockWaits) +
               " steps (not acknowledged: the channel sends it again)";
      });
      return;
    }
  }
  sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
    const std::string which =
        notice.state == TradeState::kPending
            ? "a stale notice sent before callback #" + std::to_string(notice.sequence + 1)
            : "callback #" + std::to_string(notice.sequence);
    return which + " for payment " + std::to_string(notice.key.payment) + " says " +
           std::string(channels::to_string(notice.state)) +
           (notice.state == TradeState::kPending ? " (ignored: states only move forward)" : "");
  });
  apply_trade_state(notice.key.payment, notice.state, Resolution::kCallback, notice.paid_at_us);
  if (token != 0) unlock(order, token);
  if (config_.callback.ack == CallbackConfig::Ack::kAfterProcessing) calls_.acknowledge(notice);
}

bool PaymentService::apply_trade_state(PaymentId payment, TradeState state, Resolution how,
                                       int64_t paid_at_us) {
  PaymentRecord* record = db_.find(payment);
  if (record == nullptr) return true;
  switch (effect_of(record->state, state)) {
    case TradeEffect::kSucceed:
      on_success(*record, how, paid_at_us);
      break;
    case TradeEffect::kRefund:
      if (record->state == PaymentState::kFailed && !refunds_success_after_failed(how)) {
        accept_or_ignore_success(*record, how, paid_at_us);
        break;
      }
      sim::trace(tracer_, runtime_.now(), kComponent, record->order, [&] {
        return "payment " + std::to_string(payment) + " is " +
               std::string(to_string(record->state)) +
               " here but SUCCESS at the channel: refunding";
      });
      refunds_.refund(*record, RefundReason::kClosedPayment);
      break;
    case TradeEffect::kFail:
      states_.set(*record, PaymentState::kFailed, how);
      if (bug_ == PlantedBug::kNotifyFailedPayment)
        notifier_.send(record->order, record->id, how, 0);
      break;
    case TradeEffect::kClose:
      // Closed at our request to make way for a new payment: cancelled, not expired.
      states_.set(
          *record,
          closing_for_request_.contains(payment) ? PaymentState::kCancelled : PaymentState::kClosed,
          how);
      break;
    case TradeEffect::kNone:
      if (bug_ == PlantedBug::kLeaveTerminalState && state == TradeState::kPending &&
          record->state == PaymentState::kSuccess) {
        states_.set(*record, PaymentState::kPaying, how);
      }
      break;
  }
  return is_terminal(record->state);
}

bool PaymentService::refunds_success_after_failed(Resolution how) const {
  using Policy = CompensationConfig::SuccessAfterFailed;
  const Policy policy = config_.compensation.success_after_failed;
  // Reconciliation never leaves money with an unpaid order: it refunds what kIgnore would drop.
  return policy == Policy::kRefund ||
         (policy == Policy::kIgnore && how == Resolution::kReconciliation);
}

void PaymentService::accept_or_ignore_success(PaymentRecord& record, Resolution how,
                                              int64_t paid_at_us) {
  const bool accept =
      config_.compensation.success_after_failed == CompensationConfig::SuccessAfterFailed::kAccept;
  sim::trace(tracer_, runtime_.now(), kComponent, record.order, [&] {
    return "payment " + std::to_string(record.id) + " is FAILED here but SUCCESS at the channel: " +
           (accept ? "accepted late (FAILED -> SUCCESS)"
                   : "ignored, FAILED is final here (the charge stays, the order unpaid)");
  });
  if (accept) on_success(record, how, paid_at_us);
}

void PaymentService::settle_exhausted(PaymentId payment, Resolution how) {
  using OnExhausted = CompensationConfig::OnExhausted;
  const OnExhausted policy = config_.compensation.on_exhausted;
  if (policy == OnExhausted::kGiveUp) return;
  PaymentRecord* record = db_.find(payment);
  if (record == nullptr || is_terminal(record->state)) return;
  if (policy == OnExhausted::kClose) {
    sim::trace(tracer_, runtime_.now(), kComponent, record->order, [&] {
      return "payment " + std::to_string(payment) +
             " still pending when its re-query schedule ran out: closing the trade at the channel";
    });
    ++exhausted_closes_.find_or_insert(payment);
    calls_.close(record->key());  // answered by on_close_reply; its activity ends with the reply
    return;
  }
  sim::trace(tracer_, runtime_.now(), kComponent, record->order, [&] {
    return "payment " + std::to_string(payment) +
           " still pending when its re-query schedule ran out: marked FAILED";
  });
  states_.set(*record, PaymentState::kFailed, how);
}

void PaymentService::on_success(PaymentRecord& record, Resolution how, int64_t paid_at_us) {
  record.paid_at = sim::Time::from_us(paid_at_us);
  states_.set(record, PaymentState::kSuccess, how);
  sim::trace(tracer_, runtime_.now(), kComponent, record.order, [&] {
    return "payment " + std::to_string(record.id) + " SUCCESS (learned by " +
           std::string(to_string(how)) + ")";
  });
  const PaymentId paid_by = db_.paid_by(record.order);
  if (is_duplicate(paid_by, record.id)) {
    sim::trace(tracer_, runtime_.now(), kComponent, record.order, [&] {
      return "payment " + std::to_string(record.id) + " is a duplicate of payment " +
             std::to_string(paid_by) +
             (config_.dedup.refund_duplicates ? ": refunding it" : " (refunds off)");
    });
    if (config_.dedup.refund_duplicates) refunds_.refund(record, RefundReason::kDuplicate);
    return;
  }
  db_.set_paid_by(record.order, record.id);
  notifier_.notify_paid(record.order, record.id, how);
}

// ---- close, query and refund answers---------------------------------------------------------

void PaymentService::on_close_reply(channels::CallId call, const channels::PaymentKey& key,
                                    const channels::CloseReply& reply) {
  const sim::Hold in_flight = calls_.answered(call, key.order);
  // Close results are applied even across a crash (the host passes them on while it is down): the
  // close is a durable job that re-reads the channel's answer after restart.
  if (reply.status == CallStatus::kOk) {
    apply_trade_state(key.payment, reply.state, Resolution::kClose, reply.paid_at_us);
    if (reply.state == TradeState::kPending) {
      sim::trace(tracer_, runtime_.now(), kComponent, key.order, [&] {
        return "channel refused to close payment " + std::to_string(key.payment) +
               " (unsupported or too young)";
      });
    }
  }
  if (uint32_t* exhausted = exhausted_closes_.find(key.payment)) {
    if (--*exhausted == 0) exhausted_closes_.erase(key.payment);
    return;  // asked because the re-query schedule ran out: nobody waits for it
  }
  if (RequestId* request = closing_for_request_.find(key.payment)) {
    const RequestId id = *request;
    closing_for_request_.erase(key.payment);
    Request* r = requests_.find(id);
    if (r != nullptr && --r->closes_outstanding == 0) {
      after_step(r->order, sim::Duration::zero(),
                 [id](PaymentService& self, OrderId) { self.apply_pay_read_after_close(id); });
    }
  }
  closer_.on_close_answered(key.order);
}

void PaymentService::apply_pay_read_after_close(RequestId id) {
  Request* r = requests_.find(id);
  if (r == nullptr) return;
  if (const PaymentId paid = first_success(db_, r->order); paid != 0 && config_.dedup.check_paid) {
    reply_apply_pay(id, ApplyPayReply::Outcome::kAlreadyPaid, db_.find(paid)->key());
    return;
  }
  apply_pay_insert(id);
}

void PaymentService::on_query_reply(channels::CallId call, const channels::PaymentKey& key,
                                    QuerySource source, const channels::QueryReply& reply) {
  const sim::Hold in_flight = calls_.answered(call, key.order);
  const PaymentRecord* record = db_.find(key.payment);
  if (record == nullptr) return;
  bool terminal = is_terminal(record->state);
  if (reply.status == CallStatus::kOk) {
    sim::trace(tracer_, runtime_.now(), kComponent, key.order, [&] {
      return std::string(to_string(resolution_for(source))) + " query of payment " +
             std::to_string(key.payment) + " found " +
             std::string(channels::to_string(reply.state));
    });
    terminal =
        apply_trade_state(key.payment, reply.state, resolution_for(source), reply.paid_at_us);
    if (reply.state == TradeState::kNotFound &&
        config_.compensation.on_not_found == CompensationConfig::OnNotFound::kMarkFailed) {
      terminal = fail_not_found(key.payment, resolution_for(source));
    }
  } else {
    sim::trace(tracer_, runtime_.now(), kComponent, key.order, [&] {
      return std::string(to_string(resolution_for(source))) + " query of payment " +
             std::to_string(key.payment) +
             " failed: " + std::string(channels::to_string(reply.status));
    });
  }
  compensation_.on_query_reply(key, source, reply, terminal);
}

bool PaymentService::fail_not_found(PaymentId payment, Resolution how) {
  PaymentRecord* record = db_.find(payment);
  if (record == nullptr) return true;
  if (is_terminal(record->state)) return true;
  sim::trace(tracer_, runtime_.now(), kComponent, record->order, [&] {
    return "payment " + std::to_string(payment) +
           ": the channel says the trade does not exist: marked FAILED";
  });
  states_.set(*record, PaymentState::kFailed, how);
  return true;
}

void PaymentService::payment_refused(CallId call, OrderId order, PaymentId payment, Resolution how,
                                     shop::NotifyResult why) {
  if (why == shop::NotifyResult::kRepeatPurchase) {
    refunds_.refund_repeat_purchase(order, payment);
  } else {
    refunds_.refund_late_payment(order, payment, how);
  }
  order_replies_->on_payment_refused_reply(call, order, shop::CallStatus::kOk);
}

void PaymentService::refund_extra_charge(PaymentId payment, int64_t amount_minor) {
  if (PaymentRecord* record = db_.find(payment)) {
    refunds_.refund(*record, RefundReason::kExtraCharge, amount_minor, /*keep_state=*/true);
  }
}

void PaymentService::refund_duplicate(PaymentId payment) {
  if (PaymentRecord* record = db_.find(payment)) refunds_.refund(*record, RefundReason::kDuplicate);
}

// ---- crash -----------------------------------------------------------------------------------

void PaymentService::lose_memory() {
  // In-flight requests die with the process (their steps were timers of the process); replies
  // to calls of the previous incarnation are no longer checked.
  requests_ = sim::IdMap<Request>();
  creating_ = sim::IdMap<RequestId>();
  closing_for_request_ = sim::IdMap<RequestId>();
  calls_.forget();
  notifier_.lose_memory();
}

void PaymentService::erase(OrderId order) {
  locks_.erase(order);
  for (PaymentId pid : db_.payments_of(order)) {
    notifier_.erase(pid);
    refunds_.erase(pid);
  }
}

}  // namespace sut
