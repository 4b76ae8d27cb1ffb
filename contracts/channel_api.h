// The contract between the payment service and a third-party channel, as messages.
//
// Both sides are written against these interfaces only: in the simulator the mock channel
// answers after simulated latencies; in live mode the same calls travel as HTTP. Every call is
// asynchronous: the answer comes back later through ChannelClient, never on the caller's stack,
// and echoes the caller's call id. Every call gets exactly one reply, timeouts included
// (contracts/ids.h). Callbacks are the channel's own messages, not replies: the merchant
// acknowledges them (or not) and the channel re-sends until it does.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "contracts/ids.h"

namespace channels {

using contracts::CallId;
using contracts::OrderId;
using contracts::PaymentId;
using contracts::PaymentKey;

// A trade's state at the channel, as its query API reports it.
enum class TradeState : uint8_t {
  kNotFound,  // Alipay before the QR code is scanned
  kPending,   // NOTPAY / USERPAYING / WAIT_BUYER_PAY
  kSuccess,
  kFailed,
  kClosed,  // closed or cancelled before payment
  kRefunded,
};
std::string_view to_string(TradeState state);
// The state named by to_string(), as a channel's HTTP API spells it; nullopt for anything else.
std::optional<TradeState> parse_trade_state(std::string_view text);

// How a call ended, seen from the caller.
enum class CallStatus : uint8_t {
  kOk,
  kError,    // the channel answered with an error
  kTimeout,  // no answer (outage); the caller cannot know whether it took effect
};
std::string_view to_string(CallStatus status);

// Whether a create carries the merchant's idempotency key (Stripe's Idempotency-Key, naming the
// payment). With it, a create repeated for the same payment is answered as the first one was
// (Stripe stores the first response and replays it); without it, every create is a new charge
// attempt: a sync channel charges the card again (DOMAIN.md, "Idempotency and locks").
enum class IdempotencyKey : uint8_t { kSent, kNone };

// Who asked a query, so that the answer is routed back to the strategy that sent it.
enum class QuerySource : uint8_t { kPolling, kDelayMessage, kOrderQuery, kCancel, kSyncTimeout };

// Every answer that reports a paid trade (kSuccess, kRefunded) also says when the user paid, as
// the channel recorded it (Alipay gmt_payment, WeChat Pay time_end, Stripe's charge created):
// `paid_at_us`, simulated microseconds since the start of the run; 0 when the trade is unpaid.
// The shop judges a payment late or on time by this time, never by when the news reached it.

struct CreateReply {
  CallStatus status = CallStatus::kOk;
  TradeState state = TradeState::kPending;  // async: kPending; sync: kSuccess or kFailed
  int64_t paid_at_us = 0;
};

struct QueryReply {
  CallStatus status = CallStatus::kOk;
  TradeState state = TradeState::kPending;
  int64_t paid_at_us = 0;
};

struct CloseReply {
  CallStatus status = CallStatus::kOk;
  // kClosed when the close took effect; kSuccess when the user paid first (the race);
  // kPending when the channel refused (unsupported, or too young to close).
  TradeState state = TradeState::kClosed;
  int64_t paid_at_us = 0;
};

// {kOk, refunded}: the money is back. {kOk, !refunded}: the refund was accepted and finishes later
// (channels[].refund.completion_delay; DOMAIN.md: "the response means accepted, the result must
// be queried"): asking the same refund again answers its progress, and starts it over if it failed.
struct RefundReply {
  CallStatus status = CallStatus::kOk;
  bool refunded = false;
};

// One callback (回调) delivery. `sequence` counts the channel's attempts for this payment.
struct CallbackNotice {
  PaymentKey key;
  TradeState state = TradeState::kSuccess;
  uint32_t sequence = 0;
  int64_t paid_at_us = 0;  // when the user paid (kSuccess notices)
};

// The payment service's side of the contract: the channel answers and notifies through it.
class ChannelClient {
 public:
  virtual ~ChannelClient() = default;
  virtual void on_create_reply(CallId call, const PaymentKey& key, const CreateReply& reply) = 0;
  virtual void on_query_reply(CallId call, const PaymentKey& key, QuerySource source,
                              const QueryReply& reply) = 0;
  virtual void on_close_reply(CallId call, const PaymentKey& key, const CloseReply& reply) = 0;
  virtual void on_refund_reply(CallId call, const PaymentKey& key, const RefundReply& reply) = 0;
  // The result of an accepted refund, sent when it finishes (channels[].refund.notify: WeChat Pay's
  // refund notice): `refunded` true when the money went back, false when the refund failed. It
  // answers no call, is never re-sent and may be lost; channels that refund at once never send it.
  virtual void on_refund_notice(const PaymentKey& /*key*/, const RefundReply& /*result*/) {}
  // A callback arrived. The receiver acknowledges it with Channel::acknowledge once it has
  // handled it; an unacknowledged callback is sent again on the channel's retry schedule.
  virtual void on_callback(const CallbackNotice& notice) = 0;
};

// The channel's merchant-facing API.
class Channel {
 public:
  virtual ~Channel() = default;
  virtual void create(CallId call, const PaymentKey& key, int64_t amount_minor,
                      IdempotencyKey idempotency = IdempotencyKey::kSent) = 0;
  virtual void query(CallId call, const PaymentKey& key, QuerySource source) = 0;
  virtual void close(CallId call, const PaymentKey& key) = 0;
  virtual void refund(CallId call, const PaymentKey& key, int64_t amount_minor) = 0;
  virtual void acknowledge(const CallbackNotice& notice) = 0;
};

// One line of a channel's statement (对账单): what the channel holds for one payment.
struct StatementLine {
  PaymentKey key;
  uint32_t charges = 0;  // 2 after a double charge
  int64_t charged_minor = 0;
  int64_t refunded_minor = 0;
  int64_t first_charge_us = 0;  // simulated time of the payment's first charge
};

// The channels' statements (对账单), as real channels publish them for a period.
class StatementSource {
 public:
  virtual ~StatementSource() = default;
  // Gets the statement for [from_us, to_us) so that statement(from_us, to_us) can answer it, then
  // calls `ready(true)`; `ready(false)` when it could not be downloaded (the caller asks again
  // later, for a longer window). A source that holds the statements (the channels' ledger in the
  // simulator) is ready at once, inside this call; one across a network (serve-sut) after the
  // download. Every movement of money belongs to exactly one of the windows asked.
  virtual void fetch(int64_t /*from_us*/, int64_t /*to_us*/, std::function<void(bool)> ready) {
    ready(true);
  }
  // One line for every payment whose money moved (a charge or a refund) at a time in
  // [from_us, to_us), each with the payment's totals now; ordered by order, then payment.
  // Windows are asked in increasing order and never overlap, so the source may forget every
  // movement before `from_us`.
  virtual std::vector<StatementLine> statement(int64_t from_us, int64_t to_us) = 0;
  // Every payment of one order that the channels took money for.
  virtual std::vector<StatementLine> statement(OrderId order) const = 0;
};

// What the user does inside the wallet: pays a trade the channel created.
enum class PayOutcome : uint8_t {
  kCharged,      // money taken (once, or twice on a double-charge fault)
  kDeclined,     // the payment failed (insufficient funds, risk control)
  kUnavailable,  // no payable trade here: unknown, a sync channel's, or the channel is down
  // The trade can no longer be paid: it expired at the channel (`trade_expiry`: WeChat Pay
  // revokes a quick-pay order unpaid after 45 s, a prepay is valid 2 h) or the merchant closed it.
  // Money is never taken; a sale is lost unless the shop offers a new payment.
  kClosed,
};

// The one synchronous part of the contract, on purpose: the wallet is the channel's own UI, not
// a boundary of the merchant's system. The user's confirmation and its outcome are one event at
// the channel (serve-channel's wallet endpoint answers it in its own HTTP response), and what
// crosses to the merchant afterwards — callbacks, query answers — is asynchronous as above.
class Wallet {
 public:
  virtual ~Wallet() = default;
  // The user confirms payment of `key` now. The outcome is immediate from the user's view.
  virtual PayOutcome user_pays(const PaymentKey& key) = 0;
};

}  // namespace channels
