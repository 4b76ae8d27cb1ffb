// Issue 12, "documented keys that do nothing": no scenario key may be accepted and ignored.
//
// The documented keys are read from scenarios/README.md (tests/harness/readme_keys.h: every
// table whose header starts with `key`; a row whose first cell is a backticked key path; keys of
// the `channels[]` section are relative, so they are named `channels[].callback.drop_probability`
// here). For each, the table below holds a tiny scenario in which the key matters (a base text plus
// setup overrides) and an alternative value. The scenario is run twice, as set up and with only
// that key changed through the override mechanism `--set` uses, and the two report.json texts
// (sim.wall_ms left out) must differ. Keys read only by `compare` or `sweep` (variants, sweep,
// replications) are run that way, the overrides applied to the file's document, and every run's
// report compared.
//
// A documented key without an entry fails (a newly documented key must come with a way to see
// it act), and so does an entry for a key the README no longer documents. Keys that are inert
// today for reasons outside the polling work are listed in kKnownInert with the reason; such a
// key failing to change the report is expected, and one that starts to change it must leave the
// list.
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/internal/overrides.h"
#include "harness/run.h"
#include "harness/scenario_loader.h"
#include "harness/sweep.h"
#include "reports/json_writer.h"
#include "tests/harness/readme_keys.h"

namespace harness {
namespace {

namespace fs = std::filesystem;

using testing::documented_keys;
using testing::override_path;

// ---- the scenarios ---------------------------------------------------------------------------

// About a hundred orders in 20 s on one ideal-ish wallet (or two); a run takes milliseconds.
const std::string kCommon = R"yaml(name: key-effect
seed: 7
duration: 20s
drain: 10m
traffic: {rate: 5/s}
user: {pay_delay: 5s, return_delay: 3s}
system:
  notify: {mq_retry: [10s, 30s, 1m]}
)yaml";
const std::string kOneChannel = kCommon + R"yaml(channels:
  - {name: wallet, accept_latency: 80ms, callback: {delay: 500ms}, query: {latency: 100ms}}
)yaml";
const std::string kTwoChannels = kCommon + R"yaml(channels:
  - {name: wallet_a, share: 0.5, accept_latency: 80ms, callback: {delay: 500ms}}
  - {name: wallet_b, share: 0.5, accept_latency: 300ms, callback: {delay: 2s}}
)yaml";

// kRun: `paysim run` (load with the overrides, as --set does; compare report.json). kCompare,
// kSweep: the overrides are applied to the document (harness/internal/overrides.h, what --set
// and a variant's `set` use) and the file is compared or swept; every run's report.json is
// compared, with its point label blanked (a sweep's label spells the values, so it would always
// differ) unless `labels` says the label is the key's effect.
enum class Runner { kRun, kCompare, kSweep };

struct KeyCase {
  const std::string* base = &kOneChannel;
  std::vector<Override> setup;   // what makes the key matter; applied to both runs
  std::vector<Override> change;  // the key at its alternative value (and nothing else, bar share)
  Runner runner = Runner::kRun;
  bool labels = false;
};

using Overrides = std::vector<Override>;

