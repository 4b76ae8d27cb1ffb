#include "live/notifier.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "live/real_time_runtime.h"
#include "live/signature.h"
#include "live/trade_book.h"

namespace live {

Notifier::Notifier(RealTimeRuntime& runtime, channels::Channel& channel, TradeBook& trades,
                   CallbackSender& sender, AckRule rule, std::string secret, AttackProfile attacks,
                   TransportFaultProfile callback_faults)
    : runtime_(runtime),
      channel_(channel),
      trades_(trades),
      sender_(sender),
      rule_(std::move(rule)),
      secret_(std::move(secret)),
      attacks_(attacks),
      callback_faults_(callback_faults),
      // The deadline is channel time, compressed like every other delay of the scenario.
      real_deadline_(static_cast<int64_t>(static_cast<double>(rule_.deadline.us()) * 1e3 /
                                          runtime.time_scale())) {}

std::string Notifier::event_id(const channels::CallbackNotice& notice) {
  return "evt_" + std::to_string(notice.key.payment) + "_" +
         std::string(channels::to_string(notice.state));
}

CallbackAttempt Notifier::begin_attempt(const channels::CallbackNotice& notice) {
  CallbackAttempt attempt;
  attempt.number = ++attempts_;
  attempt.event_id = event_id(notice);
  attempt.payment = notice.key.payment;
  attempt.sequence = notice.sequence;
  attempt.sent_us = runtime_.now().us();
  return attempt;
}

void Notifier::send(const channels::CallbackNotice& notice) {
  TradeRecord* trade = trades_.find(notice.key.payment);
  if (trade == nullptr) return;  // the model only notifies trades it was asked to create
  CallbackAttempt attempt = begin_attempt(notice);
  // The model sends "pending" only as a stale copy overtaken by a newer notice (reorder fault).
  if (notice.state == channels::TradeState::kPending) {
    attempt.kind = "stale";
  } else if (notice.sequence <= trade->last_sequence) {
    attempt.kind = "duplicate";
  } else {
    attempt.kind = notice.sequence == 1 ? "first" : "resend";
    trade->last_sequence = notice.sequence;
  }
  ++trade->callbacks_sent;
  ++stats_.sent;

  nlohmann::json data = {{"trade_id", trade_id(notice.key.payment)},
                         {"merchant_order_id", trade->merchant_order_id},
                         {"amount_minor", trade->amount_minor},
                         {"state", channels::to_string(notice.state)}};
  if (notice.paid_at_us > 0) data["paid_at_ms"] = notice.paid_at_us / 1000;
  data["now_ms"] = runtime_.now().us() / 1000;
  const nlohmann::json event = {{"id", attempt.event_id},
                                {"type", "trade." + std::string(channels::to_string(notice.state))},
                                {"sequence", notice.sequence},
                                {"data", std::move(data)}};
  std::string body = event.dump();
  std::string signature = signature_header(secret_, unix_seconds(), body);
  const uint32_t delivery = trade->callbacks_sent;
  attempt.fault = choose_transport_fault(callback_faults_, runtime_, notice.key.order,
                                         sim::purpose("live.callback_transport"), delivery);
  if (!attacks_.any()) {
    post(std::move(attempt), std::move(body), std::move(signature), notice, std::nullopt);
    return;
  }
  post(std::move(attempt), body, signature, notice, std::nullopt);  // the genuine one first
  send_attacks(notice, delivery, body, signature);
}

void Notifier::send_attacks(const channels::CallbackNotice& notice, uint32_t delivery,
                            const std::string& body, const std::string& signature) {
  for (size_t k = 0; k < kAttackKinds; ++k) {
    const auto kind = static_cast<AttackKind>(k);
    const uint64_t purpose = sim::purpose("live.attack") + k;
    if (!runtime_.random(notice.key.order, purpose, delivery).bernoulli(attacks_.probability[k])) {
      continue;
    }
    Attack attack = make_attack(kind, body, signature, secret_, unix_seconds(), notice.key.payment);
    CallbackAttempt attempt = begin_attempt(notice);
    attempt.kind = "attack:" + std::string(to_string(kind));
    ++stats_.attacks_sent[k];
    post(std::move(attempt), std::move(attack.body), std::move(attack.signature), notice, kind);
  }
}

void Notifier::post(CallbackAttempt&& attempt, std::string body, std::string signature,
                    const channels::CallbackNotice& notice, std::optional<AttackKind> attack) {
  CallbackSender::Headers headers = {{std::string(kSignatureHeader), std::move(signature)},
                                     {"Paysim-Event-Id", attempt.event_id}};
  const uint64_t number = attempt.number;
  const CallbackFault fault = attempt.fault;
  if (fault != CallbackFault::kNone) ++stats_.faulted[static_cast<size_t>(fault) - 1];
  journal_.push_back(std::move(attempt));
  if (journal_.size() > kJournalEntries) journal_.pop_front();
  sender_.post(
      std::move(body), std::move(headers), real_deadline_,
      [this, number, notice, attack, fault](DeliveryResult&& result) {
        on_answer(number, notice, attack, fault, std::move(result));
      },
      fault);
}

CallbackAttempt* Notifier::find_attempt(uint64_t number) {
  if (journal_.empty() || number < journal_.front().number) return nullptr;  // aged out
  const uint64_t index = number - journal_.front().number;
  return index < journal_.size() ? &journal_[index] : nullptr;
}

void Notifier::on_answer(uint64_t number, const channels::CallbackNotice& notice,
                         std::optional<AttackKind> attack, CallbackFault fault,
                         DeliveryResult&& result) {
  runtime_.advance();  // the model must see the time the answer arrived
  // The channel broke this request itself: whatever came back, the merchant did not get it whole
  // in time, so it cannot count as delivered.
  const bool faulted = fault != CallbackFault::kNone;
  const bool answered = result.outcome == DeliveryOutcome::kAnswered && !faulted;
  const bool acknowledged = answered && rule_.accepts(result.status, result.body);
  std::string why;
  if (faulted) {
    why = "transport fault " + std::string(to_string(fault)) + ": " +
          (result.outcome == DeliveryOutcome::kAnswered
               ? "answered " + std::to_string(result.status) + ", not counted"
               : std::string(to_string(result.outcome)) +
                     (result.error.empty() ? "" : " (" + result.error + ")"));
  } else if (answered && !acknowledged) {
    why = "answer is not an acknowledgement (" + rule_.describe() + ")";
  } else if (result.outcome == DeliveryOutcome::kTimeout) {
    why = "no answer within " + sim::format_duration(rule_.deadline);
  } else if (!answered) {
    why = result.error;
  }
  if (CallbackAttempt* attempt = find_attempt(number)) {
    attempt->outcome = result.outcome;
    attempt->status = result.status;
    attempt->acknowledged = acknowledged;
    attempt->why = std::move(why);
    attempt->took_us = result.took.count();
    attempt->finished = true;
  }
  if (attack) {
    // An attack's answer is recorded, never taken as an acknowledgement of the genuine callback.
    if (acknowledged) ++stats_.attacks_accepted[static_cast<size_t>(*attack)];
    return;
  }
  if (acknowledged) {
    ++stats_.acknowledged;
  } else if (answered) {
    ++stats_.not_acknowledged;
  } else if (result.outcome == DeliveryOutcome::kTimeout && !faulted) {
    ++stats_.timeouts;
  } else {
    ++stats_.failures;
  }
  if (acknowledged) channel_.acknowledge(notice);
}

std::string Notifier::journal_json_lines() const {
  std::string out;
  for (const CallbackAttempt& a : journal_) {
    nlohmann::json line = {
        {"attempt", a.number},    {"event_id", a.event_id}, {"trade_id", trade_id(a.payment)},
        {"sequence", a.sequence}, {"kind", a.kind},         {"sent_us", a.sent_us},
        {"finished", a.finished}};
    if (a.finished) {
      line["outcome"] = to_string(a.outcome);
      if (a.outcome == DeliveryOutcome::kAnswered) line["status"] = a.status;
      line["acknowledged"] = a.acknowledged;
      if (!a.why.empty()) line["why"] = a.why;
      if (a.fault != CallbackFault::kNone) line["transport_fault"] = to_string(a.fault);
      line["took_us"] = a.took_us;
    }
    out += line.dump();
    out.push_back('\n');
  }
  return out;
}

}  // namespace live
