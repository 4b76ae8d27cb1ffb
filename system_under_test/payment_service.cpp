#include "system_under_test/payment_service.h"

#include <cassert>
#include <string>

#include "system_under_test/compensation.h"
#include "system_under_test/payment_rules.h"

namespace sut {

using channels::CallStatus;
using channels::QuerySource;
using channels::TradeState;

namespace {
constexpr std::string_view kComponent = "payment-service";
constexpr uint32_t kMaxLockWaits = 200;  // a callback waits at most this many steps for the lock
constexpr uint32_t kMaxRefundAttempts = 10;
const sim::Duration kRefundRetryGap = sim::Duration::minutes(1);

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
      durable_(durable),
      config_(config),
      channels_(std::move(channels)),
      db_(db),
      mq_(mq),
      compensation_(compensation),
      activity_(activity),
      observer_(observer),
      tracer_(tracer) {}

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
    activity_.begin(r->order);  // until the channel answers
    channels_[p->channel]->close(channel_call(), p->key());
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
  // The re-query schedule (pending row or delay message) is written with the payment, before the
  // channel is called: a crash while the create call is in flight must not orphan the payment.
  compensation_.on_paying(record);
  creating_.insert(record.id, id);
  activity_.begin(r->order);  // until the channel answers
  channels_[r->channel]->create(channel_call(), record.key(), record.amount_minor);
}

void PaymentService::on_create_reply(channels::CallId call, const channels::PaymentKey& key,
                                     const channels::CreateReply& reply) {
  channel_calls_.answered(call);
  const sim::Hold in_flight = sim::Hold::adopt(activity_, key.order);
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
      set_state(*record, PaymentState::kPaying, Resolution::kNone);
      if (bug_ == PlantedBug::kPaidWithoutCharge) {
        record->paid_at = runtime_.now();
        notify(record->order, record->id, Resolution::kSync, 0);
      }
    } else if (reply.state == TradeState::kSuccess) {
      on_success(*record, Resolution::kSync, reply.paid_at_us);
    } else {
      set_state(*record, PaymentState::kFailed, Resolution::kSync);
      outcome = ApplyPayReply::Outcome::kError;
    }
  } else if (reply.status == CallStatus::kError) {
    set_state(*record, PaymentState::kFailed, Resolution::kNone);
    outcome = ApplyPayReply::Outcome::kError;
  } else {
    // No answer: the trade may or may not exist. Keep it PAYING and let compensation find out.
    set_state(*record, PaymentState::kPaying, Resolution::kNone);
    outcome = ApplyPayReply::Outcome::kError;
  }
  if (request != 0) reply_apply_pay(request, outcome, key);
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
  after_step(notice.key.order, sim::Duration::zero(),
             [callback = WaitingCallback::of(notice, 0)](PaymentService& self, OrderId order_id) {
               self.handle_callback(callback.notice(order_id), callback.waits);
             });
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
  channels_[notice.key.channel]->acknowledge(notice);
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
      sim::trace(tracer_, runtime_.now(), kComponent, record->order, [&] {
        return "payment " + std::to_string(payment) + " is " +
               std::string(to_string(record->state)) +
               " here but SUCCESS at the channel: refunding";
      });
      refund(*record, RefundReason::kClosedPayment);
      break;
    case TradeEffect::kFail:
      set_state(*record, PaymentState::kFailed, how);
      if (bug_ == PlantedBug::kNotifyFailedPayment) notify(record->order, record->id, how, 0);
      break;
    case TradeEffect::kClose:
      // Closed at our request to make way for a new payment: cancelled, not expired.
      set_state(
          *record,
          closing_for_request_.contains(payment) ? PaymentState::kCancelled : PaymentState::kClosed,
          how);
      break;
    case TradeEffect::kNone:
      if (bug_ == PlantedBug::kLeaveTerminalState && state == TradeState::kPending &&
          record->state == PaymentState::kSuccess) {
        set_state(*record, PaymentState::kPaying, how);
      }
      break;
  }
  return is_terminal(record->state);
}

