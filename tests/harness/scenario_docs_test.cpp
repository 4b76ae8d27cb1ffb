// Issue 13: every scenario key documented in scenarios/README.md is documented the same way in
// scenarios/schema/scenario.schema.json and behaves so in the loader. For each key of the README's
// key tables (tests/harness/readme_keys.h):
//   - the schema has the key at that path, of the documented type (kTypes);
//   - the documented default is what the loader gives a minimal scenario (kMinimal): the key
//     left out and the key set to the README's default read back the same from the decoded
//     Scenario (kFields says where each key lands), and another value reads back differently, so
//     the field really is the key's. A default that is not a YAML value in backticks is one of
//     the phrases of check_phrase ("absent = off", "not set", ...), each checked its own way;
//   - the schema's "Default X." says what the README says (backticks and remarks in brackets
//     left out);
//   - values listed as `a` | `b` are the schema's enum, in order;
//   - an integer range (`integer 1..1000`, `integer in [0, 2^64)`) is the schema's minimum and
//     maximum, and the loader takes both ends and refuses one past either.
// And every key the schema has is documented. scenario_schema_test.cpp holds the schema's keys
// and enums to the loader; key_effect_test.cpp shows that each documented key acts.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/scenario_loader.h"
#include "tests/harness/readme_keys.h"
#include "tests/harness/scenario_schema_support.h"

