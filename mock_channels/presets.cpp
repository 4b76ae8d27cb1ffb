// Channel presets. Callback schedules, acknowledgement and cancel rules are as published (sources
// in ../shared/DOMAIN.md, repeated in each preset's PresetInfo::source). Latencies and fault rates
// are not published by any channel: those numbers are our judgement of typical production
// behaviour, marked "judgement" below, and scenarios override them.
#include "mock_channels/presets.h"

#include <algorithm>

namespace channels {
namespace {

using sim::Distribution;
using sim::Duration;

Duration s(int64_t n) { return Duration::seconds(n); }
Duration m(int64_t n) { return Duration::minutes(n); }
Duration h(int64_t n) { return Duration::hours(n); }

// Judgement for every async wallet unless a preset says otherwise: accept ~100 ms, first
// callback ~1 s after the charge, queries ~100 ms, rare faults.
ChannelConfig async_wallet(std::string_view preset) {
  ChannelConfig config;
  config.preset = std::string(preset);
  config.mode = ChannelMode::kAsync;
  config.accept_latency = Distribution::lognormal(Duration::millis(100), 0.3);
  config.success_probability = 0.98;
  config.callback.delay = Distribution::lognormal(Duration::millis(800), 0.5);
  config.callback.drop_probability = 0.01;
  config.callback.duplicate_probability = 0.005;
  config.query.latency = Distribution::lognormal(Duration::millis(100), 0.3);
  config.query.failure_probability = 0.002;
  config.cancel = {
      .supported = true, .latency = Duration::millis(150), .min_age = Duration::zero()};
  config.refund = {.supported = true, .latency = s(1), .failure_probability = 0.001};
  config.timeout = s(5);
  return config;
}

ChannelConfig alipay_like() {
  ChannelConfig config = async_wallet("alipay-like");
  // opendocs.alipay.com/open/270/105902: 8 notifications within about 25h, gaps
  // 4m (or 2m) 10m 10m 1h 2h 6h 15h; the body must be exactly "success".
  config.callback.retries = {m(4), m(10), m(10), h(1), h(2), h(6), h(15)};
  config.callback.notify_failures = false;  // nothing is sent while waiting for the buyer
  // close works on unpaid trades only (the model's close never undoes a payment).
  // Expiry is configurable from 1 minute to 15 days; 30 minutes is our judgement of a common
  // merchant setting.
  config.trade_expiry = m(30);
  return config;
}

ChannelConfig wechat_pay_like() {
  ChannelConfig config = async_wallet("wechat-pay-like");
  // pay.weixin.qq.com notify pages: 15s 15s 30s 3m 10m 20m 30m 30m 30m 60m 3h 3h 3h 6h 6h
  // (about 24h); only successful payments are notified; duplicates happen.
  config.callback.retries = {s(15), s(15), s(30), m(3), m(10), m(20), m(30), m(30),
                             m(30), m(60), h(3),  h(3), h(3),  h(6),  h(6)};
  config.callback.notify_failures = false;
  config.callback.duplicate_probability = 0.01;  // judgement: "duplicates happen"
  // An order cannot be closed within 5 minutes of creation.
  config.cancel.min_age = m(5);
  // Judgement: 2h, the expiry of a native/JSAPI order when the merchant sets none.
  config.trade_expiry = h(2);
  return config;
}

ChannelConfig stripe_like() {
  ChannelConfig config = async_wallet("stripe-like");
  // docs.stripe.com/webhooks: exponential back-off for up to 3 days in live mode; events may
  // arrive out of order and more than once. The exact gaps are not published: ours double from
  // 1 minute and are capped at 12 hours, about 3 days in all (judgement).
  config.callback.retries.clear();
  Duration gap = m(1);
  Duration total;
  while (total + gap <= Duration::days(3)) {
    config.callback.retries.push_back(gap);
    total += gap;
    gap = std::min(gap * 2, h(12));
  }
  config.callback.duplicate_probability = 0.01;  // judgement: "more than once"
  config.callback.reorder_probability = 0.01;    // judgement: "out of order"
  config.callback.notify_failures = true;        // payment_intent.payment_failed is an event
  config.accept_latency = Distribution::lognormal(Duration::millis(300), 0.4);  // judgement
  // Cancel is allowed before capture; the model does not distinguish capture.
  config.cancel.latency = Duration::millis(300);
  config.trade_expiry = Duration::zero();  // a PaymentIntent does not expire by itself
  return config;
}

ChannelConfig adyen_like() {
  ChannelConfig config = async_wallet("adyen-like");
  // docs.adyen.com webhooks troubleshooting: 9s 18s 27s, then a retry queue 2m 5m 10m 15m 30m
  // 1h 2h 4h 8h, and on "up to 30 days". We read the tail as every 8h until 30 days in all.
  config.callback.retries = {s(9),  s(18), s(27), m(2), m(5), m(10),
                             m(15), m(30), h(1),  h(2), h(4), h(8)};
  Duration total;
  for (Duration gap : config.callback.retries) total += gap;
  while (total + h(8) <= Duration::days(30)) {
    config.callback.retries.push_back(h(8));
    total += h(8);
  }
  config.callback.notify_failures = true;  // AUTHORISATION success=false is notified
  config.accept_latency = Distribution::lognormal(Duration::millis(300), 0.4);  // judgement
  config.trade_expiry = Duration::zero();
  return config;
}

ChannelConfig paypal_ipn_like() {
  ChannelConfig config = async_wallet("paypal-ipn-like");
  // PayPal help centre, IPN timeout: re-sent after 10s, doubling each time, capped at 24h, for
  // about 4 days.
  config.callback.retries.clear();
  Duration gap = s(10);
  Duration total;
  while (total + gap <= Duration::days(4)) {
    config.callback.retries.push_back(gap);
    total += gap;
    gap = std::min(gap * 2, h(24));
  }
  config.callback.notify_failures = true;  // IPN reports Failed/Denied payment_status
  config.callback.delay = Distribution::lognormal(s(2), 0.7);  // judgement: IPN is slow
  config.accept_latency = Distribution::lognormal(Duration::millis(400), 0.4);  // judgement
  config.trade_expiry = h(3);                                                   // judgement
  return config;
}

ChannelConfig card_sync() {
  // DOMAIN.md "同步支付": bank card and withholding answer on the pay call itself. Latency and
  // approval rate are our judgement of card authorisation.
  ChannelConfig config;
  config.preset = "card-sync";
  config.mode = ChannelMode::kSync;
  config.accept_latency = Distribution::lognormal(Duration::millis(1500), 0.5);
  config.success_probability = 0.95;
  config.query.latency = Distribution::lognormal(Duration::millis(200), 0.3);
  config.query.failure_probability = 0.002;
  config.cancel.supported = false;  // a card authorisation is reversed by a refund instead
  config.refund = {.supported = true, .latency = s(2), .failure_probability = 0.001};
  config.timeout = s(30);  // judgement: card gateways allow long authorisations
  config.has_pay_delay = true;
  config.pay_delay = Distribution::fixed(Duration::zero());  // charged at once
  return config;
}

ChannelConfig boleto_like() {
  // A voucher paid at a bank days later (channel_config.h, has_pay_delay). Numbers are our
  // judgement of Boleto Bancario: paid about a day after issue, confirmed by the bank within
  // hours, voucher valid 3 days, no cancel.
  ChannelConfig config = async_wallet("boleto-like");
  config.has_pay_delay = true;
  config.pay_delay = Distribution::lognormal(Duration::days(1), 0.6);
  config.trade_expiry = Duration::days(3);
  config.cancel.supported = false;
  config.success_probability = 0.99;
  config.callback.delay = Distribution::lognormal(h(6), 0.5);
  config.callback.retries = {h(1), h(2), h(4), h(8), h(12), h(24), h(24)};
  config.query.latency = Distribution::lognormal(Duration::millis(500), 0.4);
  return config;
}

ChannelConfig ideal() {
  // No faults and no retries: every callback arrives once; a baseline for comparisons.
  ChannelConfig config;
  config.preset = "ideal";
  config.accept_latency = Distribution::fixed(Duration::millis(50));
  config.success_probability = 1.0;
  config.callback.delay = Distribution::fixed(Duration::millis(100));
  config.query.latency = Distribution::fixed(Duration::millis(50));
  config.cancel = {.supported = true, .latency = Duration::millis(50), .min_age = Duration::zero()};
  config.refund = {.supported = true, .latency = Duration::millis(100), .failure_probability = 0.0};
  return config;
}

struct PresetEntry {
  PresetInfo info;
  ChannelConfig (*make)();
};

const std::vector<PresetEntry>& entries() {
  static const std::vector<PresetEntry> kEntries = {
      {{"alipay-like", "Alipay: 8 notifications in ~25h, close only unpaid trades",
        "opendocs.alipay.com/open/270/105902 (notify schedule, states); latencies and fault rates: "
        "judgement"},
       alipay_like},
      {{"wechat-pay-like",
        "WeChat Pay: 16 notifications in ~24h, successes only, no close within 5m",
        "pay.weixin.qq.com wxpay docs, notify and close-order pages; latencies and fault rates: "
        "judgement"},
       wechat_pay_like},
      {{"stripe-like",
        "Stripe webhooks: exponential back-off for 3 days, out of order and duplicated",
        "docs.stripe.com/webhooks (3-day back-off, ordering, duplicates); exact gaps and "
        "latencies: "
        "judgement"},
       stripe_like},
      {{"adyen-like", "Adyen webhooks: 9s 18s 27s, then a queue up to 8h gaps, for 30 days",
        "docs.adyen.com webhooks troubleshooting (retry schedule); latencies: judgement"},
       adyen_like},
      {{"paypal-ipn-like", "PayPal IPN: re-sent from 10s doubling, capped at 24h, for ~4 days",
        "PayPal help centre, IPN timeout and retry; latencies: judgement"},
       paypal_ipn_like},
      {{"card-sync", "Synchronous bank card / withholding: the result comes back on the call",
        "DOMAIN.md sync vs async channels (SPEC glossary 同步支付); latency and approval rate: "
        "judgement"},
       card_sync},
      {{"boleto-like", "Voucher paid at a bank about a day later, valid 3 days, no cancel",
        "channel_config.h has_pay_delay (Boleto); all numbers: judgement"},
       boleto_like},
      {{"ideal", "No faults, no retries: the baseline", "none needed: a fault-free reference"},
       ideal},
  };
  return kEntries;
}

}  // namespace

std::optional<ChannelConfig> channel_preset(std::string_view name) {
  for (const PresetEntry& entry : entries()) {
    if (entry.info.name == name) return entry.make();
  }
  return std::nullopt;
}

const std::vector<PresetInfo>& channel_presets() {
  static const std::vector<PresetInfo> kInfos = [] {
    std::vector<PresetInfo> infos;
    for (const PresetEntry& entry : entries()) infos.push_back(entry.info);
    return infos;
  }();
  return kInfos;
}

}  // namespace channels
