// Issue 16 item 3: a crash between the database commit of a success and the publish of its notify
// (seed 001: reliable messages vs distributed transactions). With system.notify.publish_delay the
// notify leaves the process that long after the commit, as a timer of the process; a crash in the
// window loses it: the payment is SUCCESS, the order never hears of it (an internal drop), and
// only a later mechanism (the order service's own query, reconciliation) recovers it. An outbox
// written with the commit survives the crash and its relay publishes the message after restart.
//
// Ground truth: the SUCCESS commits the test observes itself (a tap on the system's events), each
// with its time, and the crash schedule: exactly the commits that fall in a window [crash -
// publish_delay, crash) must be dropped, and nothing else.
//
// Also the consumer acknowledging the "payment succeeded" message before the order update (seed
// 001: "订单服务要在完成订单状态更新后再确认完成消息消费"): during an order-service outage every
// sync notify and every consume fails; acknowledged first, the message is gone and the order
// stays unpaid; acknowledged after the update, it is redelivered once the outage is over.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/scenario_loader.h"
#include "harness/world.h"
#include "test_scenarios.h"

namespace harness {
namespace {

using sim::Duration;
using sim::Time;

constexpr Duration kPublishDelay = Duration::seconds(2);
constexpr int kCrashes = 8;

// A crash every minute from 1m, each down 20 s; 20 orders/s, every user pays 5 s after the code.
// Delay-message re-queries find the payments whose callback a crash cut short, so that the only
// drops left are the notifies lost in the window.
Scenario crashes_before_publish(Duration publish_delay) {
  Scenario s = testing::minimal_scenario(20, Duration::minutes(10));
  s.system.notify.publish_delay = publish_delay;
  for (int i = 1; i <= kCrashes; ++i) {
    s.system.payment_service.crashes.push_back(
        {Time() + Duration::minutes(i), Duration::seconds(20)});
  }
  s.system.compensation.strategy = sut::Strategy::kDelayMessage;
  s.system.compensation.delay_message.schedule = {Duration::seconds(10), Duration::seconds(30),
                                                  Duration::minutes(1), Duration::minutes(5)};
  return s;
}

// Every SUCCESS commit, with its time and whether it fell in a crash's window.
class Commits final : public sut::SystemObserver {
 public:
  Commits(const Scenario& s, Duration window) : crashes_(s.system.payment_service.crashes) {
    window_ = window;
  }
  void on_payment_state(const sut::PaymentRecord& record, sut::PaymentState, sut::Resolution,
                        Time now) override {
    if (record.state != sut::PaymentState::kSuccess) return;
    ++successes;
    for (const sut::CrashWindow& crash : crashes_) {
      if (now >= crash.at - window_ && now < crash.at) ++in_window;
    }
  }
  uint64_t successes = 0;
  uint64_t in_window = 0;

