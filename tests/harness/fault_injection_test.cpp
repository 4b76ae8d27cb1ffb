// Fail every step once (STYLE.md "Tests"; Boost.Beast test::fail_count): a scenario runs once to
// count the calls at a fault point, then once per n with exactly the n-th call failed. Every
// strategy that claims to recover from that failure must end with nothing dropped, no unresolved
// duplicate and no invariant broken. Each group has a control without the recovering mechanism,
// where the same single failure must show as a drop: so the sweep can fail, and does when the
// mechanism is missing.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "harness/world.h"
#include "sim/fault_plan.h"
#include "test_scenarios.h"

namespace harness {
namespace {

using channels::MockChannel;
using sim::Duration;
using sim::FaultPlan;
using sut::MessageQueue;
using sut::OrderService;

// A few dozen orders: every call of a point is failed once, so the runs stay small.
constexpr uint64_t kMaxSweep = 80;  // at most this many n per point (the first calls)

Scenario small_scenario() {
  Scenario s = testing::minimal_scenario(2, Duration::seconds(15));
  s.traffic.arrival = workload::TrafficConfig::Arrival::kUniform;
  return s;
}

struct RunResult {
  reports::Report report;
  uint64_t calls = 0;   // calls counted at the swept point
  uint64_t failed = 0;  // of which failed by the plan
};

RunResult run_with(const Scenario& s, uint64_t point, uint64_t fail_n,
                   const std::function<void(FaultPlan&)>& extra_faults) {
  FaultPlan plan;
  if (extra_faults) extra_faults(plan);
  if (fail_n > 0) plan.fail_nth(point, fail_n);
  World world(s);
  world.set_fault_plan(&plan);
  RunResult result{world.run(), 0, 0};
  result.calls = plan.calls(point);
  result.failed = plan.failed(point);
  return result;
}

enum class Expect { kRecovers, kDropsOne };

// Runs `s` once without the swept failure to count the calls at `point`, then once for each n
// failing exactly the n-th. Returns how many n were run.
uint64_t fail_every_step_once(const Scenario& s, uint64_t point, Expect expect,
                              const std::function<void(FaultPlan&)>& extra_faults = {}) {
  const RunResult baseline = run_with(s, point, 0, extra_faults);
  EXPECT_EQ(baseline.report.invariants.violations, 0u);
  EXPECT_EQ(baseline.report.dropped.final, 0u) << "the scenario must be clean before faults";
  EXPECT_GT(baseline.calls, 0u) << "the swept point is never called: the test would be vacuous";
  const uint64_t n_max = std::min(baseline.calls, kMaxSweep);
  for (uint64_t n = 1; n <= n_max; ++n) {
    SCOPED_TRACE("failing call " + std::to_string(n) + " of " + std::to_string(baseline.calls));
    const RunResult r = run_with(s, point, n, extra_faults);
    EXPECT_EQ(r.failed, 1u) << "the n-th call did not happen in the faulty run";
    const reports::Report& report = r.report;
    EXPECT_EQ(report.invariants.violations, 0u)
        << (report.invariants.details.empty() ? "" : report.invariants.details.front().message);
    EXPECT_EQ(report.duplicates.unresolved, 0u);
    if (expect == Expect::kRecovers) {
      EXPECT_EQ(report.dropped.final, 0u);
      EXPECT_EQ(report.orders.paid, report.orders.charged);
    } else {
      EXPECT_EQ(report.dropped.final, 1u)
          << "control: the single failure should be a permanent drop";
    }
    if (::testing::Test::HasFailure()) return n;  // the first failing n is the one to debug
  }
  return n_max;
}

// ---- channel queries: callbacks all lost, so queries are the only way to learn ---------------

Scenario queries_only(sut::Strategy strategy) {
  Scenario s = small_scenario();
  s.channels[0].callback.drop_probability = 1.0;
  s.system.compensation.strategy = strategy;
  s.system.compensation.polling.interval = Duration::seconds(10);
  s.system.compensation.delay_message.schedule = {Duration::seconds(10), Duration::seconds(20),
                                                  Duration::seconds(30), Duration::seconds(60)};
  return s;
}

TEST(FaultInjection, EveryQueryFailedOnceByPollingRecovers) {
  EXPECT_GT(fail_every_step_once(queries_only(sut::Strategy::kPolling), MockChannel::kFaultQuery,
                                 Expect::kRecovers),
            10u);
}

TEST(FaultInjection, EveryQueryFailedOnceByDelayMessageRecovers) {
  EXPECT_GT(fail_every_step_once(queries_only(sut::Strategy::kDelayMessage),
                                 MockChannel::kFaultQuery, Expect::kRecovers),
            10u);
}

TEST(FaultInjection, EveryQueryFailedOnceByHybridRecovers) {
  EXPECT_GT(fail_every_step_once(queries_only(sut::Strategy::kHybrid), MockChannel::kFaultQuery,
                                 Expect::kRecovers),
            10u);
}

TEST(FaultInjection, ControlQueryFailedOnceWithASingleDelayQueryDrops) {
  // One query per payment and nothing after it: the failed query is the order's only chance.
  Scenario s = queries_only(sut::Strategy::kDelayMessage);
  s.system.compensation.delay_message.schedule = {Duration::seconds(10)};
  fail_every_step_once(s, MockChannel::kFaultQuery, Expect::kDropsOne);
}

TEST(FaultInjection, EveryDelayMessageDeliveryFailedOnceIsRedelivered) {
  fail_every_step_once(queries_only(sut::Strategy::kDelayMessage),
                       MessageQueue::kFaultDeliverDelayQuery, Expect::kRecovers);
}

// ---- callbacks: the n-th callback attempt lost ------------------------------------------------

Scenario callbacks_once(sut::Strategy strategy) {
  Scenario s = queries_only(strategy);
  s.channels[0].callback.drop_probability = 0.0;
  s.channels[0].callback.retries = {};  // one attempt: a lost callback is lost for good
  return s;
}

TEST(FaultInjection, EveryCallbackLostOnceIsFoundByCompensation) {
  for (sut::Strategy strategy :
       {sut::Strategy::kPolling, sut::Strategy::kDelayMessage, sut::Strategy::kHybrid}) {
    SCOPED_TRACE("strategy " + std::to_string(static_cast<int>(strategy)));
    fail_every_step_once(callbacks_once(strategy), MockChannel::kFaultCallback, Expect::kRecovers);
  }
}

TEST(FaultInjection, EveryCallbackLostOnceIsResentByTheChannel) {
  Scenario s = callbacks_once(sut::Strategy::kNone);
  s.channels[0].callback.retries = {Duration::seconds(30)};
  fail_every_step_once(s, MockChannel::kFaultCallback, Expect::kRecovers);
}

TEST(FaultInjection, ControlCallbackLostOnceWithoutCompensationDrops) {
  fail_every_step_once(callbacks_once(sut::Strategy::kNone), MockChannel::kFaultCallback,
                       Expect::kDropsOne);
}

// ---- create reply lost on a sync channel: charged, but the service only knows "timeout" ------

Scenario sync_channel(sut::Strategy strategy) {
  Scenario s = queries_only(strategy);
  s.channels[0].mode = channels::ChannelMode::kSync;
  s.channels[0].callback.drop_probability = 0.0;
  return s;
}

TEST(FaultInjection, EverySyncCreateReplyLostOnceIsFoundByCompensation) {
  for (sut::Strategy strategy :
       {sut::Strategy::kPolling, sut::Strategy::kDelayMessage, sut::Strategy::kHybrid}) {
    SCOPED_TRACE("strategy " + std::to_string(static_cast<int>(strategy)));
    fail_every_step_once(sync_channel(strategy), MockChannel::kFaultCreateReply, Expect::kRecovers);
  }
}

TEST(FaultInjection, ControlSyncCreateReplyLostWithoutCompensationDrops) {
  fail_every_step_once(sync_channel(sut::Strategy::kNone), MockChannel::kFaultCreateReply,
                       Expect::kDropsOne);
}

// Issue 16 item 2: seed 000 writes the 掉单表 row only when the channel answers "processing".
// Sweeps `point` for every re-querying strategy with the rows written that way.
void sweep_with_rows_written_on_accepted(Scenario (*scenario)(sut::Strategy), uint64_t point,
                                         Expect expect) {
  for (sut::Strategy strategy :
       {sut::Strategy::kPolling, sut::Strategy::kDelayMessage, sut::Strategy::kHybrid}) {
    SCOPED_TRACE("strategy " + std::to_string(static_cast<int>(strategy)));
    Scenario s = scenario(strategy);
    s.system.compensation.pending_row = sut::CompensationConfig::PendingRow::kOnAccepted;
    fail_every_step_once(s, point, expect);
  }
}

// A sync charge whose answer is lost never enters the table, and nothing re-queries it.
TEST(FaultInjection, ControlSyncCreateReplyLostWithRowsWrittenOnAcceptedDrops) {
  sweep_with_rows_written_on_accepted(sync_channel, MockChannel::kFaultCreateReply,
                                      Expect::kDropsOne);
}

// An async payment is accepted before the user can pay: its row is there in time.
TEST(FaultInjection, EveryCallbackLostOnceIsFoundWithRowsWrittenOnAccepted) {
  sweep_with_rows_written_on_accepted(callbacks_once, MockChannel::kFaultCallback,
                                      Expect::kRecovers);
}

TEST(FaultInjection, EveryAsyncCreateReplyLostOnceLeavesNothingCharged) {
  // The trade exists but the user never saw a QR code: nobody pays, nothing may be dropped.
  fail_every_step_once(callbacks_once(sut::Strategy::kHybrid), MockChannel::kFaultCreateReply,
                       Expect::kRecovers);
}

// ---- notify: payment service -> order service ------------------------------------------------

Scenario notify_strategy(int sync_retries, bool async_mq) {
  Scenario s = small_scenario();
  s.system.notify.sync_retries = sync_retries;
  s.system.notify.async_mq = async_mq;
  return s;
}

TEST(FaultInjection, EveryNotifyFailedOnceIsRetriedSynchronously) {
  fail_every_step_once(notify_strategy(3, false), links::ShopLinks::kFaultNotify,
                       Expect::kRecovers);
}

TEST(FaultInjection, EveryNotifyFailedOnceIsDeliveredByTheMq) {
  fail_every_step_once(notify_strategy(0, true), links::ShopLinks::kFaultNotify, Expect::kRecovers);
}

TEST(FaultInjection, EveryNotifyFailedOnceWithSyncAndAsyncRecovers) {
  fail_every_step_once(notify_strategy(3, true), links::ShopLinks::kFaultNotify, Expect::kRecovers);
}

TEST(FaultInjection, ControlNotifyFailedOnceWithoutRetryOrMqDrops) {
  fail_every_step_once(notify_strategy(0, false), links::ShopLinks::kFaultNotify,
                       Expect::kDropsOne);
}

// ---- MQ consumption: every sync notify fails, so the MQ message is the only path -------------

TEST(FaultInjection, EveryMqConsumptionFailedOnceIsRedelivered) {
  fail_every_step_once(notify_strategy(3, true), MessageQueue::kFaultDeliverPaymentSucceeded,
                       Expect::kRecovers,
                       [](FaultPlan& plan) { plan.fail_all(links::ShopLinks::kFaultNotify); });
}

TEST(FaultInjection, ControlMqConsumptionFailedWithoutConsumerRetriesDrops) {
  Scenario s = notify_strategy(3, true);
  s.system.notify.mq_retry = {};  // a failed consumption goes straight to the dead-letter queue
  fail_every_step_once(s, MessageQueue::kFaultDeliverPaymentSucceeded, Expect::kDropsOne,
                       [](FaultPlan& plan) { plan.fail_all(links::ShopLinks::kFaultNotify); });
}

}  // namespace
}  // namespace harness