namespace harness {
namespace {

using nlohmann::json;
using testing::ReadmeKey;
using Overrides = std::vector<Override>;

Overrides operator+(Overrides a, const Overrides& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

constexpr const char* kMinimal = "channels: [{name: a}]\n";
constexpr const char* kMinimalFile = "minimal.yaml";  // so `name` defaults to "minimal"

// ---- reading a key's value back from the decoded Scenario ------------------------------------

template <typename T>
requires std::is_arithmetic_v<T> std::string text(T value) { return fmt::format("{}", value); }
template <typename T>
requires std::is_enum_v<T> std::string text(T value) {
  return fmt::format("{}", static_cast<int>(value));
}
std::string text(const std::string& value) { return value; }
std::string text(sim::Duration value) { return sim::format_duration(value); }
std::string text(sim::Time value) { return sim::to_string(value); }
std::string text(const sim::Distribution& value) { return value.describe(); }
std::string text(const workload::RatePoint& p) {
  return fmt::format("[{}, {}/s]", text(p.time_of_day), p.rate_per_s);
}
std::string text(const channels::OutageWindow& w) {
  return fmt::format("{{{}, {}}}", text(w.start), text(w.duration));
}
std::string text(const sut::DownWindow& w) {
  return fmt::format("{{{}, {}}}", text(w.start), text(w.duration));
}
std::string text(const sut::CrashWindow& w) {
  return fmt::format("{{{}, {}}}", text(w.at), text(w.restart_after));
}
std::string text(const Variant& v) { return v.name; }
std::string text(const SweepAxis& axis) { return axis.key; }
std::string text(const Expectation& e) { return e.metric; }
// Unset and empty read as "", which the phrases "none" and "not set" expect.
template <typename T>
std::string text(const std::optional<T>& value) {
  return value ? text(*value) : "";
}
template <typename T>
std::string text(const std::vector<T>& values) {
  std::string out;
  for (const T& v : values) out += (out.empty() ? "[" : ", ") + text(v);
  return out.empty() ? "[]" : out + "]";
}

using Field = std::function<std::string(const Scenario&)>;

// Where the loader puts each documented key (channel keys: the first channel), as text.
#define FIELD(key, member)                                \
  {                                                       \
    key, [](const Scenario& s) { return text(s.member); } \
  }
const std::map<std::string, Field>& fields() {
  static const std::map<std::string, Field> kFields = {
      FIELD("name", name),
      FIELD("seed", seed),
      FIELD("duration", duration),
      FIELD("drain", drain),
      FIELD("variants", variants),
      FIELD("sweep", sweep),
      FIELD("replications", replications),
      FIELD("expect", expect),
      FIELD("live.signing_secret_file", live.signing_secret_file),
      FIELD("$schema", schema),
      FIELD("traffic.arrival", traffic.arrival),
      FIELD("traffic.rate", traffic.rate_per_s),
      {"traffic.profile",
       [](const Scenario& s) { return s.traffic.profile.empty() ? "" : text(s.traffic.profile); }},
      FIELD("traffic.amount_minor", traffic.amount_minor),
      FIELD("user.pay_probability", user.pay_probability),
      FIELD("user.pay_delay", user.pay_delay),
      FIELD("user.return_delay", user.return_delay),
      FIELD("user.repeat_click_probability", user.repeat_click_probability),
      FIELD("user.repeat_click_gap", user.repeat_click_gap),
      FIELD("user.pay_both_probability", user.pay_both_probability),
      FIELD("user.repay_if_unpaid_probability", user.repay_if_unpaid_probability),
      FIELD("user.repay_delay", user.repay_delay),
      FIELD("user.reorder_if_unpaid_probability", user.reorder_if_unpaid_probability),
      FIELD("user.switch_channel_probability", user.switch_channel_probability),
      FIELD("user.pay_abandoned_too_probability", user.pay_abandoned_too_probability),
      FIELD("user.max_pay_attempts", user.max_pay_attempts),
      FIELD("channels[].preset", channels[0].preset),
      FIELD("channels[].share", channels[0].share),
      FIELD("channels[].mode", channels[0].mode),
      FIELD("channels[].accept_latency", channels[0].accept_latency),
      FIELD("channels[].success_probability", channels[0].success_probability),
      FIELD("channels[].callback.delay", channels[0].callback.delay),
      FIELD("channels[].callback.drop_probability", channels[0].callback.drop_probability),
      FIELD("channels[].callback.duplicate_probability",
            channels[0].callback.duplicate_probability),
      FIELD("channels[].callback.reorder_probability", channels[0].callback.reorder_probability),
      FIELD("channels[].callback.retries", channels[0].callback.retries),
      FIELD("channels[].callback.notify_failures", channels[0].callback.notify_failures),
      FIELD("channels[].callback.ack_deadline", channels[0].callback.ack_deadline),
      FIELD("channels[].query.latency", channels[0].query.latency),
      FIELD("channels[].query.failure_probability", channels[0].query.failure_probability),
      FIELD("channels[].query.stale_probability", channels[0].query.stale_probability),
      FIELD("channels[].query.not_found_before_scan", channels[0].query.not_found_before_scan),
      FIELD("channels[].double_charge_probability", channels[0].double_charge_probability),
      FIELD("channels[].create_reply_loss_probability", channels[0].create_reply_loss_probability),
      FIELD("channels[].cancel.supported", channels[0].cancel.supported),
      FIELD("channels[].cancel.latency", channels[0].cancel.latency),
      FIELD("channels[].cancel.min_age", channels[0].cancel.min_age),
      FIELD("channels[].refund.supported", channels[0].refund.supported),
      FIELD("channels[].refund.latency", channels[0].refund.latency),
      FIELD("channels[].refund.failure_probability", channels[0].refund.failure_probability),
      FIELD("channels[].refund.completion_delay", channels[0].refund.completion_delay),
      FIELD("channels[].refund.completion_failure_probability",
            channels[0].refund.completion_failure_probability),
      FIELD("channels[].refund.notify", channels[0].refund.notify),
      FIELD("channels[].refund.notify_drop_probability",
            channels[0].refund.notify_drop_probability),
      FIELD("channels[].outages", channels[0].outages),
      FIELD("channels[].timeout", channels[0].timeout),
      FIELD("channels[].trade_expiry", channels[0].trade_expiry),
      {"channels[].pay_delay",
       [](const Scenario& s) {
         const channels::ChannelConfig& c = s.channels[0];
         return c.has_pay_delay ? text(c.pay_delay) : "";
       }},
      FIELD("environment.payment_service.step_latency", system.payment_service.step_latency),
      FIELD("environment.payment_service.crashes", system.payment_service.crashes),
      FIELD("environment.order_service.notify_latency", system.order_service.notify_latency),
      FIELD("environment.order_service.notify_failure_probability",
            system.order_service.notify_failure_probability),
      FIELD("environment.order_service.outages", system.order_service.outages),
      FIELD("system.order_service.order_timeout", system.order_service.order_timeout),
      FIELD("system.order_service.late_payment", system.order_service.late_payment),
      FIELD("system.order_service.close_at_channel", system.order_service.close_at_channel),
      FIELD("system.order_service.consumer_ack", system.order_service.consumer_ack),
      FIELD("system.order_service.checkout_per_purchase",
            system.order_service.checkout_per_purchase),
      FIELD("system.order_service.refund_repeat_purchase",
            system.order_service.refund_repeat_purchase),
      FIELD("system.notify.sync_retries", system.notify.sync_retries),
      FIELD("system.notify.sync_backoff", system.notify.sync_backoff),
      FIELD("system.notify.async_mq", system.notify.async_mq),
      FIELD("system.notify.mq_retry", system.notify.mq_retry),
      FIELD("system.notify.publish_delay", system.notify.publish_delay),
      FIELD("system.notify.outbox", system.notify.outbox),
      FIELD("system.notify.outbox_relay_interval", system.notify.outbox_relay_interval),
      FIELD("system.callback.ack", system.callback.ack),
      FIELD("system.refund.on_accepted", system.refund.on_accepted),
      FIELD("system.create_retry.retries", system.create_retry.retries),
      FIELD("system.create_retry.backoff", system.create_retry.backoff),
      FIELD("system.create_retry.idempotency_key", system.create_retry.idempotency_key),
      FIELD("environment.mq.latency", system.notify.mq_latency),
      FIELD("environment.mq.loss_probability", system.notify.mq_loss_probability),
      FIELD("system.compensation.strategy", system.compensation.strategy),
      FIELD("system.compensation.polling.interval", system.compensation.polling.interval),
      FIELD("system.compensation.polling.source", system.compensation.polling.source),
      FIELD("system.compensation.polling.batch_size", system.compensation.polling.batch_size),
      FIELD("system.compensation.polling.workers", system.compensation.polling.workers),
      // The window a tick reads: the source's default when lookback is not given.
      FIELD("system.compensation.polling.lookback", system.compensation.polling.window()),
      FIELD("system.compensation.polling.max_attempts", system.compensation.polling.max_attempts),
      FIELD("system.compensation.polling.min_age", system.compensation.polling.min_age),
      FIELD("system.compensation.polling.age_schedule", system.compensation.polling.age_schedule),
      FIELD("system.compensation.delay_message.schedule",
            system.compensation.delay_message.schedule),
      FIELD("system.compensation.delay_message.levels", system.compensation.delay_message.levels),
      FIELD("system.compensation.reconciliation", system.compensation.reconciliation.enabled),
      FIELD("system.compensation.reconciliation.enabled",
            system.compensation.reconciliation.enabled),
      FIELD("system.compensation.reconciliation.every", system.compensation.reconciliation.every),
      FIELD("system.compensation.reconciliation.lag", system.compensation.reconciliation.lag),
      FIELD("system.compensation.retry_storage", system.compensation.retry_storage),
      FIELD("system.compensation.pending_row", system.compensation.pending_row),
      FIELD("system.compensation.on_not_found", system.compensation.on_not_found),
      FIELD("system.compensation.on_exhausted", system.compensation.on_exhausted),
      FIELD("system.compensation.success_after_failed", system.compensation.success_after_failed),
      FIELD("system.order_query", system.order_query.enabled),
      FIELD("system.order_query.enabled", system.order_query.enabled),
      FIELD("system.order_query.at_ages", system.order_query.at_ages),
      FIELD("system.dedup.order_lock", system.dedup.order_lock),
      FIELD("system.dedup.lock_ttl", system.dedup.lock_ttl),
      FIELD("environment.payment_service.lock_stall_probability",
            system.dedup.lock_stall_probability),
      FIELD("environment.payment_service.lock_stall", system.dedup.lock_stall),
      FIELD("environment.payment_service.callback_handling",
            system.payment_service.callback_handling),
      FIELD("system.dedup.compare_and_set", system.dedup.compare_and_set),
      FIELD("system.dedup.check_paid", system.dedup.check_paid),
      FIELD("system.dedup.reuse_in_flight", system.dedup.reuse_in_flight),
      FIELD("system.dedup.cancel_in_flight", system.dedup.cancel_in_flight),
      FIELD("system.dedup.refund_duplicates", system.dedup.refund_duplicates),
      FIELD("system.client.poll_interval", system.client.poll_interval),
      FIELD("system.client.poll_timeout", system.client.poll_timeout),
      FIELD("system.client.push", system.client.push_enabled),
      FIELD("system.client.push.enabled", system.client.push_enabled),
      FIELD("system.client.countdown", system.client.countdown_enabled),
      FIELD("system.client.countdown.enabled", system.client.countdown_enabled),
      FIELD("system.client.countdown.interval", system.client.countdown_interval),
      FIELD("system.client.countdown.timeout", system.client.countdown_timeout),
      FIELD("environment.push.loss_probability", system.client.push_loss_probability),
      FIELD("environment.push.latency", system.client.push_latency),
  };
  return kFields;
}
#undef FIELD

std::string errors_of(const LoadResult& result) {
  std::string out;
  for (const ScenarioError& error : result.errors) out += error.to_string() + "\n";
  return out;
}

// The key's field in the minimal scenario with `overrides`, or "load error: ...".
std::string read_back(const std::string& key, const Overrides& overrides) {
  const auto field = fields().find(key);
  if (field == fields().end()) {
    ADD_FAILURE() << key << " has no entry in kFields: say where the loader puts it";
    return "";
  }
  const LoadResult loaded = load_scenario_text(kMinimal, kMinimalFile, overrides);
  if (!loaded.ok()) return "load error: " + errors_of(loaded);
  return field->second(*loaded.scenario);
}

// ---- the README's cells ----------------------------------------------------------------------

std::string trim(std::string text) {
  const std::size_t first = text.find_first_not_of(' ');
  const std::size_t last = text.find_last_not_of(' ');
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

// A default as the README and the schema both say it: backticks, bold and remarks in brackets
// left out, spaces folded. "`0s` (never)" -> "0s".
std::string normalized(const std::string& text) {
  std::string out;
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    if (depth == 0 && c != '`' && c != '*' && !(c == ' ' && (out.empty() || out.back() == ' '))) {
      out += c;
    }
    if (c == ')' && depth > 0) --depth;
  }
  return trim(out);
}

// The YAML value of a default cell that is one: "`1h`" or "`0s` (never)" give "1h" and "0s";
// "`true` when the map is present" is a phrase, not a value.
std::optional<std::string> default_value(const std::string& cell) {
  if (cell.size() < 2 || cell.front() != '`') return std::nullopt;
  const std::size_t close = cell.find('`', 1);
  if (close == std::string::npos) return std::nullopt;
  const std::string rest = trim(cell.substr(close + 1));
  if (!rest.empty() && (rest.front() != '(' || rest.back() != ')')) return std::nullopt;
  return cell.substr(1, close - 1);
}

// The values of a type written `a` | `b` | `c`; empty for any other type.
std::vector<std::string> enum_values(const std::string& type) {
  std::vector<std::string> values;
  std::size_t start = 0;
  while (start <= type.size()) {
    std::size_t end = type.find(" | ", start);
    if (end == std::string::npos) end = type.size();
    const std::string value = markdown::code_span(type.substr(start, end - start));
    if (value.empty()) return {};
    values.push_back(value);
    start = end + 3;
  }
  return values;
}

// A range in a type: "integer 1..1000", "list of maps, 1..1000", "integer in [0, 2^64)" (the
// whole uint64 range: no maximum in the schema).
struct Range {
  std::string min;
  std::optional<std::string> max;
};
std::optional<Range> range_of(const std::string& type) {
  if (type == "integer in [0, 2^64)") return Range{"0", std::nullopt};
  const std::size_t dots = type.find("..");
  if (dots == std::string::npos) return std::nullopt;
  const std::size_t start = type.find_last_of(' ', dots) + 1;
  return Range{type.substr(start, dots - start), type.substr(dots + 2)};
}

// What the schema node of each README type looks like: its $ref, its "type", or enum / oneOf.
std::string expected_shape(const std::string& type) {
  static const std::map<std::string, std::string> kTypes = {
      {"probability", "$ref probability"},
      {"duration", "$ref duration"},
      {"duration > 0", "$ref positive_duration"},
      {"distribution", "$ref distribution"},
      {"list of durations", "$ref durations"},
      {"rate", "$ref rate"},
      {"boolean", "boolean"},
      {"map", "object"},
      {"map key path → YAML value", "object"},
      {"list", "array"},
      {"list of `[time of day, rate]`", "array"},
      {"list of `{start: time, duration}`", "array"},
      {"list of `{at: time, restart_after: duration}`", "array"},
      {"non-empty list of YAML values", "array"},
      {"preset name", "enum"},
      {"`rocketmq` or list of durations", "oneOf"},
  };
  if (!enum_values(type).empty()) return "enum";
  if (type.rfind("integer", 0) == 0) return "integer";
  if (type.rfind("string", 0) == 0) return "string";
  if (type.rfind("list of maps", 0) == 0) return "array";
  const auto it = kTypes.find(type);
  return it != kTypes.end() ? it->second : "unknown README type '" + type + "'";
}

std::string shape_of(const json& node) {
  if (node.contains("$ref")) {
    const std::string ref = node["$ref"];
    return "$ref " + ref.substr(ref.rfind('/') + 1);
  }
  if (node.contains("enum")) return "enum";
  if (node.contains("oneOf")) return "oneOf";
  return node.contains("type") && node["type"].is_string() ? node["type"].get<std::string>()
                                                           : "no type";
}

// "Default X." in a schema description ("Default 0.9.", "Default: not set (use ...)."), or
// nullopt when it says none.
std::optional<std::string> schema_default(const json& node) {
  const std::string description = node.value("description", "");
  for (std::size_t at = description.find("Default"); at != std::string::npos;
       at = description.find("Default", at + 1)) {
    std::size_t start = at + std::string("Default").size();
    if (start < description.size() && description[start] == ':') ++start;
    if (start >= description.size() || description[start] != ' ') continue;
    std::size_t end = description.find(". ", start);
    if (end == std::string::npos) end = description.size() - 1;  // the closing '.'
    return description.substr(start + 1, end - start - 1);
  }
  return std::nullopt;
}

// A value of the key's type other than its default: the key set to it must read back
// differently from the default, which shows that the field read back is the key's.
Overrides other_value(const ReadmeKey& k) {
  // A share of a lone channel must be 1: a second channel takes the rest.
  if (k.key == "channels[].share") {
    return {{"channels", "[{name: a, share: 0.37}, {name: b, share: 0.63}]"}};
  }
  // Only a refund that finishes later can fail later or be notified (the loader refuses these
  // keys without a completion_delay).
  if (k.key == "channels[].refund.completion_failure_probability" ||
      k.key == "channels[].refund.notify") {
    return {{testing::override_path("channels[].refund.completion_delay"), "1s"},
            {testing::override_path(k.key), k.key.ends_with("notify") ? "true" : "0.37"}};
  }
  static const std::map<std::string, std::string> kByKey = {
      {"sweep", "{seed: [2]}"},
      {"expect", "{orders.created: 0}"},
      {"variants", "[{name: v, set: {seed: 2}}]"},
      // A file the loader can read, with a non-empty first line.
      {"live.signing_secret_file", std::string(PAYSIM_SOURCE_DIR) + "/scenarios/README.md"},
  };
  static const std::map<std::string, std::string> kByType = {
      {"probability", "0.37"},
      {"duration", "7s"},
      {"duration > 0", "7s"},
      {"distribution", "7s"},
      {"list of durations", "[7s]"},
      {"`rocketmq` or list of durations", "[7s]"},
      {"rate", "7/s"},
      {"string", "zz"},
      {"preset name", "ideal"},
      {"map", "{}"},  // a map whose presence turns a feature on
      {"list of `[time of day, rate]`", "[[0h, 7/s]]"},
      {"list of `{start: time, duration}`", "[{start: 1s, duration: 1s}]"},
      {"list of `{at: time, restart_after: duration}`", "[{at: 1s, restart_after: 1s}]"},
  };
  const std::string path = testing::override_path(k.key);
  const std::string given = k.default_text ? default_value(*k.default_text).value_or("") : "";
  if (const auto it = kByKey.find(k.key); it != kByKey.end()) return {{path, it->second}};
  if (const auto it = kByType.find(k.type); it != kByType.end()) return {{path, it->second}};
  if (k.type == "boolean") return {{path, given == "true" ? "false" : "true"}};
  for (const std::string& value : enum_values(k.type)) {
    if (value != given) return {{path, value}};
  }
  if (const std::optional<Range> range = range_of(k.type);
      range && k.type.rfind("integer", 0) == 0) {
    return {{path, given == range->min ? std::to_string(std::stoll(range->min) + 1) : range->min}};
  }
  ADD_FAILURE() << k.key << ": no other value for type '" << k.type << "' in other_value";
  return {};
}

// ---- the checks ------------------------------------------------------------------------------

// The key set to `other` reads back differently from the key left out.
void expect_field_follows_key(const ReadmeKey& k, const Overrides& setup = {}) {
  const std::string before = read_back(k.key, setup);
  Overrides changed = setup;
  for (const Override& o : other_value(k)) changed.push_back(o);
  const std::string after = read_back(k.key, changed);
  EXPECT_EQ(after.rfind("load error", 0), std::string::npos) << k.key << ": " << after;
  EXPECT_NE(before, after) << k.key << ": setting it to " << other_value(k).back().value
                           << " did not change the field kFields reads for it";
}

// A default the README gives as a phrase rather than a value, checked as the phrase says.
void check_phrase(const ReadmeKey& k, const std::vector<ReadmeKey>& all) {
  const std::string phrase = normalized(*k.default_text);
  const std::string path = testing::override_path(k.key);
  if (phrase == "see below") {  // a map whose keys have rows of their own
    bool has_keys = false;
    for (const ReadmeKey& other : all) has_keys = has_keys || other.key.rfind(k.key + ".", 0) == 0;
    EXPECT_TRUE(has_keys) << k.key << " says 'see below' but no key of it is documented";
  } else if (phrase == "required") {  // the top-level channel list
    const LoadResult loaded = load_scenario_text("name: x\n", kMinimalFile);
    ASSERT_FALSE(loaded.ok()) << k.key << " is documented as required";
    EXPECT_EQ(loaded.errors.at(0).key_path, k.key) << errors_of(loaded);
  } else if (phrase == "required, unique") {  // a channel's name
    const LoadResult nameless = load_scenario_text("channels: [{share: 1}]\n", kMinimalFile);
    EXPECT_NE(errors_of(nameless).find("needs a 'name'"), std::string::npos) << errors_of(nameless);
    const LoadResult twice = load_scenario_text(
        "channels: [{name: a, share: 0.5}, {name: a, share: 0.5}]\n", kMinimalFile);
    EXPECT_NE(errors_of(twice).find("duplicate channel name"), std::string::npos)
        << errors_of(twice);
  } else if (phrase == "the file name without extension") {
    EXPECT_EQ(read_back(k.key, {}), "minimal");
    expect_field_follows_key(k);
  } else if (phrase == "none" || phrase == "not set") {
    EXPECT_EQ(read_back(k.key, {}), "") << k.key << " is documented as " << phrase;
    expect_field_follows_key(k);
  } else if (phrase == "absent = off") {  // a map whose presence turns a feature on
    EXPECT_EQ(read_back(k.key, {}), "false") << k.key;
    EXPECT_EQ(read_back(k.key, {{path, "{}"}}), "true") << k.key;
  } else if (phrase == "true when the map is present") {  // the `enabled` of such a map
    const Overrides present = {{path.substr(0, path.rfind('.')), "{}"}};
    EXPECT_EQ(read_back(k.key, present), "true") << k.key;
    EXPECT_EQ(read_back(k.key, present + Overrides{{path, "false"}}), "false") << k.key;
  } else if (phrase == "30m with full_scan; none with pending_table") {  // polling.lookback
    EXPECT_EQ(read_back(k.key, {}), "") << "pending_table is the default source";
    EXPECT_EQ(read_back(k.key, {{"system.compensation.polling.source", "full_scan"}}), "30m");
    expect_field_follows_key(k);
  } else {
    ADD_FAILURE() << k.key << ": the default '" << *k.default_text
                  << "' is neither a value in backticks nor a phrase check_phrase knows";
  }
}

void check_default(const ReadmeKey& k, const std::vector<ReadmeKey>& all) {
  const std::optional<std::string> value = default_value(*k.default_text);
  if (!value) return check_phrase(k, all);
  const std::string omitted = read_back(k.key, {});
  const std::string given = read_back(k.key, {{testing::override_path(k.key), *value}});
  EXPECT_EQ(omitted, given) << k.key << ": scenarios/README.md says the default is " << *value
                            << ", but the loader gives " << omitted << " (and " << *value
                            << " reads as " << given << ")";
  expect_field_follows_key(k);
}

void check_schema_default(const ReadmeKey& k, const json& schema, const json& node) {
  const std::string readme = normalized(*k.default_text);
  if (readme == "see below") return;
  if (readme.rfind("required", 0) == 0) {  // in the parent's "required"
    std::vector<std::string> steps = testing::key_steps(k.key);
    steps.pop_back();
    const json* parent = testing::schema_node(schema, steps);
    ASSERT_NE(parent, nullptr) << k.key;
    const json& required = testing::resolve(schema, *parent).value("required", json::array());
    EXPECT_NE(std::find(required.begin(), required.end(), json(testing::key_steps(k.key).back())),
              required.end())
        << k.key << " is required in the README but not in the schema";
    return;
  }
  const std::optional<std::string> documented = schema_default(node);
  ASSERT_TRUE(documented.has_value())
      << k.key << ": the schema's description says no \"Default ...\" (README: " << readme << ")";
  EXPECT_EQ(normalized(*documented), readme)
      << k.key << ": the schema says \"Default " << *documented << "\", scenarios/README.md \""
      << *k.default_text << "\"";
}

void check_range(const ReadmeKey& k, const json& node) {
  const std::optional<Range> range = range_of(k.type);
  if (!range) return;
  const bool integer = k.type.rfind("integer", 0) == 0;
  const char* min_key = integer ? "minimum" : "minItems";
  const char* max_key = integer ? "maximum" : "maxItems";
  EXPECT_EQ(node.value(min_key, json()).dump(), range->min) << k.key << " " << min_key;
  EXPECT_EQ(node.value(max_key, json()).dump(), range->max.value_or("null"))
      << k.key << " " << max_key;
  if (!integer) return;
  // The loader's own limits: both ends taken, one past either refused.
  const std::string path = testing::override_path(k.key);
  const std::string max = range->max.value_or("18446744073709551615");  // uint64
  const std::string past_max =
      range->max ? std::to_string(std::stoll(*range->max) + 1) : "18446744073709551616";
  for (const std::string& taken : {range->min, max}) {
    const LoadResult loaded = load_scenario_text(kMinimal, kMinimalFile, {{path, taken}});
    EXPECT_TRUE(loaded.ok()) << k.key << "=" << taken << ": " << errors_of(loaded);
  }
  for (const std::string& refused : {std::to_string(std::stoll(range->min) - 1), past_max}) {
    EXPECT_FALSE(load_scenario_text(kMinimal, kMinimalFile, {{path, refused}}).ok())
        << k.key << "=" << refused << " was accepted";
  }
}

class ScenarioDocsKey : public ::testing::TestWithParam<ReadmeKey> {};

TEST_P(ScenarioDocsKey, AgreesWithTheSchemaAndTheLoader) {
  const ReadmeKey& k = GetParam();
  const json schema = testing::load_scenario_schema();
  ASSERT_FALSE(schema.is_discarded());
  const json* node = testing::schema_node(schema, testing::key_steps(k.key));
  ASSERT_NE(node, nullptr) << k.key << " is documented in scenarios/README.md but not in "
                           << "scenarios/schema/scenario.schema.json";
  EXPECT_EQ(shape_of(*node), expected_shape(k.type)) << k.key << " (README type " << k.type << ")";
  const std::vector<std::string> values = enum_values(k.type);
  if (!values.empty()) {
    EXPECT_EQ(json(values), node->value("enum", json())) << k.key;
  }
  check_range(k, *node);
  if (!k.default_text) return;  // the variants table has no defaults
  check_schema_default(k, schema, *node);
  check_default(k, testing::readme_keys());
}

std::string param_name(const ::testing::TestParamInfo<ReadmeKey>& info) {
  return testing::key_test_name(info.param.key);
}

INSTANTIATE_TEST_SUITE_P(ScenarioDocs, ScenarioDocsKey, ::testing::ValuesIn(testing::readme_keys()),
                         param_name);

TEST(ScenarioDocs, EveryFieldEntryIsADocumentedKey) {
  const std::vector<std::string> keys = testing::documented_keys();
  const std::set<std::string> documented(keys.begin(), keys.end());
  for (const auto& [key, field] : fields()) {
    EXPECT_TRUE(documented.count(key)) << key << " is in kFields but not in scenarios/README.md";
  }
}

// Every key the schema has is a row of the README: the leaves, and an array's items where the
// README documents them one by one (`channels[].name`, `variants[].set`).
void collect_undocumented(const json& schema, const json& node, const std::string& path,
                          const std::set<std::string>& documented, std::vector<std::string>& out) {
  const json& at = testing::resolve(schema, node);
  const std::string items = path + "[]";
  bool items_documented = false;
  for (const std::string& key : documented) items_documented |= key.rfind(items + ".", 0) == 0;
  if (at.contains("properties")) {
    for (const auto& [key, child] : at["properties"].items()) {
      collect_undocumented(schema, child, path.empty() ? key : path + "." + key, documented, out);
    }
  } else if (at.contains("items") && items_documented) {
    collect_undocumented(schema, at["items"], items, documented, out);
  } else if (!documented.count(path)) {
    out.push_back(path);
  }
}

TEST(ScenarioDocs, EverySchemaKeyIsDocumented) {
  const json schema = testing::load_scenario_schema();
  ASSERT_FALSE(schema.is_discarded());
  const std::vector<std::string> keys = testing::documented_keys();
  std::vector<std::string> undocumented;
  collect_undocumented(schema, schema, "", std::set<std::string>(keys.begin(), keys.end()),
                       undocumented);
  EXPECT_TRUE(undocumented.empty())
      << "in the schema but not in scenarios/README.md: " << json(undocumented).dump();
}

}  // namespace
}  // namespace harness