 private:
  std::vector<sut::CrashWindow> crashes_;
  Duration window_;
};

struct Outcome {
  reports::Report report;
  uint64_t successes = 0;
  uint64_t in_window = 0;
  uint64_t charges = 0;
};

Outcome run(const Scenario& s) {
  Commits commits(s, kPublishDelay);
  World world(s, nullptr, &commits);
  Outcome o{world.run()};
  o.successes = commits.successes;
  o.in_window = commits.in_window;
  o.charges = world.ledger().total_charges();
  const reports::Report& r = o.report;
  EXPECT_EQ(r.invariants.violations, 0u);
  // Every user who got a payment pays it once and every payment succeeds (an apply-pay that met
  // the process down shows an error, and that user leaves): one charge per charged order, none
  // refunded, and every charged order is PAID or dropped.
  EXPECT_EQ(o.charges, r.orders.charged);
  EXPECT_EQ(o.successes, r.orders.charged);
  EXPECT_EQ(r.orders.paid + r.dropped.final, r.orders.charged);
  ::testing::Test::RecordProperty("orders", std::to_string(r.orders.created));
  ::testing::Test::RecordProperty("commits_in_window", std::to_string(o.in_window));
  ::testing::Test::RecordProperty("dropped_final", std::to_string(r.dropped.final));
  return o;
}

TEST(CrashBeforePublish, EveryNotifyInTheWindowIsLostAndNothingElse) {
  const Outcome o = run(crashes_before_publish(kPublishDelay));
  ASSERT_GT(o.report.orders.charged, 8'000u);
  // 20 orders/s x 2 s x 8 crashes: about 320 commits in the windows.
  EXPECT_GT(o.in_window, 200u);
  EXPECT_EQ(o.report.dropped.final, o.in_window);
  // The records hold SUCCESS for every one of them: internal drops, none external.
  EXPECT_EQ(o.report.dropped.final_internal, o.in_window);
  EXPECT_EQ(o.report.dropped.final_external, 0u);
}

TEST(CrashBeforePublish, WithoutAWindowTheSameCrashesLoseNoNotify) {
  const Outcome o = run(crashes_before_publish(Duration::zero()));
  EXPECT_GT(o.in_window, 200u) << "commits happened just before the crashes";
  EXPECT_EQ(o.report.dropped.final, 0u);
}

TEST(CrashBeforePublish, TheOutboxRelayPublishesEveryLostMessageAfterTheRestart) {
  Scenario s = crashes_before_publish(kPublishDelay);
  s.system.notify.outbox = true;
  const Outcome o = run(s);
  EXPECT_GT(o.in_window, 200u);
  EXPECT_EQ(o.report.dropped.final, 0u);
  EXPECT_EQ(o.report.orders.paid, o.report.orders.charged);
  // A relayed message waits for the restart: the slowest order became PAID no sooner.
  EXPECT_GE(o.report.latency.charge_to_paid_us.max(),
            Duration::seconds(20).us() - kPublishDelay.us());
}

TEST(CrashBeforePublish, WithoutAsyncMqTheOutboxIsAnError) {
  const LoadResult result = load_scenario_text(
      "channels: [{name: wallet}]\nsystem:\n  notify: {async_mq: false, outbox: true}\n",
      "bad.yaml");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].to_string(),
            "bad.yaml:3:37: system.notify.outbox: an outbox holds the \"payment succeeded\" "
            "message: it needs async_mq: true");
}

TEST(CrashBeforePublish, DelaysOutOfRangeAreErrorsWithTheirPlace) {
  const LoadResult result = load_scenario_text(
      "channels: [{name: wallet}]\nsystem:\n  notify: {publish_delay: 2h, "
      "outbox_relay_interval: 0s}\n  order_service: {consumer_ack: never}\n",
      "bad.yaml");
  ASSERT_EQ(result.errors.size(), 3u);
  EXPECT_EQ(result.errors[0].to_string(),
            "bad.yaml:3:27: system.notify.publish_delay: must be at most 1h, got '2h'");
  EXPECT_EQ(result.errors[1].to_string(),
            "bad.yaml:3:54: system.notify.outbox_relay_interval: duration must be greater than 0, "
            "got '0s'");
  EXPECT_EQ(result.errors[2].to_string().substr(0, 58),
            "bad.yaml:4:33: system.order_service.consumer_ack: unknown ");
}

TEST(CrashBeforePublish, TheOrderServicesOwnQueryRecoversTheLostNotifies) {
  Scenario s = crashes_before_publish(kPublishDelay);
  s.system.order_query.enabled = true;
  s.system.order_query.at_ages = {Duration::minutes(2)};
  const Outcome o = run(s);
  EXPECT_GT(o.in_window, 200u);
  EXPECT_EQ(o.report.dropped.final, 0u);
  // Each lost notify is found by the order query (the records say SUCCESS, the notify is sent
  // again); the success itself was learned by the callback or a re-query.
  EXPECT_EQ(o.report.orders.paid, o.report.orders.charged);
  EXPECT_EQ(o.report.resolved_by.order_query, o.in_window);
}

// ---- the consumer's acknowledgement --------------------------------------------------------

constexpr Time kOutageStart = Time() + Duration::minutes(3);
constexpr Duration kOutage = Duration::minutes(2);

Scenario outage_with_ack(sut::OrderServiceConfig::ConsumerAck ack) {
  Scenario s = testing::minimal_scenario(20, Duration::minutes(10));
  s.system.order_service.outages.push_back({kOutageStart, kOutage});
  s.system.order_service.consumer_ack = ack;
  s.system.notify.async_mq = true;
  s.system.notify.mq_retry = sut::rocketmq_consumer_retries();
  return s;
}

// Commits whose every notify attempt (sync calls within 1 s, the first MQ delivery) lands in the
// outage: [start, end - 1 s) certainly, [start - 1 s, end) at most.
class OutageCommits final : public sut::SystemObserver {
 public:
  void on_payment_state(const sut::PaymentRecord& record, sut::PaymentState, sut::Resolution,
                        Time now) override {
    if (record.state != sut::PaymentState::kSuccess) return;
    const Duration slack = Duration::seconds(1);
    if (now >= kOutageStart && now < kOutageStart + kOutage - slack) ++surely;
    if (now >= kOutageStart - slack && now < kOutageStart + kOutage) ++at_most;
  }
  uint64_t surely = 0;
  uint64_t at_most = 0;
};

struct OutageOutcome {
  reports::Report report;
  OutageCommits commits;
  uint64_t charges = 0;
};

OutageOutcome run_outage(sut::OrderServiceConfig::ConsumerAck ack) {
  OutageOutcome o;
  World world(outage_with_ack(ack), nullptr, &o.commits);
  o.report = world.run();
  o.charges = world.ledger().total_charges();
  EXPECT_EQ(o.report.invariants.violations, 0u);
  // Every user pays once and every payment succeeds: one charge per order.
  EXPECT_EQ(o.charges, o.report.orders.created);
  // 20 orders/s over a 2-minute outage: about 2,400 successes.
  EXPECT_GT(o.commits.surely, 2'000u);
  ::testing::Test::RecordProperty("outage_commits", std::to_string(o.commits.surely));
  ::testing::Test::RecordProperty("dropped_final", std::to_string(o.report.dropped.final));
  return o;
}

TEST(ConsumerAck, AcknowledgedBeforeTheUpdateEveryMessageOfTheOutageIsLost) {
  const OutageOutcome o = run_outage(sut::OrderServiceConfig::ConsumerAck::kBeforeUpdate);
  const reports::Report& r = o.report;
  EXPECT_GE(r.dropped.final, o.commits.surely);
  EXPECT_LE(r.dropped.final, o.commits.at_most);
  EXPECT_EQ(r.dropped.final_internal, r.dropped.final);
}

TEST(ConsumerAck, AcknowledgedAfterTheUpdateEveryMessageIsRedelivered) {
  const OutageOutcome o = run_outage(sut::OrderServiceConfig::ConsumerAck::kAfterUpdate);
  const reports::Report& r = o.report;
  EXPECT_EQ(r.dropped.final, 0u);
  EXPECT_EQ(r.orders.paid, r.orders.created);
  // Redeliveries: each message of the outage came at least twice.
  EXPECT_GT(r.cost.mq_messages, r.orders.created + o.commits.surely);
}

}  // namespace
}  // namespace harness
