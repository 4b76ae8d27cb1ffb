// What a mock channel remembers about one trade (one payment created on it), and the keys of the
// random draws that decide its faults. Private to mock_channels/.
#pragma once

#include <cstdint>

#include "contracts/channel_api.h"
#include "sim/event_id.h"
#include "sim/random.h"
#include "sim/runtime.h"
#include "sim/time.h"

namespace channels::internal {

// Where the last accepted refund of a trade is (refunds that finish later only).
enum class RefundProgress : uint8_t { kNone, kProcessing, kSucceeded, kFailed };

// Fields are grouped by size (the byte-wide ones first, after the key) so the record has no
// padding: a trade lives as long as its order, and most orders in flight wait out their timeout.
struct Trade {
  PaymentKey key;
  // kNotFound while the create call is in flight: the entry exists so that forget() can drop it,
  // but the trade is not yet visible to queries or the wallet.
  TradeState state = TradeState::kNotFound;
  TradeState notice_state = TradeState::kSuccess;  // what this trade's callbacks report
  // Refunds that finish later (refund.completion_delay): where the last one accepted is.
  RefundProgress refund_progress = RefundProgress::kNone;
  bool acknowledged = false;  // the merchant acknowledged a callback: re-sends stop
  bool scanned = false;       // the user acted on it in the wallet (paid or declined)
  int64_t amount_minor = 0;
  int64_t charged_minor = 0;  // amount_minor per charge (twice after a double charge)
  int64_t refunded_minor = 0;
  int64_t refund_amount_minor = 0;  // the last refund accepted (refund.completion_delay)
  sim::Time created_at;  // when the create landed; trade_expiry and cancel.min_age count from here
  sim::Time paid_at;     // when the user was charged (valid once state is kSuccess or kRefunded)
  sim::Time delivered_at;     // when attempt callback_attempts (or its latest copy) arrived
  sim::TimerId resend_timer;  // the next callback attempt, if one is scheduled
  uint32_t create_calls = 0;  // per-trade counters: the index of each keyed draw
  uint32_t creates_landed = 0;
  // Creates without an idempotency key after the first, sent and not yet landed: each lands as
  // a new charge attempt on a sync channel.
  uint32_t keyless_repeats = 0;
  uint32_t pay_calls = 0;
  uint32_t query_calls = 0;
  uint32_t refund_calls = 0;
  uint32_t callback_attempts = 0;  // number of the last callback attempt made (1-based)
  uint32_t refunds_accepted = 0;   // counter of the completion draws
};
static_assert(sizeof(Trade) == 128, "a field added where it leaves padding, or a wider one");

// The trade's state as of `now`: an unpaid trade past `expiry` (when expiry > 0) is closed.
inline TradeState effective_state(const Trade& trade, sim::Time now, sim::Duration expiry) {
  if (trade.state == TradeState::kPending && expiry > sim::Duration::zero() &&
      now >= trade.created_at + expiry) {
    return TradeState::kClosed;
  }
  return trade.state;
}

// What the channel's answers report as the time the user paid: 0 for an unpaid trade.
inline int64_t paid_at_us(const Trade& trade) {
  return trade.state == TradeState::kSuccess || trade.state == TradeState::kRefunded
             ? trade.paid_at.us()
             : 0;
}

// Purposes of the channel's keyed draws. Every draw uses its own stream, keyed by
// (seed, order, purpose, attempt << 32 | counter), so one draw never shifts another and the
// same user action on the same order meets the same faults in every variant of a comparison.
namespace purpose {
inline constexpr uint64_t kCreateLatency = sim::purpose("channel.create.latency");
inline constexpr uint64_t kCreateReplyLoss = sim::purpose("channel.create.reply_loss");
inline constexpr uint64_t kPaySuccess = sim::purpose("channel.pay.success");
inline constexpr uint64_t kDoubleCharge = sim::purpose("channel.pay.double_charge");
inline constexpr uint64_t kCallbackDelay = sim::purpose("channel.callback.delay");
inline constexpr uint64_t kCallbackDrop = sim::purpose("channel.callback.drop");
inline constexpr uint64_t kCallbackDuplicate = sim::purpose("channel.callback.duplicate");
inline constexpr uint64_t kCallbackDuplicateDelay =
    sim::purpose("channel.callback.duplicate_delay");
inline constexpr uint64_t kCallbackReorder = sim::purpose("channel.callback.reorder");
inline constexpr uint64_t kCallbackStaleDelay = sim::purpose("channel.callback.stale_delay");
inline constexpr uint64_t kQueryLatency = sim::purpose("channel.query.latency");
inline constexpr uint64_t kQueryFailure = sim::purpose("channel.query.failure");
inline constexpr uint64_t kQueryStale = sim::purpose("channel.query.stale");
inline constexpr uint64_t kRefundFailure = sim::purpose("channel.refund.failure");
inline constexpr uint64_t kRefundCompletionDelay = sim::purpose("channel.refund.completion_delay");
inline constexpr uint64_t kRefundCompletionFailure =
    sim::purpose("channel.refund.completion_failure");
inline constexpr uint64_t kRefundNoticeDrop = sim::purpose("channel.refund.notice_drop");
}  // namespace purpose

// Counter used for draws about a payment the channel does not know (never created, or forgotten).
inline constexpr uint32_t kUnknownTradeCounter = 0xffffffffu;

inline sim::RandomStream fault_stream(const sim::Runtime& runtime, const PaymentKey& key,
                                      uint64_t purpose, uint32_t counter) {
  return runtime.random(key.order, purpose, (uint64_t{key.attempt} << 32) | counter);
}

}  // namespace channels::internal
