// `channels:`: each mock channel, from its preset (if any) with the file's keys on top, then the
// checks across channels (unique names, shares summing to 1).
#include <fmt/format.h>

#include <cmath>
#include <map>

#include "harness/internal/scenario_decode.h"
#include "harness/internal/value_readers.h"
#include "mock_channels/presets.h"

namespace harness::internal {
namespace {

using channels::ChannelConfig;

void decode_callback(Decoder& d, const Cursor& at, channels::CallbackProfile& out) {
  MapReader reader(d, at);
  reader.read("delay", out.delay, decode_distribution);
  reader.read("drop_probability", out.drop_probability, decode_probability);
  reader.read("duplicate_probability", out.duplicate_probability, decode_probability);
  reader.read("reorder_probability", out.reorder_probability, decode_probability);
  reader.read("retries", out.retries, decode_durations);
  reader.read("notify_failures", out.notify_failures, decode_bool);
  reader.read("ack_deadline", out.ack_deadline, decode_duration);
}

void decode_query(Decoder& d, const Cursor& at, channels::QueryProfile& out) {
  MapReader reader(d, at);
  reader.read("latency", out.latency, decode_distribution);
  reader.read("failure_probability", out.failure_probability, decode_probability);
  reader.read("stale_probability", out.stale_probability, decode_probability);
  reader.read("not_found_before_scan", out.not_found_before_scan, decode_bool);
}

void decode_cancel(Decoder& d, const Cursor& at, channels::CancelProfile& out) {
  MapReader reader(d, at);
  reader.read("supported", out.supported, decode_bool);
  reader.read("latency", out.latency, decode_duration);
  reader.read("min_age", out.min_age, decode_duration);
}

void decode_refund(Decoder& d, const Cursor& at, channels::RefundProfile& out) {
  MapReader reader(d, at);
  reader.read("supported", out.supported, decode_bool);
  reader.read("latency", out.latency, decode_duration);
  reader.read("failure_probability", out.failure_probability, decode_probability);
  reader.read("completion_delay", out.completion_delay, decode_distribution);
  reader.read("completion_failure_probability", out.completion_failure_probability,
              decode_probability);
  reader.read("notify", out.notify, decode_bool);
  reader.read("notify_drop_probability", out.notify_drop_probability, decode_probability);
  // Only a refund that finishes later can fail later or be notified: refuse keys that would do
  // nothing.
  if (!out.completes_later() && (out.completion_failure_probability > 0.0 || out.notify)) {
    d.error(reader.cursor(),
            "refund.completion_failure_probability and refund.notify need a "
            "refund.completion_delay (refunds that finish later)");
  }
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (const channels::PresetInfo& info : channels::channel_presets()) names.push_back(info.name);
  return names;
}

// The channel's `name:` if it is a plain scalar, for its key path; "" otherwise.
std::string peek_name(const YAML::Node& node) {
  if (!node.IsMap()) return "";
  for (const auto& kv : node) {
    if (kv.first.IsScalar() && kv.first.Scalar() == "name" && kv.second.IsScalar()) {
      return kv.second.Scalar();
    }
  }
  return "";
}

bool is_valid_channel_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<ChannelConfig> decode_channel(Decoder& d, const Cursor& at) {
  MapReader reader(d, at);
  if (!reader.is_map()) {
    if (!at.node.IsMap()) d.error(at, "a channel must be a map with at least 'name'");
    return std::nullopt;
  }
  ChannelConfig config;
  // The preset first: the file's keys apply on top of it.
  std::string preset;
  if (std::optional<Cursor> preset_at = reader.get("preset")) {
    if (std::optional<std::string> name = decode_string(d, *preset_at)) {
      if (std::optional<ChannelConfig> base = channels::channel_preset(*name)) {
        config = std::move(*base);
        preset = *name;
      } else {
        std::vector<std::string> known = preset_names();
        d.error(*preset_at, "unknown preset '" + *name + "'; known presets: " + join(known) +
                                did_you_mean(*name, known));
      }
    }
  }
  config.preset = preset;
  config.name.clear();
  if (std::optional<Cursor> name_at = reader.get("name")) {
    if (std::optional<std::string> name = decode_string(d, *name_at)) {
      if (is_valid_channel_name(*name)) {
        config.name = *name;
      } else {
        d.error(*name_at,
                "a channel name may use only letters, digits, '_' and '-', got '" + *name + "'");
      }
    }
  } else {
    d.error(at, "a channel needs a 'name'");
  }
  reader.read("share", config.share, decode_probability);
  reader.read("mode", config.mode,
              EnumOf<channels::ChannelMode>{{{"async", channels::ChannelMode::kAsync},
                                             {"sync", channels::ChannelMode::kSync}}});
  reader.read("accept_latency", config.accept_latency, decode_distribution);
  reader.read("success_probability", config.success_probability, decode_probability);
  if (auto callback_at = reader.get("callback")) decode_callback(d, *callback_at, config.callback);
  if (auto query_at = reader.get("query")) decode_query(d, *query_at, config.query);
  reader.read("double_charge_probability", config.double_charge_probability, decode_probability);
  reader.read("create_reply_loss_probability", config.create_reply_loss_probability,
              decode_probability);
  if (auto cancel_at = reader.get("cancel")) decode_cancel(d, *cancel_at, config.cancel);
  if (auto refund_at = reader.get("refund")) decode_refund(d, *refund_at, config.refund);
  if (auto outages_at = reader.get("outages")) {
    std::vector<channels::OutageWindow> outages;
    for_each_item(d, *outages_at, [&](const Cursor& item) {
      if (auto window = decode_window<channels::OutageWindow>(d, item, "an outage"))
        outages.push_back(*window);
    });
    config.outages = std::move(outages);
  }
  reader.read("timeout", config.timeout, decode_positive_duration);
  reader.read("trade_expiry", config.trade_expiry, decode_duration);
  if (reader.read("pay_delay", config.pay_delay, decode_distribution)) config.has_pay_delay = true;
  return config;
}

}  // namespace

void decode_channels(Decoder& d, const Cursor& at, std::vector<ChannelConfig>& out) {
  out.clear();
  std::map<std::string, int> first_line_by_name;
  size_t errors_before = d.error_count();
  size_t count = 0;
  if (at.node.IsSequence()) {
    for (const YAML::Node& item : at.node) {
      std::string name = peek_name(item);
      std::string path =
          "channels[" + (is_valid_channel_name(name) ? name : std::to_string(count)) + "]";
      ++count;
      Cursor item_at = d.child(at, item, path);
      std::optional<ChannelConfig> config = decode_channel(d, item_at);
      if (!config) continue;
      if (!config->name.empty()) {
        int line = item.Mark().line + 1;
        auto [where, inserted] = first_line_by_name.emplace(config->name, line);
        if (!inserted) {
          d.error(item_at,
                  "duplicate channel name '" + config->name + "'" +
                      (where->second > 0 ? fmt::format(" (first at line {})", where->second) : ""));
        }
      }
      out.push_back(std::move(*config));
    }
  } else if (!at.node.IsNull()) {
    d.error(at, "expected a list of channels, got " + describe(at.node));
    return;
  }
  if (count == 0) {
    d.error(at, "at least one channel is required");
    return;
  }
  if (count > 1000) d.error(at, "at most 1000 channels allowed");
  if (d.error_count() != errors_before) return;
  double share_sum = 0.0;
  for (const ChannelConfig& config : out) share_sum += config.share;
  if (std::abs(share_sum - 1.0) > 1e-9) {
    std::string shares;
    for (const ChannelConfig& config : out) {
      shares += fmt::format("{}{}={}", shares.empty() ? "" : ", ", config.name, config.share);
    }
    d.error(at,
            fmt::format("channel shares must sum to 1, they sum to {} ({})", share_sum, shares));
  }
}

}  // namespace harness::internal
