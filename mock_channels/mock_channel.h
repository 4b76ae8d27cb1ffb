// MockChannel: a third-party payment channel (gateway + wallet) that injects the faults of its
// ChannelConfig: slow or lost callbacks, duplicates, stale reordered notices, failing or stale
// queries, double charges, refused closes, failing refunds and outage windows.
//
// Contract (docs/channels.md describes every behaviour in full):
// - Every Channel call answers later through ChannelClient, never on the caller's stack.
// - Wallet::user_pays answers at once (it is the user's click inside the wallet).
// - Money that moves is written to the Ledger (ground truth) at the moment it moves.
// - Every random decision is keyed by (seed, order, purpose, attempt << 32 | counter), where the
//   counter numbers the calls of that kind on that payment (or the callback attempt), so the same
//   user action on the same order meets the same faults in every variant of a comparison and
//   whatever other orders exist.
// - Memory is per open trade: forget(payment) drops everything the channel keeps for it, and any
//   timer that fires later for a forgotten payment does nothing.
//
// Ownership: the channel copies its config and keeps references to the runtime, ledger, client
// and tracer, which must outlive it; and the simulation must not run timers of a destroyed channel.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "contracts/channel_api.h"
#include "mock_channels/channel_config.h"
#include "mock_channels/internal/trade.h"
#include "sim/activity.h"
#include "sim/fault_plan.h"
#include "sim/fault_tap.h"
#include "sim/id_map.h"
#include "sim/runtime.h"
#include "sim/trace.h"

namespace channels {

class Ledger;

// Counters since construction. "Calls" count what the merchant asked, whatever the outcome.
struct ChannelStats {
  uint64_t creates = 0;              // create calls
  uint64_t create_replies_lost = 0;  // creates that took effect but whose answer was lost
  uint64_t keyless_recharges = 0;    // sync creates repeated without a key: charged again
  uint64_t queries = 0;              // query calls
  uint64_t queries_failed = 0;       // answered kError by the failure fault
  uint64_t queries_stale = 0;        // answered kPending although the trade had succeeded
  uint64_t queries_not_scanned = 0;  // answered kNotFound: created, not yet scanned
  uint64_t closes = 0;               // close calls
  uint64_t refunds = 0;              // refund calls
  uint64_t refunds_failed = 0;       // refund calls answered kError (fault, unsupported, refused)
  // Refunds that finish later (refund.completion_delay):
  uint64_t refunds_accepted = 0;        // refunds started: answered "accepted"
  uint64_t refunds_completed = 0;       // accepted refunds that gave the money back
  uint64_t refunds_failed_later = 0;    // accepted refunds that failed when they would finish
  uint64_t refund_notices_sent = 0;     // refund notices that left the channel
  uint64_t refund_notices_dropped = 0;  // of those, lost on the way
  uint64_t callbacks_sent = 0;          // attempts that left the channel
  uint64_t callbacks_dropped = 0;       // sent, never arrived
  uint64_t callbacks_duplicated = 0;    // extra copies delivered
  uint64_t callbacks_stale = 0;         // reordered stale "pending" notices delivered
  uint64_t callbacks_blocked = 0;       // attempts not sent because the channel was down
  uint64_t acks_late = 0;  // acknowledgements after callback.ack_deadline: ignored, re-sent
  uint64_t charges = 0;    // ledger charge entries, double charges included
  uint64_t double_charges = 0;
  uint64_t calls_during_outage = 0;  // calls and wallet payments refused by an outage
  // Wallet actions refused because the trade had expired (trade_expiry) or been closed.
  uint64_t pays_refused_closed = 0;
};

class MockChannel final : public Channel, public Wallet {
 public:
  // `index` is the channel's position in the scenario (PaymentKey::channel of its payments).
  MockChannel(sim::Runtime& runtime, const ChannelConfig& config, uint32_t index, Ledger& ledger,
              ChannelClient& client, sim::Tracer* tracer = nullptr);
  MockChannel(const MockChannel&) = delete;
  MockChannel& operator=(const MockChannel&) = delete;

  // Channel. REQUIRES for all: key.channel == index().
  // A create repeated for a payment the channel knows is answered with the trade's state, as
  // the first was; without an idempotency key a sync channel charges again (a new charge).
  void create(CallId call, const PaymentKey& key, int64_t amount_minor,
              IdempotencyKey idempotency = IdempotencyKey::kSent) override;  // REQUIRES: amount > 0
  void query(CallId call, const PaymentKey& key, QuerySource source) override;
  void close(CallId call, const PaymentKey& key) override;
  void refund(CallId call, const PaymentKey& key, int64_t amount_minor) override;
  // Stops the re-sends, unless it misses callback.ack_deadline (counted in acks_late).
  void acknowledge(const CallbackNotice& notice) override;

