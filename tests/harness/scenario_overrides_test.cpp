// Variants, sweep values and --set overrides: all rewrite the YAML document before decoding, and
// their errors point at where the offending text was written.
#include <gtest/gtest.h>

#include "harness/scenario_loader.h"

namespace harness {
namespace {

using sim::Duration;

constexpr const char* kBase = R"yaml(name: base
channels:
  - {name: wallet_a, share: 0.5, callback: {drop_probability: 0.05}}
  - {name: bank_b, share: 0.5, mode: sync}
system:
  compensation: {strategy: polling, polling: {interval: 60s}}
variants:
  - {name: fast, set: {system.compensation.polling.interval: 10s, channels.wallet_a.callback.drop_probability: 0.5}}
  - name: delay
    set:
      system.compensation.strategy: delay_message
      system.compensation.delay_message: {schedule: [10s, 30s], levels: rocketmq}
sweep:
  system.compensation.polling.workers: [1, 4, 16]
expect: {dropped.final: 0}
)yaml";

std::string all_errors(const LoadResult& result) {
  std::string out;
  for (const ScenarioError& error : result.errors) out += error.to_string() + "\n";
  return out;
}

Scenario load_ok(std::string_view text, const std::vector<Override>& overrides,
                 const std::string& variant = "") {
  LoadResult result = load_scenario_text(text, "base.yaml", overrides, variant);
  EXPECT_TRUE(result.ok()) << all_errors(result);
  return result.scenario.value_or(Scenario{});
}

std::vector<std::string> error_lines(std::string_view text, const std::vector<Override>& overrides,
                                     const std::string& variant = "") {
  LoadResult result = load_scenario_text(text, "base.yaml", overrides, variant);
  EXPECT_FALSE(result.ok());
  EXPECT_FALSE(result.scenario.has_value());
  std::vector<std::string> lines;
  for (const ScenarioError& error : result.errors) lines.push_back(error.to_string());
  return lines;
}

TEST(ScenarioOverrides, VariantSetsKeysIncludingAChannelByName) {
  Scenario s = load_ok(kBase, {}, "fast");
  EXPECT_EQ(s.variant, "fast");
  EXPECT_EQ(s.system.compensation.polling.interval, Duration::seconds(10));
  EXPECT_EQ(s.channels[0].callback.drop_probability, 0.5);
  EXPECT_EQ(s.system.compensation.strategy, sut::Strategy::kPolling);

  s = load_ok(kBase, {}, "delay");
  EXPECT_EQ(s.system.compensation.strategy, sut::Strategy::kDelayMessage);
  EXPECT_EQ(s.system.compensation.delay_message.levels, sut::DelayMessageConfig::Levels::kRocketMq);
  EXPECT_EQ(s.system.compensation.delay_message.schedule.size(), 2u);
  ASSERT_EQ(s.variants.size(), 2u);
  EXPECT_EQ(s.variants[1].set[1].first, "system.compensation.delay_message");
  EXPECT_EQ(s.variants[1].set[1].second, "{schedule: [10s, 30s], levels: rocketmq}");
}

TEST(ScenarioOverrides, CommandLineWinsOverVariant) {
  Scenario s = load_ok(kBase, {{"system.compensation.polling.interval", "5s"}}, "fast");
  EXPECT_EQ(s.system.compensation.polling.interval, Duration::seconds(5));
}

// Regression: a --set that rewrote a variant's set (or a sweep axis) showed in the summaries but
// the variant ran as the file wrote it: the override was applied after the variant.
TEST(ScenarioOverrides, SetThatRewritesAVariantOrSweepAxisIsWhatRuns) {
  Scenario s =
      load_ok(kBase, {{"variants.fast.set.system.compensation.polling.interval", "20s"}}, "fast");
  EXPECT_EQ(s.system.compensation.polling.interval, Duration::seconds(20));
  EXPECT_EQ(s.channels[0].callback.drop_probability, 0.5)
      << "the rest of the variant still applies";
  s = load_ok(kBase,
              {{"variants.fast.set.system.compensation.polling.interval", "20s"},
               {"system.compensation.polling.interval", "7s"}},
              "fast");
  EXPECT_EQ(s.system.compensation.polling.interval, Duration::seconds(7))
      << "a plain --set still wins";
}

TEST(ScenarioOverrides, SetAddressesChannelsByNameIndexAndBrackets) {
  Scenario s = load_ok(kBase, {{"channels.wallet_a.callback.drop_probability", "0.1"},
                               {"channels[bank_b].refund.latency", "3s"},
                               {"channels.1.share", "0.5"},
                               {"channels.wallet_a.outages", "[{start: 1m, duration: 2m}]"}});
  EXPECT_EQ(s.channels[0].callback.drop_probability, 0.1);
  EXPECT_EQ(s.channels[1].refund.latency, Duration::seconds(3));
  ASSERT_EQ(s.channels[0].outages.size(), 1u);
  EXPECT_EQ(s.channels[0].outages[0].duration, Duration::minutes(2));
}

TEST(ScenarioOverrides, SetCreatesMissingMapsAndKeys) {
  Scenario s = load_ok(kBase, {{"system.client.push.loss_probability", "0.3"},
                               {"traffic", "{rate: 5/s}"},
                               {"seed", "18446744073709551615"},
                               {"expect.latency.charge_to_paid_ms.p99", "< 1000"}});
  EXPECT_TRUE(s.system.client.push_enabled);
  EXPECT_EQ(s.system.client.push_loss_probability, 0.3);
  EXPECT_EQ(s.traffic.rate_per_s, 5.0);
  EXPECT_EQ(s.seed, 18446744073709551615u);
  ASSERT_EQ(s.expect.size(), 2u);
  EXPECT_EQ(s.expect[1].metric, "latency.charge_to_paid_ms.p99");
  EXPECT_EQ(s.expect[1].op, CompareOp::kLt);
}

TEST(ScenarioOverrides, SweepValueAppliedLikeASet) {
  // How `paysim sweep` runs one point: the axis key and one value as an override.
  Scenario base = load_ok(kBase, {});
  ASSERT_EQ(base.sweep.size(), 1u);
  Scenario point = load_ok(kBase, {{base.sweep[0].key, base.sweep[0].values[2]}});
  EXPECT_EQ(point.system.compensation.polling.workers, 16);
}

TEST(ScenarioOverrides, UnknownVariantListsKnownOnes) {
  EXPECT_EQ(error_lines(kBase, {}, "fsat"),
            (std::vector<std::string>{"base.yaml:7:1: variants: unknown variant 'fsat'; known "
                                      "variants: fast, delay (did you mean 'fast'?)"}));
  EXPECT_EQ(error_lines("channels: [{name: a}]\n", {}, "x"),
            (std::vector<std::string>{
                "base.yaml: variants: unknown variant 'x'; the scenario defines no variants"}));
}

TEST(ScenarioOverrides, SetErrorsNameTheCommandLine) {
  EXPECT_EQ(
      error_lines(kBase, {{"channels.wallet_b.share", "0.5"}}),
      (std::vector<std::string>{
          "--set: channels.wallet_b.share: no channel named 'wallet_b'; known: wallet_a, bank_b"}));
  EXPECT_EQ(error_lines(kBase, {{"channels.7.share", "0.5"}}),
            (std::vector<std::string>{
                "--set: channels.7.share: index 7 is out of range: channels has 2 entries"}));
  EXPECT_EQ(error_lines(kBase, {{"name.first", "x"}}),
            (std::vector<std::string>{
                "--set: name.first: 'name' is a single value, it has no key 'first'"}));
  EXPECT_EQ(error_lines(kBase, {{"system.compensation.polling.interval", "soon"}}),
            (std::vector<std::string>{
                "--set: system.compensation.polling.interval: expected a duration with a unit "
                "(us, ms, s, m, h, d), e.g. 250ms, 10s or 1h30m, got 'soon'"}));
  EXPECT_EQ(error_lines(kBase, {{"system.compensaton.strategy", "none"}}),
            (std::vector<std::string>{
                "--set: system.compensaton: unknown key 'compensaton' (did you mean "
                "'compensation'?); allowed keys: payment_service, order_service, notify, "
                "create_retry, callback, refund, compensation, order_query, dedup, client"}));
  EXPECT_EQ(error_lines(kBase, {{"seed", "[1, 2"}})[0].substr(0, 33),
            "--set: seed: invalid YAML value '");
}

TEST(ScenarioOverrides, BadVariantValuePointsAtTheVariant) {
  std::string text = kBase;
  text.replace(text.find("interval: 10s"), 13, "interval: -1s");
  EXPECT_EQ(error_lines(text, {}),
            (std::vector<std::string>{
                "base.yaml:8:62: system.compensation.polling.interval: duration must not be "
                "negative, got '-1s' (set by variants[fast])"}));
  EXPECT_EQ(error_lines(text, {}, "fast"), error_lines(text, {}));
}

// Regression (issue 12): a misspelt key inside a variant's `set` was reported without a line and
// column, because the maps its path creates have no position in the file.
TEST(ScenarioOverrides, UnknownKeyInAVariantSetPointsAtTheKey) {
  std::string text = kBase;
  text.insert(text.find("sweep:"),
              "  - name: typo\n"                                   // line 13
              "    set:\n"                                         // 14
              "      system.compensation.polling.interval: 30s\n"  // 15
              "      system.compensaton.strategy: none\n"          // 16
              "      system.client.push.enabld: true\n");          // 17
  const std::vector<std::string> expected = {
      "base.yaml:16:7: system.compensaton: unknown key 'compensaton' (did you mean "
      "'compensation'?); allowed keys: "
      "payment_service, order_service, notify, create_retry, callback, refund, compensation, "
      "order_query, "
      "dedup, client (set by variants[typo])",
      "base.yaml:17:7: system.client.push.enabld: unknown key 'enabld' (did you mean 'enabled'?); "
      "allowed keys: enabled (set by variants[typo])"};
  EXPECT_EQ(error_lines(text, {}, "typo"), expected);
  EXPECT_EQ(error_lines(text, {}), expected);  // `paysim validate` checks every variant
}

TEST(ScenarioOverrides, UnknownKeyInASweepAxisPointsAtTheAxis) {
  std::string text = kBase;
  text.replace(text.find("  system.compensation.polling.workers: [1, 4, 16]"), 49,
               "  system.compensation.polling.workerz: [1, 4]");
  const std::vector<std::string> lines = error_lines(text, {});
  ASSERT_FALSE(lines.empty());
  for (const std::string& line : lines) {
    EXPECT_EQ(line.substr(0, 74),
              "base.yaml:14:3: system.compensation.polling.workerz: unknown key 'workerz'");
  }
}

TEST(ScenarioOverrides, BadSweepValuePointsAtTheValue) {
  std::string text = kBase;
  text.replace(text.find("[1, 4, 16]"), 10, "[1, 0, 16]");
  EXPECT_EQ(error_lines(text, {}),
            (std::vector<std::string>{
                "base.yaml:14:44: system.compensation.polling.workers: must be at least 1, got 0 "
                "(sweep value 2 of 'system.compensation.polling.workers')"}));
}

TEST(ScenarioOverrides, ParseOverride) {
  std::string error;
  std::optional<Override> parsed = parse_override("a.b=c=d", &error);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->key, "a.b");
  EXPECT_EQ(parsed->value, "c=d");
  parsed = parse_override("channels[wallet_a].share=", &error);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->value, "");
  EXPECT_FALSE(parse_override("novalue", &error));
  EXPECT_EQ(error, "expected KEY=VALUE (e.g. system.compensation.strategy=polling), got 'novalue'");
  EXPECT_FALSE(parse_override("=x", &error));
  EXPECT_EQ(error, "missing key before '=' in '=x'");
  EXPECT_FALSE(parse_override("a..b=1", &error));
  EXPECT_EQ(error, "empty segment in key path 'a..b'");
  EXPECT_FALSE(parse_override("a b=1", &error));
  EXPECT_FALSE(parse_override("a[b=1", nullptr));
}

}  // namespace
}  // namespace harness
