// The scenario loader on bad input: each kind of mistake is reported with file:line:column, the
// key path and the exact message, and the loader never throws or returns a half-valid scenario.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/scenario_loader.h"
#include "reports/report.h"

namespace harness {
namespace {

const std::string kBadDir = std::string(PAYSIM_SOURCE_DIR) + "/tests/harness/bad_scenarios/";

std::vector<std::string> errors_of(const LoadResult& result) {
  EXPECT_FALSE(result.ok());
  EXPECT_FALSE(result.scenario.has_value());
  std::vector<std::string> lines;
  for (const ScenarioError& error : result.errors) lines.push_back(error.to_string());
  return lines;
}

// Errors of a snippet; one valid channel is prepended unless the snippet has its own.
std::vector<std::string> errors(std::string text) {
  if (text.find("channels") == std::string::npos) text = "channels: [{name: a}]\n" + text;
  return errors_of(load_scenario_text(text, "bad.yaml"));
}

using Lines = std::vector<std::string>;

TEST(ScenarioErrors, UnknownKeySuggestsTheNearestKnownOne) {
  EXPECT_EQ(errors("sed: 4\n"), Lines{"bad.yaml:2:1: sed: unknown key 'sed' (did you mean "
                                      "'seed'?); allowed keys: name, seed, duration, "
                                      "drain, traffic, user, channels, system, environment, "
                                      "variants, sweep, replications, expect, live, $schema"});
  EXPECT_EQ(
      errors("channels:\n  - {name: w, callback: {drop_probabilty: 0.1}}\n"),
      Lines{"bad.yaml:2:26: channels[w].callback.drop_probabilty: unknown key 'drop_probabilty' "
            "(did you mean "
            "'drop_probability'?); allowed keys: delay, drop_probability, duplicate_probability, "
            "reorder_probability, retries, notify_failures, ack_deadline"});
  // Nothing close: no guess.
  EXPECT_EQ(errors("system: {dedup: {banana: true}}\n")[0].substr(0, 59),
            "bad.yaml:2:18: system.dedup.banana: unknown key 'banana'; a");
}

// Issue 16 items 6 and 7: the acknowledgement deadline and what "trade does not exist" means.
TEST(ScenarioErrors, AckDeadlineAndTradeNotFoundKeys) {
  EXPECT_EQ(errors("channels: [{name: a, callback: {ack_deadline: -1s}}]\n"
                   "system:\n  callback: {ack: later}\n"),
            (Lines{"bad.yaml:1:47: channels[a].callback.ack_deadline: duration must not be "
                   "negative, got '-1s'",
                   "bad.yaml:3:19: system.callback.ack: unknown value 'later'; expected one of: "
                   "after_processing, on_receipt"}));
  EXPECT_EQ(errors("channels: [{name: a, query: {not_found_before_scan: 1}}]\n"
                   "system:\n  compensation: {on_not_found: fail, success_after_failed: keep}\n"),
            (Lines{"bad.yaml:1:53: channels[a].query.not_found_before_scan: expected true or "
                   "false, got '1'",
                   "bad.yaml:3:32: system.compensation.on_not_found: unknown value 'fail'; "
                   "expected one of: wait, mark_failed (did you mean 'wait'?)",
                   "bad.yaml:3:60: system.compensation.success_after_failed: unknown value "
                   "'keep'; expected one of: refund, accept, ignore"}));
}

TEST(ScenarioErrors, WrongTypes) {
  EXPECT_EQ(
      errors("seed: forty-two\n"),
      Lines{
          "bad.yaml:2:7: seed: expected an integer in [0, 18446744073709551615], got 'forty-two'"});
  EXPECT_EQ(
      errors("seed: -1\n"),
      Lines{"bad.yaml:2:7: seed: expected an integer in [0, 18446744073709551615], got '-1'"});
  EXPECT_EQ(errors("user: [1, 2]\n"), Lines{"bad.yaml:2:7: user: expected a map, got a list"});
  EXPECT_EQ(errors("system: {dedup: {order_lock: maybe}}\n"),
            Lines{"bad.yaml:2:30: system.dedup.order_lock: expected true or false, got 'maybe'"});
  EXPECT_EQ(errors("system: {notify: {sync_retries: 2.5}}\n"),
            Lines{"bad.yaml:2:33: system.notify.sync_retries: expected an integer, got '2.5'"});
}

TEST(ScenarioErrors, BadAndNegativeDurations) {
  EXPECT_EQ(errors("drain: 10 sec\n"), Lines{"bad.yaml:2:8: drain: expected a duration with a unit "
                                             "(us, ms, s, m, h, d), e.g. 250ms, 10s or "
                                             "1h30m, got '10 sec'"});
  EXPECT_EQ(errors("drain: 100\n")[0].find("got '100'") != std::string::npos, true);
  EXPECT_EQ(
      errors("channels: [{name: a, refund: {latency: -5s}}]\n"),
      Lines{"bad.yaml:1:40: channels[a].refund.latency: duration must not be negative, got '-5s'"});
  EXPECT_EQ(errors("system: {compensation: {polling: {interval: 0s}}}\n"),
            Lines{"bad.yaml:2:45: system.compensation.polling.interval: duration must be greater "
                  "than 0, got '0s'"});
  EXPECT_EQ(errors("channels: [{name: a, callback: {retries: [4m, soon]}}]\n"),
            Lines{"bad.yaml:1:47: channels[a].callback.retries[1]: expected a duration with a unit "
                  "(us, ms, s, m, h, "
                  "d), e.g. 250ms, 10s or 1h30m, got 'soon'"});
}

TEST(ScenarioErrors, CountdownPageNeedsAPositiveIntervalAndATimeout) {
  EXPECT_EQ(errors("system: {client: {countdown: {interval: 0s}}}\n"),
            Lines{"bad.yaml:2:41: system.client.countdown.interval: duration must be greater "
                  "than 0, got '0s'"});
  EXPECT_EQ(errors("system: {client: {countdown: {timeout: -1s}}}\n"),
            Lines{"bad.yaml:2:40: system.client.countdown.timeout: duration must not be negative, "
                  "got '-1s'"});
}

TEST(ScenarioErrors, ProbabilitiesOutsideZeroOne) {
  EXPECT_EQ(errors("channels: [{name: a, callback: {drop_probability: 1.5}}]\n"),
            Lines{"bad.yaml:1:51: channels[a].callback.drop_probability: probability must be in "
                  "[0, 1], got 1.5"});
  EXPECT_EQ(
      errors("user: {pay_probability: high}\n"),
      Lines{"bad.yaml:2:25: user.pay_probability: expected a probability in [0, 1], got 'high'"});
}

TEST(ScenarioErrors, Rates) {
  EXPECT_EQ(errors("traffic: {rate: 0/s}\n"),
            Lines{"bad.yaml:2:17: traffic.rate: rate must be greater than 0, got '0/s'"});
  EXPECT_EQ(errors("traffic: {rate: 100}\n"), Lines{"bad.yaml:2:17: traffic.rate: expected a rate "
                                                    "like 100/s, 6000/m or 360000/h, got '100'"});
  EXPECT_EQ(errors("traffic: {rate: 1/s, profile: [[0h, 1/s]]}\n"),
            Lines{"bad.yaml:2:17: traffic.rate: give either 'rate' or 'profile', not both"});
  EXPECT_EQ(errors("traffic: {profile: [[1h, 1/s]]}\n"),
            Lines{"bad.yaml:2:20: traffic.profile: the first profile point must be at 0h"});
  EXPECT_EQ(errors("traffic: {profile: [[0h, 1/s], [0h, 2/s]]}\n"),
            Lines{"bad.yaml:2:32: traffic.profile[1]: profile times must strictly increase"});
}

TEST(ScenarioErrors, WorkersAndBatchSizeMustBePositive) {
  EXPECT_EQ(
      errors("system: {compensation: {polling: {workers: 0, batch_size: -1}}}\n"),
      (Lines{"bad.yaml:2:44: system.compensation.polling.workers: must be at least 1, got 0",
             "bad.yaml:2:59: system.compensation.polling.batch_size: must be at least 1, got -1"}));
  EXPECT_EQ(errors("replications: 0\n"),
            Lines{"bad.yaml:2:15: replications: must be at least 1, got 0"});
}

TEST(ScenarioErrors, ChannelList) {
  EXPECT_EQ(errors("channels: []\n"),
            Lines{"bad.yaml:1:11: channels: at least one channel is required"});
  EXPECT_EQ(errors_of(load_scenario_text("seed: 1\n", "bad.yaml")),
            Lines{"bad.yaml:1:1: channels: at least one channel is required"});
  EXPECT_EQ(errors("channels:\n  - {name: w, share: 0.5}\n  - {name: w, share: 0.5}\n"),
            Lines{"bad.yaml:3:5: channels[w]: duplicate channel name 'w' (first at line 2)"});
  EXPECT_EQ(errors("channels: [{share: 1}]\n"),
            Lines{"bad.yaml:1:12: channels[0]: a channel needs a 'name'"});
  EXPECT_EQ(errors("channels: [{name: wallet.a}]\n"),
            Lines{"bad.yaml:1:19: channels[0].name: a channel name may use only letters, digits, "
                  "'_' and '-', got "
                  "'wallet.a'"});
}

TEST(ScenarioErrors, SharesMustSumToOne) {
  EXPECT_EQ(
      errors_of(load_scenario_file(kBadDir + "shares.yaml")),
      Lines{
          kBadDir +
          "shares.yaml:2:3: channels: channel shares must sum to 1, they sum to 0.8999999999999999 "
          "(wallet_a=0.6, wallet_b=0.3)"});
}

TEST(ScenarioErrors, UnknownEnumValuesListTheAllowedOnes) {
  EXPECT_EQ(errors("system: {compensation: {strategy: pollling}}\n"),
            Lines{"bad.yaml:2:35: system.compensation.strategy: unknown value 'pollling'; expected "
                  "one of: none, "
                  "polling, delay_message, hybrid (did you mean 'polling'?)"});
  EXPECT_EQ(
      errors("channels: [{name: a, mode: batch}]\n"),
      Lines{
          "bad.yaml:1:28: channels[a].mode: unknown value 'batch'; expected one of: async, sync"});
  EXPECT_EQ(errors("system: {notify: {mq_retry: kafka}}\n"),
            Lines{"bad.yaml:2:29: system.notify.mq_retry: expected 'rocketmq' or a list of "
                  "durations, got 'kafka'"});
  EXPECT_EQ(errors("system: {compensation: {pending_row: on_accept}}\n"),
            Lines{"bad.yaml:2:38: system.compensation.pending_row: unknown value 'on_accept'; "
                  "expected one of: before_call, on_accepted (did you mean 'on_accepted'?)"});
}

TEST(ScenarioErrors, UnknownPresetListsTheKnownOnes) {
  std::vector<std::string> lines = errors("channels: [{name: a, preset: alipay}]\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].substr(0, 75),
            "bad.yaml:1:30: channels[a].preset: unknown preset 'alipay'; known presets: ");
  EXPECT_NE(lines[0].find("alipay-like"), std::string::npos);
  EXPECT_NE(lines[0].find("(did you mean 'alipay-like'?)"), std::string::npos);
}

TEST(ScenarioErrors, BadDistributionParameters) {
  EXPECT_EQ(errors("user: {pay_delay: {dist: uniform, min: 3s, max: 1s}}\n"),
            Lines{"bad.yaml:2:19: user.pay_delay: uniform min (3s) is greater than max (1s)"});
  EXPECT_EQ(errors("user: {pay_delay: {dist: lognormal, median: 3s, sigma: -0.5}}\n"),
            Lines{"bad.yaml:2:56: user.pay_delay.sigma: lognormal sigma must be >= 0, got -0.5"});
  EXPECT_EQ(errors("user: {pay_delay: {dist: empirical, points: [[1s, 0.5], [10s, 0.9]]}}\n"),
            Lines{"bad.yaml:2:45: user.pay_delay.points: invalid empirical points: the last "
                  "probability must be 1"});
  EXPECT_EQ(errors("user: {pay_delay: {dist: empirical, points: [[10s, 0.5], [1s, 1]]}}\n"),
            Lines{"bad.yaml:2:45: user.pay_delay.points: invalid empirical points: point 2: values "
                  "must strictly "
                  "increase"});
  EXPECT_EQ(errors("user: {pay_delay: {dist: exponential}}\n"),
            Lines{"bad.yaml:2:19: user.pay_delay: a exponential distribution needs 'mean'"});
  EXPECT_EQ(errors("user: {pay_delay: {dist: exponential, mean: 0s}}\n"),
            Lines{"bad.yaml:2:45: user.pay_delay.mean: duration must be greater than 0, got '0s'"});
  EXPECT_EQ(errors("user: {pay_delay: {dist: normal, mean: 1s}}\n"),
            Lines{"bad.yaml:2:26: user.pay_delay.dist: unknown value 'normal'; expected one of: "
                  "fixed, uniform, "
                  "exponential, lognormal, empirical"});
  EXPECT_EQ(
      errors("user: {pay_delay: {dist: fixed, value: 1s, mean: 2s}}\n"),
      Lines{"bad.yaml:2:44: user.pay_delay.mean: unknown key 'mean'; allowed keys: dist, value"});
}

TEST(ScenarioErrors, YamlSyntaxErrorCarriesTheParserMark) {
  EXPECT_EQ(errors_of(load_scenario_file(kBadDir + "syntax_error.yaml")),
            Lines{kBadDir + "syntax_error.yaml:4:7: invalid YAML: end of map flow not found"});
  EXPECT_EQ(errors_of(load_scenario_text("a: b\n  c: d\n", "bad.yaml")),
            Lines{"bad.yaml:2:4: invalid YAML: illegal map value"});
}

TEST(ScenarioErrors, DuplicateYamlKey) {
  EXPECT_EQ(errors("seed: 1\nseed: 2\n"), Lines{"bad.yaml:3:1: seed: duplicate key 'seed'"});
}

TEST(ScenarioErrors, MissingFileAndNonMapDocument) {
  EXPECT_EQ(
      errors_of(load_scenario_file(kBadDir + "does_not_exist.yaml")),
      Lines{kBadDir + "does_not_exist.yaml: cannot read scenario: No such file or directory"});
  EXPECT_EQ(errors_of(load_scenario_text("- just\n- a list\n", "bad.yaml")),
            Lines{"bad.yaml:1:1: a scenario must be a YAML map of keys (name, seed, channels, "
                  "system, ...), got a list"});
}

TEST(ScenarioErrors, BadExpectations) {
  EXPECT_EQ(errors("expect: {dropped.final: \"~ 5\"}\n"),
            Lines{"bad.yaml:2:25: expect.dropped.final: expected a number or a comparison like \"< "
                  "60000\", \"<= 5\", \">= 0.99\", \"== 0\", \"!= 0\" or \"< 60000 at 95%\", got "
                  "'~ 5'"});
  EXPECT_EQ(errors("expect: {dropped.final: \"<\"}\n")[0].substr(0, 46),
            "bad.yaml:2:25: expect.dropped.final: expected ");
  EXPECT_EQ(errors("expect: {droped.final: 0}\n"),
            Lines{"bad.yaml:2:10: expect.droped.final: unknown metric 'droped.final' (did you mean "
                  "'dropped.final'?)"});
}

// Regression (issue 12): an expectation on a metric no report has passed validation and then
// failed every run with exit 1; it is a scenario error, found when the file is loaded.
TEST(ScenarioErrors, ExpectationOnAMetricThatDoesNotExist) {
  EXPECT_EQ(
      errors("expect: {dropped.finale: 0}\n"),
      Lines{"bad.yaml:2:10: expect.dropped.finale: unknown metric 'dropped.finale' (did you mean "
            "'dropped.final'?)"});
  EXPECT_EQ(
      errors("expect:\n  orders.paid: 1\n  latency.charge_to_paid_ms.p95: \"< 60000\"\n"),
      Lines{"bad.yaml:4:3: expect.latency.charge_to_paid_ms.p95: unknown metric "
            "'latency.charge_to_paid_ms.p95' (did you mean 'latency.charge_to_paid_ms.p90'?)"});
  // Nothing close: what the group has, or which groups there are.
  EXPECT_EQ(errors("expect: {cost.total_money_spent_in_euros: 0}\n")[0].substr(0, 122),
            "bad.yaml:2:10: expect.cost.total_money_spent_in_euros: unknown metric "
            "'cost.total_money_spent_in_euros'; "
            "'cost' has: cost.");
  const std::vector<std::string> lines = errors("expect: {weather.sunny_days: 0}\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("unknown metric 'weather.sunny_days'; metric groups: "),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find("dropped"), std::string::npos) << lines[0];
}

// The valid paths are the report's own (reports::metric_paths of report.json), so every metric a
// run writes can be expected, including ones added after this test was written.
TEST(ScenarioErrors, EveryMetricOfAReportCanBeExpected) {
  reports::Report report;
  report.latency.charge_to_paid_us.record(1000);
  const std::vector<std::string> paths = reports::metric_paths(reports::to_json(report));
  ASSERT_GT(paths.size(), 40u);
  std::string text = "channels: [{name: a}]\nexpect:\n";
  for (const std::string& path : paths) text += "  " + path + ": \">= 0\"\n";
  const LoadResult result = load_scenario_text(text, "all.yaml");
  ASSERT_TRUE(result.ok()) << (result.errors.empty() ? "" : result.errors[0].to_string());
  EXPECT_EQ(result.scenario->expect.size(), paths.size());
}

TEST(ScenarioErrors, UnknownMetricInSetAndVariantsIsAScenarioError) {
  const std::string text =
      "channels: [{name: a}]\nvariants:\n  - name: v\n    set:\n      seed: 2\n"
      "      expect.dropped.finale: 0\n";
  EXPECT_EQ(
      errors_of(load_scenario_text(text, "bad.yaml")),
      Lines{"bad.yaml:6:7: expect.dropped.finale: unknown metric 'dropped.finale' (did you mean "
            "'dropped.final'?) (set by variants[v])"});
  EXPECT_EQ(errors_of(load_scenario_text(text, "bad.yaml", {}, "v")),
            errors_of(load_scenario_text(text, "bad.yaml")));
  // --set, with and without an expect block in the file.
  EXPECT_EQ(errors_of(load_scenario_text("channels: [{name: a}]\n", "bad.yaml",
                                         {{"expect.dropped.finale", "0"}})),
            Lines{"--set: expect.dropped.finale: unknown metric 'dropped.finale' (did you mean "
                  "'dropped.final'?)"});
  EXPECT_EQ(errors_of(load_scenario_text("channels: [{name: a}]\nexpect: {dropped.final: 0}\n",
                                         "bad.yaml", {{"expect.dropped.finale", "0"}})),
            Lines{"--set: expect.dropped.finale: unknown metric 'dropped.finale' (did you mean "
                  "'dropped.final'?)"});
}

TEST(ScenarioErrors, NotEqualIsAnOperator) {
  const LoadResult result = load_scenario_text(
      "channels: [{name: a}]\nexpect: {dropped.final: \"!= 3\", orders.paid: \"!=0\"}\n",
      "ok.yaml");
  ASSERT_TRUE(result.ok()) << result.errors[0].to_string();
  ASSERT_EQ(result.scenario->expect.size(), 2u);
  EXPECT_EQ(result.scenario->expect[0].op, CompareOp::kNe);
  EXPECT_EQ(result.scenario->expect[0].threshold, 3.0);
  EXPECT_EQ(result.scenario->expect[1].op, CompareOp::kNe);
  EXPECT_EQ(result.scenario->expect[1].threshold, 0.0);
  EXPECT_EQ(errors("expect: {dropped.final: \"=! 3\"}\n")[0].substr(0, 47),
            "bad.yaml:2:25: expect.dropped.final: expected a");
}

TEST(ScenarioErrors, StrategyNeedsItsSchedule) {
  EXPECT_EQ(errors("system: {compensation: {strategy: delay_message}}\n"),
            Lines{"bad.yaml:2:24: system.compensation: strategy delay_message needs a non-empty "
                  "delay_message.schedule"});
}

TEST(ScenarioErrors, ManyErrorsInOnePassInFileOrder) {
  const std::string file = kBadDir + "many_errors.yaml";
  EXPECT_EQ(
      errors_of(load_scenario_file(file)),
      (Lines{
          file + ":3:7: seed: expected an integer in [0, 18446744073709551615], got '-3'",
          file + ":4:11: duration: expected a duration with a unit (us, ms, s, m, h, d), e.g. "
                 "250ms, 10s or "
                 "1h30m, got '1 hour'",
          file +
              ":8:16: channels[wallet_a].callback.drop_probabilty: unknown key "
              "'drop_probabilty' (did "
              "you mean 'drop_probability'?); allowed keys: delay, drop_probability, "
              "duplicate_probability, reorder_probability, retries, notify_failures, ack_deadline",
          file + ":9:5: channels[wallet_a]: duplicate channel name 'wallet_a' (first at line 6)",
          file + ":13:15: system.compensation.strategy: unknown value 'pollling'; expected one "
                 "of: none, "
                 "polling, delay_message, hybrid (did you mean 'polling'?)",
          file + ":14:24: system.compensation.polling.workers: must be at least 1, got 0"}));
}

TEST(ScenarioErrors, NeverThrowsOnTruncatedOrMangledInput) {
  const std::string text = R"(name: t
channels:
  - {name: a, preset: alipay-like, share: 0.5, callback: {retries: [4m, 10m]}, outages: [{start: 1m, duration: 1m}]}
  - {name: b, share: 0.5, pay_delay: {dist: empirical, points: [[1s, 0.5], [2s, 1]]}}
system: {compensation: {strategy: hybrid, delay_message: {schedule: [10s]}}, notify: {mq_retry: rocketmq}}
variants: [{name: v, set: {channels.a.share: 0.5, system.notify.mq_retry: [1s]}}]
sweep: {system.compensation.polling.interval: [10s, 1m]}
expect: {dropped.final: "< 1"}
)";
  for (size_t length = 0; length <= text.size(); ++length) {
    LoadResult result =
        load_scenario_text(text.substr(0, length), "cut.yaml", {{"channels.b.share", "0.5"}});
    EXPECT_EQ(result.ok(), result.errors.empty()) << length;
    std::string mangled = text;
    mangled[length % text.size()] = "[]{}:,- \n"[length % 9];
    result = load_scenario_text(mangled, "mangled.yaml");
    EXPECT_EQ(result.ok(), result.errors.empty()) << length;
  }
  EXPECT_TRUE(load_scenario_text(text, "whole.yaml").ok());
}

TEST(ScenarioErrors, ToStringLeavesOutUnknownParts) {
  EXPECT_EQ((ScenarioError{"f.yaml", 3, 7, "a.b", "bad"}).to_string(), "f.yaml:3:7: a.b: bad");
  EXPECT_EQ((ScenarioError{"--set", 0, 0, "a.b", "bad"}).to_string(), "--set: a.b: bad");
  EXPECT_EQ((ScenarioError{"f.yaml", 0, 0, "", "bad"}).to_string(), "f.yaml: bad");
  EXPECT_EQ((ScenarioError{"", 0, 0, "", "bad"}).to_string(), "bad");
}

}  // namespace
}  // namespace harness