  // Wallet.
  PayOutcome user_pays(const PaymentKey& key) override;
  // The user refuses to pay in the wallet (cancels, or the bank declines before any money
  // moves): the trade fails exactly as a declined payment does, with a failure callback when
  // the preset notifies failures. kUnavailable when the trade cannot be paid (as user_pays).
  PayOutcome user_declines(const PaymentKey& key);

  const ChannelConfig& config() const { return config_; }
  const ChannelStats& stats() const { return stats_; }
  uint32_t index() const { return index_; }
  // Trades the channel still remembers (created or being created, not yet forgotten).
  size_t open_trades() const { return trades_.size(); }
  // Ground truth for tests and invariants: the trade's state now (an unpaid trade past its
  // expiry reads kClosed), or kNotFound if unknown or not yet created.
  TradeState trade_state(PaymentId payment) const;
  // Drops the trade and cancels its pending callback re-send. The harness calls it once nothing
  // can touch the payment again; a later call about it is answered as for an unknown trade.
  void forget(PaymentId payment);

  // Optional: when set, every pending channel timer holds activity for its order (see below).
  // REQUIRES: called before any call; `activity` outlives the channel.
  void set_activity(sim::Activity* activity) { activity_ = activity; }

  // True when `at` lies in one of the configured outage windows [start, start + duration).
  bool in_outage(sim::Time at) const;

  // Test seam (sim/fault_plan.h): null unless a test installs a plan; `plan` outlives the
  // channel. Its points fail one chosen call on top of the configured faults:
  static constexpr uint64_t kFaultCreateReply = sim::FaultPlan::point("channel.create_reply");
  static constexpr uint64_t kFaultQuery = sim::FaultPlan::point("channel.query");
  static constexpr uint64_t kFaultCallback = sim::FaultPlan::point("channel.callback");
  //  - create_reply: the trade is created (a sync channel also charges) but the reply is lost:
  //    the merchant sees kTimeout at once and cannot know what happened (the configured
  //    create_reply_loss_probability does the same, with the timeout after config.timeout);
  //  - query: the query lands and is answered kError;
  //  - callback: a callback attempt that leaves the channel is lost on the way.
  void set_fault_plan(sim::FaultPlan* plan) { faults_ = plan; }

  // The faults this channel reports to a sim::FaultTap (null unless a harness installs one; it
  // outlives the channel), each for the order it strikes:
  static constexpr uint64_t kStruckOutage = sim::FaultTap::fault("channel.outage");
  static constexpr uint64_t kStruckCreateReplyLost =
      sim::FaultTap::fault("channel.create.reply_lost");
  static constexpr uint64_t kStruckDoubleCharge = sim::FaultTap::fault("channel.double_charge");
  static constexpr uint64_t kStruckCallbackDropped =
      sim::FaultTap::fault("channel.callback.dropped");
  static constexpr uint64_t kStruckCallbackDuplicated =
      sim::FaultTap::fault("channel.callback.duplicated");
  static constexpr uint64_t kStruckCallbackReordered =
      sim::FaultTap::fault("channel.callback.reordered");
  static constexpr uint64_t kStruckQueryFailed = sim::FaultTap::fault("channel.query.failed");
  static constexpr uint64_t kStruckQueryStale = sim::FaultTap::fault("channel.query.stale");
  static constexpr uint64_t kStruckRefundFailed = sim::FaultTap::fault("channel.refund.failed");
  static constexpr uint64_t kStruckRefundCompletionFailed =
      sim::FaultTap::fault("channel.refund.completion_failed");
  static constexpr uint64_t kStruckRefundNoticeDropped =
      sim::FaultTap::fault("channel.refund.notice_dropped");
  //  - outage: a call (create, query, close, refund, the wallet's pay) refused, or a callback
  //    held back, because the channel is down;
  //  - create.reply_lost: a create took effect and its answer was lost (fault or plan);
  //  - double_charge: the wallet took the money twice;
  //  - callback.dropped / duplicated / reordered: one callback attempt lost, sent twice, or
  //    followed by a stale copy;
  //  - query.failed / query.stale: a query answered with an error, or with an old state;
  //  - refund.failed / refund.completion_failed / refund.notice_dropped: a refund refused, an
  //    accepted refund that failed later, a refund notice lost.
  void set_fault_tap(sim::FaultTap* tap) { tap_ = tap; }