void PaymentService::set_state(PaymentRecord& record, PaymentState to, Resolution how) {
  const PaymentState from = record.state;
  record.state = to;
  record.updated_at = runtime_.now();
  db_.note_state(record);
  if (is_terminal(to)) {
    db_.remove_pending(record.id);
    compensation_.on_resolved(record);
  }
  observer_.on_payment_state(record, from, how, runtime_.now());
}

void PaymentService::on_success(PaymentRecord& record, Resolution how, int64_t paid_at_us) {
  record.paid_at = sim::Time::from_us(paid_at_us);
  set_state(record, PaymentState::kSuccess, how);
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
    if (config_.dedup.refund_duplicates) refund(record, RefundReason::kDuplicate);
    return;
  }
  db_.set_paid_by(record.order, record.id);
  resolved_by_.insert_or_assign(record.id, static_cast<uint32_t>(how));
  notify(record.order, record.id, how, 0);
}

// ---- notify ----------------------------------------------------------------------------------

void PaymentService::notify(OrderId order, PaymentId payment, Resolution how, uint32_t attempt) {
  const PaymentRecord* record = db_.find(payment);
  const sim::Time paid_at = record != nullptr ? record->paid_at : sim::Time();
  if (attempt == 0 && config_.notify.async_mq) {
    Message message{order, payment, how, 0};
    message.paid_at_us = paid_at.us();
    mq_.publish(Topic::kPaymentSucceeded, message, sim::Duration::zero());
  }
  const CallId call = next_notify_call_++;
  notify_calls_.called(call);
  orders_->notify_paid(call, order, payment, how, paid_at.us(), attempt);
}

void PaymentService::on_notify_reply(CallId call, OrderId order, PaymentId payment,
                                     uint32_t attempt, NotifyResult result) {
  notify_calls_.answered(call);
  const uint32_t* how = resolved_by_.find(payment);
  const Resolution resolution = how ? static_cast<Resolution>(*how) : Resolution::kNone;
  if (result == NotifyResult::kRejected) {
    on_late_payment_rejected(order, payment, resolution);
    return;
  }
  if (result == NotifyResult::kOk) return;
  if (attempt >= static_cast<uint32_t>(config_.notify.sync_retries)) {
    sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
      return "sync notify for payment " + std::to_string(payment) + " failed " +
             std::to_string(attempt + 1) + " times" +
             (config_.notify.async_mq ? ": the MQ message must deliver it"
                                      : ": giving up (internal drop)");
    });
    return;
  }
  // An in-memory retry: a timer of the process. The order rides in the hold (its entity), so the
  // capture fits sim::Callback inline.
  runtime_.schedule_after_inline(config_.notify.sync_backoff, [this, payment, resolution, attempt,
                                                               hold = sim::Hold(activity_, order)] {
    notify(hold.entity(), payment, resolution, attempt + 1);
  });
}

// ---- close, query, refund --------------------------------------------------------------------

void PaymentService::close_order_payments(CallId call, OrderId order) {
  uint32_t outstanding = 0;
  for (PaymentId pid : db_.payments_of(order)) {
    const PaymentRecord* p = db_.find(pid);
    if (p->state != PaymentState::kPaying) continue;
    ++outstanding;
    activity_.begin(order);  // until the channel answers
    channels_[p->channel]->close(channel_call(), p->key());
  }
  if (outstanding == 0) {
    finish_closing(call, order);
    return;
  }
  expiring_.insert_or_assign(order, Expiring{call, outstanding});
}

void PaymentService::finish_closing(CallId call, OrderId order) {
  // A close that raced the user's payment (or a success whose notify has not landed) leaves the
  // order a payment: the order service settles the order by it rather than closing it.
  const PaymentId paid = db_.paid_by(order);
  const PaymentRecord* record = paid != 0 ? db_.find(paid) : nullptr;
  shop::OrderPayment answer;
  if (record != nullptr && record->state == PaymentState::kSuccess)
    answer = {paid, record->paid_at.us()};
  order_replies_->on_close_order_reply(call, order, shop::CallStatus::kOk, answer);
}

