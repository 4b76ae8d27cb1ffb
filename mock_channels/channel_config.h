// Configuration of one mock channel: its mode, its behaviour and every fault it injects.
// Filled by the scenario loader (harness/) from a preset plus overrides; read-only to the model.
#pragma once

#include <string>
#include <vector>

#include "sim/distribution.h"
#include "sim/time.h"

namespace channels {

// async: a wallet/gateway that accepts the payment and reports the result later by callback
// (Alipay, WeChat Pay, Stripe). sync: the result comes back on the pay call itself (bank card,
// withholding).
enum class ChannelMode { kAsync, kSync };

// A window in which the channel is down: calls time out, the wallet refuses payments and no
// callback leaves the channel (attempts that fall inside are failed and re-sent on schedule).
struct OutageWindow {
  sim::Time start;
  sim::Duration duration;
};

struct CallbackProfile {
  sim::Distribution delay = sim::Distribution::exponential(sim::Duration::millis(500));
  double drop_probability = 0.0;       // each attempt independently lost on the way
  double duplicate_probability = 0.0;  // an attempt is delivered twice
  // A stale "still pending" notice sent before the success overtakes it and arrives after it.
  double reorder_probability = 0.0;
  // Gaps between re-sends after the first attempt; the channel stops once acknowledged.
  std::vector<sim::Duration> retries;
  bool notify_failures = false;  // WeChat Pay notifies successes only
  // The merchant must acknowledge a delivered attempt within this long (WeChat Pay 5 s, Adyen
  // 10 s); a later acknowledgement is ignored and the attempt is sent again on `retries`.
  // Zero: no deadline, any acknowledgement counts.
  sim::Duration ack_deadline;
};

struct QueryProfile {
  sim::Distribution latency = sim::Distribution::fixed(sim::Duration::millis(100));
  double failure_probability = 0.0;  // the query returns an error
  double stale_probability = 0.0;    // says pending although the payment succeeded
  // Alipay: before the QR code is scanned a query answers "trade does not exist" (kNotFound). The
  // scan is the user's action in the wallet (paying or declining); async channels only.
  bool not_found_before_scan = false;
};

struct CancelProfile {
  bool supported = true;
  sim::Duration latency = sim::Duration::millis(100);
  sim::Duration min_age;  // WeChat Pay: an order cannot be closed within 5 minutes of creation
};

struct RefundProfile {
  bool supported = true;
  sim::Duration latency = sim::Duration::seconds(1);
  double failure_probability = 0.0;  // the refund call is refused at once
  // Refunds that finish later (DOMAIN.md: "Refunds are requests: the response means accepted,
  // the result must be queried"). Unless this is a fixed 0, a refund call that lands is answered
  // "accepted" and the money goes back this long afterwards; asking the same refund again
  // answers its progress (and starts a failed one over, the same refund number retried).
  sim::Distribution completion_delay = sim::Distribution::fixed(sim::Duration::zero());
  // An accepted refund fails when it would finish (insufficient merchant balance, bank error).
  double completion_failure_probability = 0.0;
  bool notify = false;                   // a refund notice reports each finished refund's result
  double notify_drop_probability = 0.0;  // a refund notice is lost on the way

  bool completes_later() const {
    return completion_delay != sim::Distribution::fixed(sim::Duration::zero());
  }
};

struct ChannelConfig {
  std::string name;
  std::string preset;  // empty when none; documentation only once loaded
  double share = 1.0;  // fraction of users who start on this channel
  ChannelMode mode = ChannelMode::kAsync;
  sim::Distribution accept_latency = sim::Distribution::fixed(sim::Duration::millis(80));
  double success_probability = 0.98;  // a payment the user attempts succeeds
  CallbackProfile callback;
  QueryProfile query;
  double double_charge_probability = 0.0;  // the channel takes the money twice
  // The create call's answer is lost after the channel acted on it: the trade exists (a sync
  // channel has also charged), but the merchant hears nothing and sees kTimeout `timeout` later.
  // The card or withholding call that timed out after the bank took the money.
  double create_reply_loss_probability = 0.0;
  CancelProfile cancel;
  RefundProfile refund;
  std::vector<OutageWindow> outages;
  // How long an unanswered call takes to fail during an outage.
  sim::Duration timeout = sim::Duration::seconds(5);
  // The channel closes an unpaid trade after this long (0 = never): WeChat quick-pay 45 s,
  // Alipay timeout_express 1 min .. 15 days.
  sim::Duration trade_expiry;
  // When set, replaces the user's pay_delay on this channel: a Boleto voucher is paid at a bank
  // days later, a card is charged at once.
  bool has_pay_delay = false;
  sim::Distribution pay_delay = sim::Distribution::fixed(sim::Duration::zero());
};

}  // namespace channels