 private:
  using Trade = internal::Trade;

  void on_create_landed(CallId call, const PaymentKey& key, int64_t amount_minor);
  // True when the answer to a create that just took effect on `trade` is lost: the test seam's
  // planned failure, or the create_reply_loss fault drawn for the trade's n-th landed create.
  bool create_reply_lost(Trade& trade);
  // Decides the payment of a pending trade (the user's pay_calls-th attempt) and moves money.
  // Returns the new state: kSuccess or kFailed.
  TradeState decide_payment(Trade& trade);
  // A sync create repeated without an idempotency key: a new charge of the same payment, decided
  // as the first was. Earlier charges stand whatever its outcome; returns the outcome.
  TradeState charge_again(Trade& trade);
  // The trade a wallet action (`what`) may act on now, or nullptr (traced) when an outage
  // refuses it or the trade is unknown, sync, or no longer pending; `refused` then says which:
  // kClosed for a trade that expired or was closed, kUnavailable for the rest.
  Trade* payable_trade(const PaymentKey& key, const char* what, PayOutcome* refused);
  // A declined payment of `trade` (already kFailed): the failure callback if the preset sends one.
  PayOutcome notify_declined(Trade& trade);
  void on_query_landed(CallId call, const PaymentKey& key, QuerySource source, uint32_t counter);
  void on_close_landed(CallId call, const PaymentKey& key);
  void on_refund_landed(CallId call, const PaymentKey& key, int64_t amount_minor, uint32_t counter);
  // Refunds that finish later: answers a refund call that landed on a known trade with the
  // progress of its last refund of that amount, or accepts a new one (after the failure fault was
  // drawn); finish_refund moves the money, or fails it, and sends the refund notice.
  void on_later_refund_landed(CallId call, Trade& trade, int64_t amount_minor, bool failed);
  void finish_refund(PaymentId payment, uint32_t counter);
  void send_refund_notice(const Trade& trade, uint32_t counter, bool refunded);
  // True (and counted, traced) when a call made now meets an outage: the caller then gets
  // kTimeout after config.timeout and the call has no effect.
  bool refused_by_outage(const PaymentKey& key, const char* call);

  // Callbacks (mock_channel_callbacks.cpp).
  void start_callbacks(Trade& trade, TradeState notice_state);
  void send_callback(PaymentId payment);
  // Schedules the re-send after the trade's last attempt; false when the schedule is exhausted.
  bool schedule_next_callback(Trade& trade);
  void trace_exhausted(uint64_t order, uint32_t attempt);
  // Delivers an extra copy in flight after callback attempt `attempt`: a duplicate of it, or a
  // stale "pending" notice that it overtook.
  void deliver_copy(PaymentId payment, uint32_t attempt, bool stale);
  // True when an acknowledgement of `notice` made now misses callback.ack_deadline: it answers
  // an attempt older than the last one the channel sent, or comes too long after that one arrived.
  bool ack_too_late(const Trade& trade, const CallbackNotice& notice) const;

  // Activity (sim/activity.h): every timer the channel schedules holds one unit for its order,
  // so the harness retires an order only when the channel has nothing left to do for it.
  // begin_work before scheduling a timer that always runs; the timer takes it over with
  // finish_work. A cancellable timer (the callback re-send) owns a hold_work instead.
  void begin_work(uint64_t order);
  sim::Hold finish_work(uint64_t order);
  sim::Hold hold_work(uint64_t order);

  template <class MakeMessage>
  void trace(uint64_t order, MakeMessage&& make_message) const;

  sim::Runtime& runtime_;
  const ChannelConfig config_;  // a copy: the scenario's config may be rebuilt per variant
  uint32_t index_;
  Ledger& ledger_;
  ChannelClient& client_;
  sim::Tracer* tracer_;
  sim::Activity* activity_ = nullptr;
  sim::FaultPlan* faults_ = nullptr;
  sim::FaultTap* tap_ = nullptr;
  std::string component_;  // "channel:<name>", for traces
  sim::IdMap<Trade> trades_;
  ChannelStats stats_;
};

template <class MakeMessage>
void MockChannel::trace(uint64_t order, MakeMessage&& make_message) const {
  sim::trace(tracer_, runtime_.now(), component_, order, std::forward<MakeMessage>(make_message));
}

}  // namespace channels
