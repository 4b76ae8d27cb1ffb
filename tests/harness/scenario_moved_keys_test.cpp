// Keys that moved from `system` to `environment` (harness/internal/moved_keys.h): a file in the
// old spelling loads to the same scenario as one in the new spelling, with a notice naming the
// key's file:line:column; overrides in either spelling apply, a later one winning; a key given
// in both spellings is an error.
#include <gtest/gtest.h>

#include <string>

#include "harness/scenario_loader.h"

namespace harness {
namespace {

using sim::Duration;

constexpr const char* kChannels = "channels: [{name: wallet}]\n";

LoadResult load(const std::string& body, const std::vector<Override>& overrides = {}) {
  return load_scenario_text(std::string(kChannels) + body, "s.yaml", overrides);
}

std::string errors_of(const LoadResult& result) {
  std::string out;
  for (const ScenarioError& error : result.errors) out += error.to_string() + "\n";
  return out;
}

TEST(MovedKeys, TheOldSpellingLoadsTheSameScenarioWithANoticePerKey) {
  const LoadResult old_spelling = load(
      "system:\n"                                                                          // 2
      "  payment_service: {step_latency: 7ms, crashes: [{at: 1m, restart_after: 10s}]}\n"  // 3
      "  order_service: {notify_latency: 30ms, notify_failure_probability: 0.2}\n"         // 4
      "  notify: {mq_latency: 40ms, mq_loss_probability: 0.1}\n"                           // 5
      "  dedup: {lock_stall_probability: 0.3, lock_stall: 20s}\n"                          // 6
      "  client: {push: {loss_probability: 0.4, latency: 1s}}\n");                         // 7
  const LoadResult new_spelling = load(
      "system:\n"
      "  client: {push: {}}\n"
      "environment:\n"
      "  payment_service: {step_latency: 7ms, crashes: [{at: 1m, restart_after: 10s}],\n"
      "                    lock_stall_probability: 0.3, lock_stall: 20s}\n"
      "  order_service: {notify_latency: 30ms, notify_failure_probability: 0.2}\n"
      "  mq: {latency: 40ms, loss_probability: 0.1}\n"
      "  push: {loss_probability: 0.4, latency: 1s}\n");
  ASSERT_TRUE(old_spelling.ok()) << errors_of(old_spelling);
  ASSERT_TRUE(new_spelling.ok()) << errors_of(new_spelling);
  EXPECT_TRUE(new_spelling.notices.empty());
  const sut::SystemConfig& a = old_spelling.scenario->system;
  const sut::SystemConfig& b = new_spelling.scenario->system;
  EXPECT_EQ(a.payment_service.step_latency, Duration::millis(7));
  EXPECT_EQ(a.payment_service.step_latency, b.payment_service.step_latency);
  ASSERT_EQ(a.payment_service.crashes.size(), 1u);
  EXPECT_EQ(a.payment_service.crashes[0].restart_after, b.payment_service.crashes[0].restart_after);
  EXPECT_EQ(a.order_service.notify_failure_probability, 0.2);
  EXPECT_EQ(a.order_service.notify_failure_probability, b.order_service.notify_failure_probability);
  EXPECT_EQ(a.notify.mq_loss_probability, b.notify.mq_loss_probability);
  EXPECT_EQ(a.dedup.lock_stall_probability, 0.3);
  EXPECT_EQ(a.dedup.lock_stall, b.dedup.lock_stall);
  EXPECT_EQ(a.client.push_loss_probability, 0.4);
  EXPECT_TRUE(a.client.push_enabled) << "the push map stays: push is still on";
  EXPECT_EQ(a.client.push_latency.mean(), b.client.push_latency.mean());
  ASSERT_EQ(old_spelling.notices.size(), 10u);  // every moved key but outages
  EXPECT_EQ(old_spelling.notices[0],
            "s.yaml:3:35: system.payment_service.step_latency is now environment.payment_service."
            "step_latency (the environment, not the design); the old spelling still works");
}

TEST(MovedKeys, BothSpellingsOfOneKeyAreAnError) {
  const LoadResult result = load(
      "system: {order_service: {notify_latency: 30ms}}\n"
      "environment: {order_service: {notify_latency: 40ms}}\n");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(errors_of(result),
            "s.yaml:2:42: system.order_service.notify_latency: given twice: also as "
            "environment.order_service.notify_latency (its new spelling); keep only "
            "environment.order_service.notify_latency\n");
}

TEST(MovedKeys, OverridesInEitherSpellingApplyAndTheLaterWins) {
  const std::string file = "environment: {mq: {loss_probability: 0.1}}\n";
  auto loss = [&](const std::vector<Override>& overrides) {
    const LoadResult result = load(file, overrides);
    EXPECT_TRUE(result.ok()) << errors_of(result);
    return result.ok() ? result.scenario->system.notify.mq_loss_probability : -1;
  };
  EXPECT_EQ(loss({{"system.notify.mq_loss_probability", "0.2"}}), 0.2);
  EXPECT_EQ(loss({{"system.notify", "{mq_loss_probability: 0.3}"}}), 0.3);
  EXPECT_EQ(loss({{"system.notify.mq_loss_probability", "0.2"},
                  {"environment.mq.loss_probability", "0.4"}}),
            0.4);
  EXPECT_EQ(loss({{"environment.mq.loss_probability", "0.4"},
                  {"system.notify.mq_loss_probability", "0.2"}}),
            0.2);
  // A path below a moved key finds the moved value.
  const LoadResult outage =
      load("environment: {order_service: {outages: [{start: 1m, duration: 1m}]}}\n",
           {{"system.order_service.outages.0.duration", "5m"}});
  ASSERT_TRUE(outage.ok()) << errors_of(outage);
  EXPECT_EQ(outage.scenario->system.order_service.outages[0].duration, Duration::minutes(5));
}

TEST(MovedKeys, AVariantInTheOldSpellingStillApplies) {
  const LoadResult result = load_scenario_text(
      std::string(kChannels) +
          "variants: [{name: slow, set: {system.order_service.notify_latency: 2s}}]\n",
      "s.yaml", {}, "slow");
  ASSERT_TRUE(result.ok()) << errors_of(result);
  EXPECT_EQ(result.scenario->system.order_service.notify_latency.mean(), Duration::seconds(2));
}

}  // namespace
}  // namespace harness