void PaymentService::on_close_reply(channels::CallId call, const channels::PaymentKey& key,
                                    const channels::CloseReply& reply) {
  channel_calls_.answered(call);
  const sim::Hold in_flight = sim::Hold::adopt(activity_, key.order);
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
  if (RequestId* request = closing_for_request_.find(key.payment)) {
    const RequestId id = *request;
    closing_for_request_.erase(key.payment);
    Request* r = requests_.find(id);
    if (r != nullptr && --r->closes_outstanding == 0) {
      after_step(r->order, sim::Duration::zero(),
                 [id](PaymentService& self, OrderId) { self.apply_pay_read_after_close(id); });
    }
  }
  if (Expiring* expiring = expiring_.find(key.order)) {
    if (--expiring->outstanding == 0) {
      const CallId close_call = expiring->call;
      expiring_.erase(key.order);
      finish_closing(close_call, key.order);
    }
  }
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

void PaymentService::query_order(CallId call, OrderId order) {
  answer_order_query(order);
  order_replies_->on_query_order_reply(call, order, shop::CallStatus::kOk);
}

void PaymentService::answer_order_query(OrderId order) {
  const PaymentId paid = db_.paid_by(order);
  const PaymentRecord* record = paid != 0 ? db_.find(paid) : nullptr;
  if (record != nullptr && record->state == PaymentState::kSuccess) {
    // The records know the order is paid: its notify was lost (an internal drop). Tell it again.
    sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
      return "order query: payment " + std::to_string(paid) +
             " is SUCCESS here: notifying the order again";
    });
    renotify(paid, Resolution::kOrderQuery);
    return;
  }
  for (PaymentId pid : db_.payments_of(order)) {
    const PaymentRecord* p = db_.find(pid);
    if (p->state == PaymentState::kPaying) query_payment(pid, QuerySource::kOrderQuery);
  }
}

void PaymentService::query_payment(PaymentId payment, QuerySource source) {
  const PaymentRecord* record = db_.find(payment);
  if (record == nullptr) return;
  observer_.on_channel_query(record->channel, runtime_.now());
  activity_.begin(record->order);  // until the channel answers
  channels_[record->channel]->query(channel_call(), record->key(), source);
}

void PaymentService::on_query_reply(channels::CallId call, const channels::PaymentKey& key,
                                    QuerySource source, const channels::QueryReply& reply) {
  channel_calls_.answered(call);
  const sim::Hold in_flight = sim::Hold::adopt(activity_, key.order);
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
  } else {
    sim::trace(tracer_, runtime_.now(), kComponent, key.order, [&] {
      return std::string(to_string(resolution_for(source))) + " query of payment " +
             std::to_string(key.payment) +
             " failed: " + std::string(channels::to_string(reply.status));
    });
  }
  compensation_.on_query_reply(key, source, reply, terminal);
}

void PaymentService::late_payment_rejected(CallId call, OrderId order, PaymentId payment,
                                           Resolution how) {
  on_late_payment_rejected(order, payment, how);
  order_replies_->on_late_payment_reply(call, order, shop::CallStatus::kOk);
}

void PaymentService::on_late_payment_rejected(OrderId order, PaymentId payment, Resolution how) {
  if (!refunds_late_payment(config_.order_service.late_payment, how)) return;
  PaymentRecord* record = db_.find(payment);
  if (record == nullptr || record->state != PaymentState::kSuccess) return;
  sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
    return "late payment " + std::to_string(payment) + " refused by the order: refunding";
  });
  refund(*record, RefundReason::kLatePayment);
}

void PaymentService::refund(PaymentRecord& record, RefundReason reason, int64_t amount_minor,
                            bool keep_state) {
  if (!config_.channels[record.channel].refund_supported) {
    sim::trace(tracer_, runtime_.now(), kComponent, record.order, [&] {
      return "cannot refund payment " + std::to_string(record.id) +
             ": channel does not support refunds";
    });
    return;
  }
  if (amount_minor <= 0) amount_minor = record.amount_minor;
  // Already under way, or done: a repeated callback for a closed payment must not refund twice.
  if (refunding_.contains(record.id) || (!keep_state && refunded_.contains(record.id))) return;
  observer_.on_refund_issued(record, reason, amount_minor, runtime_.now());
  if (bug_ == PlantedBug::kRecordRefundNotSent && !keep_state) {
    refunded_.insert_or_assign(record.id, true);
    if (record.state == PaymentState::kSuccess)
      set_state(record, PaymentState::kRefunded, Resolution::kNone);
    return;
  }
  refunding_.insert_or_assign(record.id, Refunding{amount_minor, 0, keep_state, reason});
  send_refund(record, amount_minor);
}