Overrides operator+(Overrides a, const Overrides& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Setups shared by several keys.
const Overrides kLost = {{"channels.0.callback.drop_probability", "0.5"}};
const Overrides kPolling = kLost + Overrides{{"system.compensation.strategy", "polling"},
                                             {"system.compensation.polling.interval", "10s"}};
// The user pays a minute after the QR code: polling re-queries a pending payment several times.
const Overrides kPollingSlowPay = kPolling + Overrides{{"user.pay_delay", "1m"}};
const Overrides kFullScan =
    kPollingSlowPay + Overrides{{"system.compensation.polling.source", "full_scan"}};
const Overrides kDelayMessage =
    kLost + Overrides{{"system.compensation.strategy", "delay_message"},
                      {"system.compensation.delay_message.schedule", "[2s, 7s, 20s]"}};
const Overrides kRepeatClick = {{"user.repeat_click_probability", "1"}};
const Overrides kCancelInFlight =
    kRepeatClick + Overrides{{"system.dedup.cancel_in_flight", "true"}};
const Overrides kRefunds = kRepeatClick + Overrides{{"user.pay_both_probability", "1"},
                                                    {"system.dedup.refund_duplicates", "true"}};
// Refunds answered "accepted" that finish a second later.
const Overrides kLaterRefunds = kRefunds + Overrides{{"channels.0.refund.completion_delay", "1s"}};
const Overrides kLockStall =
    kRepeatClick + Overrides{{"system.dedup.order_lock", "true"},
                             {"environment.payment_service.lock_stall_probability", "1"}};
const Overrides kRepay = kLost + Overrides{{"user.repay_if_unpaid_probability", "1"}};
const Overrides kReorder = kLost + Overrides{{"user.reorder_if_unpaid_probability", "1"}};
const Overrides kSwitch = {{"user.switch_channel_probability", "1"}};
const Overrides kNotifyFails = {{"environment.order_service.notify_failure_probability", "0.5"}};
const Overrides kLatePay = {{"user.pay_delay", "1m"},
                            {"system.order_service.order_timeout", "30s"}};
// Sync card answers lost half the time, each retried once.
const Overrides kCreateRetry = {{"channels.0.mode", "sync"},
                                {"channels.0.create_reply_loss_probability", "0.5"},
                                {"system.create_retry.retries", "1"}};
// The handler takes 3 s to acknowledge, the channel waits 2 s and re-sends 10 s later.
const Overrides kSlowHandler = {{"channels.0.callback.ack_deadline", "2s"},
                                {"channels.0.callback.retries", "[10s]"},
                                {"environment.payment_service.callback_handling", "3s"}};
// One delay query, 2 s after the payment is created; the user pays 5 s in.
const Overrides kEarlyQuery = {{"system.compensation.strategy", "delay_message"},
                               {"system.compensation.delay_message.schedule", "[2s]"}};
const Overrides kFailedEarly =
    kEarlyQuery + Overrides{{"system.compensation.on_exhausted", "mark_failed"}};
const Overrides kCrashBeforePublish = {
    {"system.notify.publish_delay", "2s"},
    {"environment.payment_service.crashes", "[{at: 10s, restart_after: 2s}]"}};
const Overrides kReconciliation = {{"channels.0.double_charge_probability", "0.5"},
                                   {"system.compensation.reconciliation", "{every: 1m, lag: 10s}"}};
const Overrides kOrderQuery = kLost + Overrides{{"system.order_query", "{at_ages: [10s]}"}};
// The order is paid 5 s after the charge, after the user is back (3 s): the app shows it by its
// next poll, or by a push.
const Overrides kSlowCallback = {{"channels.0.callback.delay", "5s"}};
const Overrides kSlowPoll = kSlowCallback + Overrides{{"system.client.poll_interval", "5s"}};
// The callback comes 15 s after the charge: fast polling (3 s to 13 s) gives up first, and a
// countdown page checking every 5 s for a minute sees the order PAID.
const Overrides kCountdown = {{"channels.0.callback.delay", "15s"},
                              {"system.client.countdown", "{interval: 5s, timeout: 1m}"}};
const Overrides kPush =
    kSlowPoll + Overrides{{"system.client.push", "{}"}, {"environment.push.loss_probability", "0"}};
// A variant's seed is the plan's (common random numbers), so variants here change behaviour.
const Overrides kVariant = {{"variants", "[{name: v, set: {user.pay_probability: 0.5}}]"}};
const Overrides kSweepAxis = {{"sweep", "{user.pay_probability: [0.9]}"}};

// key -> the case that shows it acting.
const std::map<std::string, KeyCase>& key_cases() {
  static const std::map<std::string, KeyCase> cases = [] {
    std::map<std::string, KeyCase> c;
    // `key` at `value`, set up by `setup` (on `base`).
    auto add = [&c](const std::string& key, const std::string& value, Overrides setup = {},
                    const std::string* base = &kOneChannel, Runner runner = Runner::kRun) {
      c[key] = KeyCase{base, std::move(setup), {{override_path(key), value}}, runner};
    };
    // Top level.
    add("name", "other");
    add("seed", "8");
    add("duration", "10s");
    add("drain", "1s");
    add("traffic", "{rate: 2/s}");
    add("user", "{pay_probability: 0.5}");
    add("channels", "[{name: other, success_probability: 0.5}]");
    add("system", "{order_service: {order_timeout: 1s}}");
    add("environment", "{order_service: {notify_latency: 1s}}");
    add("variants", "[{name: v, set: {user.pay_probability: 0.2}}]", kVariant, &kOneChannel,
        Runner::kCompare);
    add("sweep", "{user.pay_probability: [0.5]}", kSweepAxis, &kOneChannel, Runner::kSweep);
    add("replications", "2", kSweepAxis, &kOneChannel, Runner::kSweep);
    add("expect", "{orders.created: \">= 0\"}");
    // Live mode only (kKnownInert): any readable file with a first line will do.
    const std::string secret_file = std::string(PAYSIM_SOURCE_DIR) + "/scenarios/README.md";
    add("live", "{signing_secret_file: " + secret_file + "}");
    add("live.signing_secret_file", secret_file);
    add("$schema", "schema/scenario.schema.json");  // for editors only (kKnownInert)
    add("variants[].name", "w", kVariant, &kOneChannel, Runner::kCompare);
    c["variants[].name"].change = {{"variants.0.name", "w"}};
    c["variants[].name"].labels = true;  // a variant's name is the label of its runs
    add("variants[].set", "{user.pay_probability: 0.2}", kVariant, &kOneChannel, Runner::kCompare);
    c["variants[].set"].change = {{"variants.0.set", "{user.pay_probability: 0.2}"}};
    add("sweep.<key path>", "[0.5]", kSweepAxis, &kOneChannel, Runner::kSweep);
    c["sweep.<key path>"].change = {{"sweep.user.pay_probability", "[0.5]"}};

    // traffic, user.
    add("traffic.arrival", "uniform");
    add("traffic.rate", "2/s");
    add("traffic.profile", "[[0h, 2/s]]", {{"traffic.rate", ""}});
    // Money shows in duplicates.overcharged_minor: users who pay both QR codes.
    add("traffic.amount_minor", "1", kRepeatClick + Overrides{{"user.pay_both_probability", "1"}});
    add("user.pay_probability", "0.5");
    add("user.pay_delay", "20s");
    add("user.return_delay", "1s", kSlowCallback);
    add("user.repeat_click_probability", "1");
    add("user.repeat_click_gap", "2s", kRepeatClick);
    add("user.pay_both_probability", "1", kRepeatClick);
    add("user.repay_if_unpaid_probability", "1", kLost);
    add("user.repay_delay", "5s", kRepay);
    add("user.reorder_if_unpaid_probability", "1", kLost);
    add("user.switch_channel_probability", "1", {}, &kTwoChannels);
    add("user.pay_abandoned_too_probability", "1", kSwitch, &kTwoChannels);
    add("user.max_pay_attempts", "1", kRepay);

    // channels[].
    add("channels[].name", "other");
    add("channels[].preset", "alipay-like", kLost);  // its re-sends recover lost callbacks
    add("channels[].share", "0.8", {}, &kTwoChannels);
    c["channels[].share"].change.push_back({"channels.1.share", "0.2"});  // shares must sum to 1
    add("channels[].mode", "sync");
    add("channels[].accept_latency", "1s");
    add("channels[].success_probability", "0.5");
    add("channels[].callback.delay", "5s");
    add("channels[].callback.drop_probability", "0.5");
    // Duplicates and stale notices are absorbed by design: the work shows in sim.events.
    add("channels[].callback.duplicate_probability", "0.5");
    add("channels[].callback.reorder_probability", "0.5");
    add("channels[].callback.retries", "[10s]", kLost);
    add("channels[].callback.ack_deadline", "5s", kSlowHandler);  // now the 3 s handler is in time
    add("channels[].callback.notify_failures", "true", {{"channels.0.success_probability", "0.5"}});
    add("channels[].query.latency", "1s", kPolling);
    add("channels[].query.failure_probability", "0.5", kPolling);
    add("channels[].query.stale_probability", "0.5", kPolling);
    add("channels[].query.not_found_before_scan", "true",
        kEarlyQuery + Overrides{{"system.compensation.on_not_found", "mark_failed"}});
    add("channels[].double_charge_probability", "0.5");
    // A sync card's lost answer: nothing re-queries it, the charged order is dropped.
    add("channels[].create_reply_loss_probability", "0.5", {{"channels.0.mode", "sync"}});
    add("channels[].cancel.supported", "false", kCancelInFlight);
    add("channels[].cancel.latency", "2s", kCancelInFlight);
    add("channels[].cancel.min_age", "1m", kCancelInFlight);
    add("channels[].refund.supported", "false", kRefunds);
    add("channels[].refund.latency", "1h", kRefunds);  // still refunding when the drain ends
    add("channels[].refund.failure_probability", "1", kRefunds);
    add("channels[].refund.completion_delay", "1h", kRefunds);  // not done when the drain ends
    add("channels[].refund.completion_failure_probability", "1", kLaterRefunds);
    // The notice ends a refund being confirmed: no second refund call to learn it is done.
    add("channels[].refund.notify", "true", kLaterRefunds);
    add("channels[].refund.notify_drop_probability", "1",
        kLaterRefunds + Overrides{{"channels.0.refund.notify", "true"}});
    add("channels[].outages", "[{start: 2s, duration: 5s}]");
    // Calls made in the outage hang until the timeout: past the drain, they keep the run going.
    add("channels[].timeout", "20m", {{"channels.0.outages", "[{start: 2s, duration: 5s}]"}});
    add("channels[].trade_expiry", "10s", {{"user.pay_delay", "30s"}});
    add("channels[].pay_delay", "30s");

    // system.
    add("environment.payment_service.step_latency", "50ms");
    add("environment.payment_service.crashes", "[{at: 5s, restart_after: 2s}]");
    add("environment.order_service.notify_latency", "1s");
    add("environment.order_service.notify_failure_probability", "0.5");
    add("environment.order_service.outages", "[{start: 2s, duration: 10s}]");
    add("system.order_service.order_timeout", "30s", {{"user.pay_delay", "1m"}});
    add("system.order_service.late_payment", "refund", kLatePay);
    add("system.order_service.close_at_channel", "true", kLatePay);
    add("system.order_service.checkout_per_purchase", "true", kReorder);
    // Users shown "unpaid" re-order at once; polling finds the first order's charge afterwards.
    add("system.order_service.refund_repeat_purchase", "true",
        kReorder + Overrides{{"user.repay_delay", "1s"},
                             {"system.client.poll_timeout", "5s"},
                             {"system.compensation.strategy", "polling"},
                             {"system.compensation.polling.interval", "1m"}});
    add("system.notify.sync_retries", "0", kNotifyFails);
    add("system.notify.sync_backoff", "1s", kNotifyFails);
    add("system.notify.async_mq", "false", kNotifyFails);
    add("system.notify.mq_retry", "[1s]",
        kNotifyFails + Overrides{{"system.notify.sync_retries", "0"}});
    add("environment.mq.latency", "1s",
        kNotifyFails + Overrides{{"system.notify.sync_retries", "0"}});
    add("environment.mq.loss_probability", "0.5",
        kNotifyFails + Overrides{{"system.notify.sync_retries", "0"}});
    // A failed consume acknowledged first is lost instead of redelivered.
    add("system.order_service.consumer_ack", "before_update",
        kNotifyFails + Overrides{{"system.notify.sync_retries", "0"}});
    // Every notify leaves a second after its commit (latencies move); with a crash at 10 s the
    // notifies of the successes committed in the last 2 s before it are lost, unless an outbox
    // wrote them with the commit (its relay publishes them after the restart).
    add("system.notify.publish_delay", "1s");
    add("system.notify.outbox", "true", kCrashBeforePublish);
    add("system.notify.outbox_relay_interval", "30s",
        kCrashBeforePublish + Overrides{{"system.notify.outbox", "true"}});
    add("system.callback.ack", "on_receipt", kSlowHandler);
    // Trusting "accepted" leaves the failed refunds' duplicates charged.
    add("system.refund.on_accepted", "trust",
        kLaterRefunds + Overrides{{"channels.0.refund.completion_failure_probability", "0.5"}});
    add("system.create_retry.retries", "0", kCreateRetry);
    add("system.create_retry.backoff", "1m", kCreateRetry);
    add("system.create_retry.idempotency_key", "false", kCreateRetry);
    add("system.compensation.strategy", "polling", kLost);
    add("system.compensation.polling.interval", "30s", kPolling);
    add("system.compensation.polling.source", "full_scan", kPolling);
    add("system.compensation.polling.batch_size", "1", kPolling);
    add("system.compensation.polling.workers", "1", kPolling);
    // A pending table has no window unless lookback is given: with one, rows still unpaid when
    // they leave it are given up and the user's late payment is dropped.
    add("system.compensation.polling.lookback", "20s", kPollingSlowPay);
    add("system.compensation.polling.max_attempts", "2", kFullScan);
    add("system.compensation.polling.min_age", "30s", kPolling);
    add("system.compensation.polling.age_schedule", "[30s, 2m]", kFullScan);
    add("system.compensation.delay_message.schedule", "[20s]", kDelayMessage);
    add("system.compensation.delay_message.levels", "rocketmq", kDelayMessage);
    add("system.compensation.reconciliation", "{every: 1m, lag: 10s}",
        {{"channels.0.double_charge_probability", "0.5"}});
    add("system.compensation.reconciliation.enabled", "false", kReconciliation);
    add("system.compensation.reconciliation.every", "1h", kReconciliation);  // not before the end
    // A lost first callback is re-sent after 2 minutes; a run every minute with a 10 s lag
    // finds the charge first, one with a 20-minute lag leaves it to the re-send.
    add("system.compensation.reconciliation.lag", "20m",
        kReconciliation + Overrides{{"channels.0.callback.drop_probability", "0.5"},
                                    {"channels.0.callback.retries", "[2m]"}});
    add("system.compensation.retry_storage", "in_memory",
        kDelayMessage +
            Overrides{{"environment.payment_service.crashes", "[{at: 5s, restart_after: 2s}]"}});
    // The first delay message leaves at the channel's answer (80 ms later), not before the call.
    add("system.compensation.pending_row", "on_accepted", kDelayMessage);
    // The user pays 5 s in; the one delay query at 2 s finds the trade not yet paid (or scanned).
    add("system.compensation.on_not_found", "mark_failed",
        kEarlyQuery + Overrides{{"channels.0.query.not_found_before_scan", "true"}});
    add("system.compensation.on_exhausted", "mark_failed", kEarlyQuery);
    add("system.compensation.success_after_failed", "ignore", kFailedEarly);
    add("system.order_query", "{at_ages: [10s]}", kLost);
    add("system.order_query.enabled", "false", kOrderQuery);
    add("system.order_query.at_ages", "[30s]", kOrderQuery);
    add("system.dedup.order_lock", "true", kRepeatClick);
    // The second click comes while the first holder stalls (15 s): after a 10 s TTL the lock
    // has expired under the holder and lets it through; a 1 m TTL still refuses it.
    add("system.dedup.lock_ttl", "1m", kLockStall + Overrides{{"user.repeat_click_gap", "12s"}});
    add("environment.payment_service.lock_stall_probability", "1",
        kRepeatClick + Overrides{{"system.dedup.order_lock", "true"}});
    add("environment.payment_service.lock_stall", "1s", kLockStall);
    add("environment.payment_service.callback_handling", "0s", kSlowHandler);
    add("system.dedup.compare_and_set", "true", kRepeatClick);
    // The second click comes after the order is paid.
    add("system.dedup.check_paid", "false",
        kRepeatClick + Overrides{{"user.repeat_click_gap", "10s"}});
    add("system.dedup.reuse_in_flight", "true", kRepeatClick);
    add("system.dedup.cancel_in_flight", "true", kRepeatClick);
    add("system.dedup.refund_duplicates", "false", kRefunds);
    add("system.client.poll_interval", "2s", kSlowCallback);
    add("system.client.poll_timeout", "1s", kSlowCallback);  // shows "unpaid" before the callback
    add("system.client.push", "{loss_probability: 0}", kSlowPoll);
    add("system.client.push.enabled", "false", kPush);
    add("system.client.countdown", "{}", {{"channels.0.callback.delay", "15s"}});
    add("system.client.countdown.enabled", "false", kCountdown);
    add("system.client.countdown.interval", "2s", kCountdown);
    add("system.client.countdown.timeout", "1s", kCountdown);  // shows "unpaid" again
    add("environment.push.loss_probability", "1", kPush);
    add("environment.push.latency", "2s", kPush);
    return c;
  }();
  return cases;
}

// Keys that change nothing in report.json today, for reasons outside the polling change (the
// report's contents belong to reports/; other mechanisms are being rewritten on other branches of
// issue 12), each with the reason. When one starts to change the report, this test fails until it
// is taken off the list and tested like the others.
const std::map<std::string, std::string> kKnownInert = {
    // A channel's name addresses it in key paths, traces and errors; the report has no
    // per-channel numbers.
    {"channels[].name",
     "the report has no per-channel numbers; reports/ is outside the polling change"},
    // What only `paysim serve-channel` reads; tests/live/serve_channel_command_test.cpp shows it
    // act (SignsWithTheSecretOfTheFileTheScenarioNames).
    {"live", "live mode only: the simulator ignores it"},
    {"live.signing_secret_file", "live mode only: the simulator ignores it"},
    // For editors and validators (issue 17); scenario_docs_test shows the loader keeps it.
    {"$schema", "tells editors where the JSON Schema is; paysim has its own built in"},
};

// ---- running ---------------------------------------------------------------------------------

std::string errors_of(const LoadResult& result) {
  std::string out;
  for (const ScenarioError& error : result.errors) out += error.to_string() + "\n";
  return out;
}

std::string run_report(const std::string& base, const Overrides& overrides) {
  const LoadResult loaded = load_scenario_text(base, "key_effect.yaml", overrides);
  if (!loaded.ok()) return "load error: " + errors_of(loaded);
  reports::Report report = run_scenario(*loaded.scenario).report;
  report.sim.wall_ms = 0;
  return reports::render_json(report);
}

std::string run_experiment(const KeyCase& c, const Overrides& overrides) {
  YAML::Node document = YAML::Load(*c.base);
  for (const Override& o : overrides) {
    std::string error;
    if (!internal::apply_override(document, o.key, YAML::Load(o.value), &error))
      return "load error: " + error;
  }
  YAML::Emitter text;
  text << document;
  // One file per process: ctest runs the keys' tests side by side.
  const fs::path file =
      fs::path(::testing::TempDir()) / ("key_effect_" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(file) << text.c_str() << "\n";
  const std::vector<std::string> all_variants;
  const std::optional<Plan> plan = plan_experiment(
      file.string(), {}, {}, 0, c.runner == Runner::kCompare ? &all_variants : nullptr);
  if (!plan) {
    fs::remove(file);
    return "load error: plan";
  }
  const std::optional<std::vector<Scenario>> points = load_points(*plan);
  fs::remove(file);
  if (!points) return "load error: points";
  std::vector<size_t> jobs(plan->job_count());
  for (size_t i = 0; i < jobs.size(); ++i) jobs[i] = i;
  std::string reports;
  for (reports::Report& run : run_jobs(*plan, *points, jobs, 1, nullptr)) {
    run.sim.wall_ms = 0;
    if (!c.labels) run.variant.clear();
    reports += reports::render_json(run);
  }
  return reports;
}

std::string run(const KeyCase& c, const Overrides& overrides) {
  return c.runner == Runner::kRun ? run_report(*c.base, overrides) : run_experiment(c, overrides);
}

// The set-up run of a case, shared by the keys with the same base and setup.
const std::string& base_run(const KeyCase& c) {
  static std::map<std::string, std::string> cache;
  std::string id =
      std::to_string(static_cast<int>(c.runner)) + std::to_string(c.labels) + "\n" + *c.base;
  for (const Override& o : c.setup) id += "\n" + o.key + "=" + o.value;
  auto it = cache.find(id);
  if (it == cache.end()) it = cache.emplace(id, run(c, c.setup)).first;
  return it->second;
}

// ---- the tests -------------------------------------------------------------------------------

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  return testing::key_test_name(info.param);
}

class DocumentedKey : public ::testing::TestWithParam<std::string> {};

TEST_P(DocumentedKey, ChangesTheReport) {
  const std::string& key = GetParam();
  auto it = key_cases().find(key);
  ASSERT_NE(it, key_cases().end())
      << key << " is documented in scenarios/README.md but has no case in "
      << "key_effect_test.cpp: add a scenario in which it acts";
  const KeyCase& c = it->second;
  const std::string& before = base_run(c);
  const std::string after = run(c, c.setup + c.change);
  ASSERT_EQ(before.rfind("load error", 0), std::string::npos)
      << key << ": the set-up scenario: " << before;
  ASSERT_EQ(after.rfind("load error", 0), std::string::npos)
      << key << ": the changed scenario: " << after;
  const auto inert = kKnownInert.find(key);
  if (inert != kKnownInert.end()) {
    EXPECT_TRUE(before == after) << key << " now changes the report: take it off kKnownInert ("
                                 << inert->second << ")";
    return;
  }
  EXPECT_TRUE(before != after)
      << key << " was changed to " << c.change.front().value
      << " and the report stayed byte for byte the same: the key is accepted and ignored";
}

INSTANTIATE_TEST_SUITE_P(KeyEffect, DocumentedKey, ::testing::ValuesIn(documented_keys()),
                         test_name);

TEST(KeyEffect, ReadmeHasKeyTables) {
  const std::vector<std::string> keys = documented_keys();
  EXPECT_GT(keys.size(), 100u) << "the README's key tables were not found";
  const std::set<std::string> unique(keys.begin(), keys.end());
  EXPECT_EQ(unique.size(), keys.size()) << "a key is documented twice";
  for (const char* key :
       {"system.compensation.polling.batch_size", "channels[].callback.drop_probability", "seed"}) {
    EXPECT_TRUE(unique.count(key)) << key;
  }
}

TEST(KeyEffect, EveryCaseIsADocumentedKey) {
  const std::vector<std::string> keys = documented_keys();
  const std::set<std::string> documented(keys.begin(), keys.end());
  for (const auto& [key, c] : key_cases()) {
    EXPECT_TRUE(documented.count(key))
        << key << " has a case but is not documented in scenarios/README.md";
  }
  for (const auto& [key, reason] : kKnownInert) {
    EXPECT_TRUE(key_cases().count(key)) << key << " is known inert but has no case";
  }
}

}  // namespace
}  // namespace harness
