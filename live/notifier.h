// Notifier: turns the model's callback deliveries into signed HTTP POSTs to the merchant, and
// the merchant's answers into acknowledgements.
//
// MockChannel decides every callback fault (drop, delay, duplicate, stale reordered notice, the
// re-send schedule, outages) exactly as in simulation and calls ChannelClient::on_callback for
// each copy that arrives; the Notifier sends that copy as JSON, signed (live/signature.h), and
// calls Channel::acknowledge when the answer meets the preset's AckRule within its deadline. An
// answer that does not, or none, leaves the model's re-send timer running.
//
// Every attempt is journaled (bounded: the oldest entries go first) with what came back and why
// it did or did not acknowledge.
//
// With callback faults (--callback-faults) a genuine attempt may be broken on the wire by the
// channel itself (callback_sender.h, CallbackFault): such an attempt never acknowledges whatever
// the merchant answers, is journaled as failed with its fault, and the model re-sends on its
// schedule. The fault of a trade's n-th delivery is a keyed draw, so a seed repeats them.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "contracts/channel_api.h"
#include "live/ack_rule.h"
#include "live/attacks.h"
#include "live/callback_sender.h"
#include "live/transport_faults.h"

namespace live {

class RealTimeRuntime;
class TradeBook;

struct CallbackAttempt {
  uint64_t number = 0;  // 1-based, in the order attempts left the channel
  std::string event_id;
  channels::PaymentId payment = 0;
  uint32_t sequence = 0;
  std::string kind;                            // first, resend, duplicate, stale, attack:<kind>
  CallbackFault fault = CallbackFault::kNone;  // what the wire did to it (--callback-faults)
  int64_t sent_us = 0;                         // channel time
  DeliveryOutcome outcome = DeliveryOutcome::kAnswered;
  unsigned status = 0;
  bool acknowledged = false;
  std::string why;      // for an attempt not acknowledged: what was wrong
  int64_t took_us = 0;  // real time from send to answer
  bool finished = false;
};

struct NotifierStats {
  uint64_t sent = 0;
  uint64_t acknowledged = 0;
  uint64_t not_acknowledged = 0;  // answered, but not as the rule says
  uint64_t timeouts = 0;          // no answer within the deadline
  uint64_t failures = 0;          // connect failed, broken connection, overloaded
  std::array<uint64_t, kTransportFaults> faulted{};       // sent with a CallbackFault, by kind - 1
  std::array<uint64_t, kAttackKinds> attacks_sent{};      // by AttackKind
  std::array<uint64_t, kAttackKinds> attacks_accepted{};  // answered as an acknowledgement
};

class Notifier {
 public:
  static constexpr size_t kJournalEntries = 100'000;

  Notifier(RealTimeRuntime& runtime, channels::Channel& channel, TradeBook& trades,
           CallbackSender& sender, AckRule rule, std::string secret, AttackProfile attacks = {},
           TransportFaultProfile callback_faults = {});

  void send(const channels::CallbackNotice& notice);

  const NotifierStats& stats() const { return stats_; }
  const AckRule& rule() const { return rule_; }
  // The journal as JSON lines, oldest first.
  std::string journal_json_lines() const;

  // The event a notice becomes: stable id across re-sends and duplicates of the same news.
  static std::string event_id(const channels::CallbackNotice& notice);

 private:
  // A journal entry for a POST about `notice` leaving now (its kind is the caller's).
  CallbackAttempt begin_attempt(const channels::CallbackNotice& notice);
  // Journals one POST and sends it; its answer comes to on_answer.
  void post(CallbackAttempt&& attempt, std::string body, std::string signature,
            const channels::CallbackNotice& notice, std::optional<AttackKind> attack);
  // After a genuine delivery: the attacks its keyed draws decide.
  void send_attacks(const channels::CallbackNotice& notice, uint32_t delivery,
                    const std::string& body, const std::string& signature);
  void on_answer(uint64_t number, const channels::CallbackNotice& notice,
                 std::optional<AttackKind> attack, CallbackFault fault, DeliveryResult&& result);
  CallbackAttempt* find_attempt(uint64_t number);

  RealTimeRuntime& runtime_;
  channels::Channel& channel_;
  TradeBook& trades_;
  CallbackSender& sender_;
  const AckRule rule_;
  const std::string secret_;
  const AttackProfile attacks_;
  const TransportFaultProfile callback_faults_;
  std::chrono::nanoseconds real_deadline_;
  uint64_t attempts_ = 0;
  std::deque<CallbackAttempt> journal_;
  NotifierStats stats_;
};

}  // namespace live