void PaymentService::send_refund(PaymentRecord& record, int64_t amount_minor) {
  activity_.begin(record.order);  // ended by the reply
  channels_[record.channel]->refund(channel_call(), record.key(), amount_minor);
}

void PaymentService::refund_extra_charge(PaymentId payment, int64_t amount_minor) {
  if (PaymentRecord* record = db_.find(payment)) {
    refund(*record, RefundReason::kExtraCharge, amount_minor, /*keep_state=*/true);
  }
}

void PaymentService::renotify(PaymentId payment, Resolution how) {
  const PaymentRecord* record = db_.find(payment);
  if (record == nullptr || record->state != PaymentState::kSuccess) return;
  resolved_by_.insert_or_assign(payment, static_cast<uint32_t>(how));
  notify(record->order, payment, how, 0);
}

void PaymentService::refund_duplicate(PaymentId payment) {
  if (PaymentRecord* record = db_.find(payment)) refund(*record, RefundReason::kDuplicate);
}

void PaymentService::on_refund_reply(channels::CallId call, const channels::PaymentKey& key,
                                     const channels::RefundReply& reply) {
  channel_calls_.answered(call);
  const sim::Hold in_flight = sim::Hold::adopt(activity_, key.order);
  const Refunding* pending = refunding_.find(key.payment);
  if (pending == nullptr) return;
  const Refunding refunding = *pending;
  PaymentRecord* record = db_.find(key.payment);
  if (record == nullptr) return;
  if (reply.status == CallStatus::kOk && reply.refunded) {
    refunding_.erase(key.payment);
    if (!refunding.keep_state) {
      refunded_.insert_or_assign(key.payment, true);
      if (db_.paid_by(key.order) == key.payment) db_.set_paid_by(key.order, 0);
    }
    if (record->state == PaymentState::kSuccess && !refunding.keep_state) {
      set_state(*record, PaymentState::kRefunded, Resolution::kNone);
    }
    sim::trace(tracer_, runtime_.now(), kComponent, key.order, [&] {
      return "refund of payment " + std::to_string(key.payment) + " (" +
             std::string(to_string(refunding.reason)) + ") done";
    });
    if (bug_ == PlantedBug::kRefundTwice) send_refund(*record, refunding.amount_minor);
    return;
  }
  if (refunding.attempt + 1 >= kMaxRefundAttempts) {
    refunding_.erase(key.payment);
    observer_.on_refund_given_up(*record, refunding.reason, runtime_.now());
    sim::trace(tracer_, runtime_.now(), kComponent, key.order, [&] {
      return "refund of payment " + std::to_string(key.payment) + " failed " +
             std::to_string(refunding.attempt + 1) + " times: giving up";
    });
    return;
  }
  // The refund job is durable (a refund table): it retries whether or not the process crashed.
  const PaymentId payment = key.payment;
  Refunding next = refunding;
  next.attempt += 1;
  refunding_.insert_or_assign(payment, next);
  durable_.schedule_after_inline(kRefundRetryGap,
                                 [this, payment, next, hold = sim::Hold(activity_, key.order)] {
                                   const Refunding* still = refunding_.find(payment);
                                   PaymentRecord* r = db_.find(payment);
                                   if (still != nullptr && r != nullptr)
                                     send_refund(*r, next.amount_minor);
                                 });
}

// ---- crash -----------------------------------------------------------------------------------

void PaymentService::lose_memory() {
  // In-flight requests die with the process (their steps were timers of the process); replies
  // to calls of the previous incarnation are no longer checked.
  requests_ = sim::IdMap<Request>();
  creating_ = sim::IdMap<RequestId>();
  closing_for_request_ = sim::IdMap<RequestId>();
  channel_calls_.forget();
  notify_calls_.forget();
}

void PaymentService::erase(OrderId order) {
  locks_.erase(order);
  for (PaymentId pid : db_.payments_of(order)) {
    resolved_by_.erase(pid);
    refunding_.erase(pid);
    refunded_.erase(pid);
  }
}

}  // namespace sut
