// Scheduled polling (issue 12): a tick reads in pages of batch_size, one DB round trip each; both
// sources count queries per payment and follow the age schedule; the lookback is a time window
// on either source; and a payment given up lets its order retire.
#include <gtest/gtest.h>

#include <functional>

#include "harness/run.h"
#include "test_scenarios.h"

namespace harness {
namespace {

using sim::Distribution;
using sim::Duration;
using testing::minimal_scenario;
using Source = sut::PollingConfig::Source;

// 599 orders, one every 100 ms for a minute, each paid 5 s after its QR code, every callback
// lost: only polling finds them. The first tick, at 10 minutes, finds all 599 payments pending,
// and with 1000 workers no query ever waits for a worker.
Scenario every_callback_lost(Source source, int batch_size) {
  Scenario s = minimal_scenario(10, Duration::minutes(1));
  s.traffic.arrival = workload::TrafficConfig::Arrival::kUniform;
  s.channels[0].callback.drop_probability = 1.0;
  s.system.compensation.strategy = sut::Strategy::kPolling;
  s.system.compensation.polling.interval = Duration::minutes(10);
  s.system.compensation.polling.source = source;
  s.system.compensation.polling.workers = 1000;
  s.system.compensation.polling.batch_size = batch_size;
  return s;
}

TEST(Polling, EachPageIsOneStepAndItsRowsAreQueriedAsItArrives) {
  // Order j (0..598) is charged at j * 100 ms + c and read in page j / B; the workers take a
  // page's rows at once, so the pages are read back to back and page j / B arrives at
  // 600 s + (j / B + 1) * 5 ms. Its query and notify then take a fixed time q, so
  // charge->paid = 600 s + (j / B + 1) * 5 ms + q - j * 100 ms - c: the largest is order 0's, the
  // smallest order 598's, and max - min = 59.8 s - (598 / B) * 5 ms. With a full scan every row
  // of the window is a candidate here, so its pages are the same.
  for (Source source : {Source::kPendingTable, Source::kFullScan}) {
    for (int batch_size : {1, 7, 500, 599, 1000}) {
      SCOPED_TRACE(::testing::Message() << "full scan " << (source == Source::kFullScan)
                                        << " batch_size " << batch_size);
      const reports::Report r = run_scenario(every_callback_lost(source, batch_size)).report;
      ASSERT_EQ(r.orders.created, 599u);
      EXPECT_EQ(r.resolved_by.polling, 599u);
      EXPECT_EQ(r.dropped.final, 0u);
      EXPECT_EQ(r.cost.channel_queries, 599u);
      // Every row is read once, whatever the page size.
      EXPECT_EQ(r.cost.db_rows_scanned, 599u);
      const int64_t spread_us =
          r.latency.charge_to_paid_us.max() - r.latency.charge_to_paid_us.min();
      EXPECT_EQ(spread_us,
                Duration::millis(59'800).us() - (598 / batch_size) * Duration::millis(5).us());
    }
  }
}

TEST(Polling, APageIsReadOnceTheWorkersHaveTakenTheLastOne) {
  // One worker, pages of 10, page reads of 1 s and queries of 100 ms. The next page is asked
  // for when the worker takes the page's last row, so pages arrive every 1 s + 9 * 100 ms and
  // order j's query leaves at 600 s + 1 s + (j / 10) * 1.9 s + (j % 10) * 100 ms: charge->paid
  // grows by 0.9 s a page, 59 * 0.9 s from the first order to the last. (Reading a page only
  // after its queries returned would make it 59 * 1 s; reading ahead without waiting, 0.)
  Scenario s = every_callback_lost(Source::kPendingTable, 10);
  s.system.compensation.polling.workers = 1;
  s.system.payment_service.step_latency = Duration::seconds(1);
  const reports::Report pages_of_10 = run_scenario(s).report;
  EXPECT_EQ(pages_of_10.resolved_by.polling, 599u);
  EXPECT_EQ(
      pages_of_10.latency.charge_to_paid_us.max() - pages_of_10.latency.charge_to_paid_us.min(),
      Duration::millis(59 * 900).us());
  s.system.compensation.polling.batch_size = 599;
  const reports::Report one_page = run_scenario(s).report;
  EXPECT_EQ(one_page.resolved_by.polling, 599u);
  EXPECT_EQ(one_page.latency.charge_to_paid_us.max(), one_page.latency.charge_to_paid_us.min());
}

// Every callback lost, and users pay two minutes after the QR code: a payment is pending for two
// minutes, and polling every 10 s queries it about 12 times before it succeeds.
Scenario slow_payers(Source source) {
  Scenario s = minimal_scenario(5, Duration::minutes(1));
  s.user.pay_delay = Distribution::fixed(Duration::minutes(2));
  s.channels[0].callback.drop_probability = 1.0;
  s.system.order_service.order_timeout = Duration::zero();  // nothing else keeps the order
  s.system.compensation.strategy = sut::Strategy::kPolling;
  s.system.compensation.polling.interval = Duration::seconds(10);
  s.system.compensation.polling.source = source;
  s.system.compensation.polling.workers = 1000;
  s.system.compensation.polling.max_attempts = 1000;
  return s;
}

TEST(Polling, BothSourcesResolveSlowPayersWithoutLimits) {
  for (Source source : {Source::kPendingTable, Source::kFullScan}) {
    const reports::Report r = run_scenario(slow_payers(source)).report;
    EXPECT_GT(r.orders.charged, 200u);
    EXPECT_EQ(r.dropped.final, 0u);
    EXPECT_EQ(r.resolved_by.polling, r.orders.paid);
  }
}

// With `limit` applied, every payment of slow_payers() is queried `queries` times while its user
// is still in the wallet and then given up, in either source: the charge two minutes later is
// never learned of. Given up, the payment no longer keeps its order in flight: the run ends soon
// after the last user has paid (about 3 minutes in), not a lookback (30 minutes) later.
void expect_given_up_after(const std::function<void(sut::PollingConfig&)>& limit,
                           uint64_t queries) {
  for (Source source : {Source::kPendingTable, Source::kFullScan}) {
    SCOPED_TRACE(source == Source::kFullScan ? "full scan" : "pending table");
    Scenario s = slow_payers(source);
    limit(s.system.compensation.polling);
    const reports::Report r = run_scenario(s).report;
    EXPECT_GT(r.orders.charged, 200u);
    EXPECT_EQ(r.dropped.final, r.orders.charged);
    EXPECT_EQ(r.cost.channel_queries, queries * r.orders.created);
    EXPECT_LT(r.sim.simulated_us, Duration::minutes(10).us());
  }
}

TEST(Polling, MaxAttemptsCountsQueriesPerPaymentInBothSources) {
  expect_given_up_after([](sut::PollingConfig& polling) { polling.max_attempts = 3; }, 3);
}

TEST(Polling, AgeScheduleQueriesAtItsPointsInBothSources) {
  // Ticks every 10 s: queried once the age passes 10 s, 20 s and 30 s, then given up.
  expect_given_up_after(
      [](sut::PollingConfig& polling) {
        polling.age_schedule = {Duration::seconds(10), Duration::seconds(20),
                                Duration::seconds(30)};
      },
      3);
}

TEST(Polling, LookbackIsAWindowOnEitherSource) {
  // Rows older than a minute are no longer read and are given up: each payment is read by the
  // six ticks of its first minute. (Without a lookback a pending table has no window and a full
  // scan's is 30m: BothSourcesResolveSlowPayersWithoutLimits.)
  expect_given_up_after(
      [](sut::PollingConfig& polling) { polling.lookback = Duration::minutes(1); }, 6);
}

TEST(Polling, LookbackDefaultDependsOnTheSource) {
  sut::PollingConfig pending;
  EXPECT_FALSE(pending.window().has_value());
  sut::PollingConfig full_scan;
  full_scan.source = Source::kFullScan;
  EXPECT_EQ(full_scan.window(), Duration::minutes(30));
  pending.lookback = Duration::minutes(5);
  full_scan.lookback = Duration::minutes(5);
  EXPECT_EQ(pending.window(), Duration::minutes(5));
  EXPECT_EQ(full_scan.window(), Duration::minutes(5));
}

}  // namespace
}  // namespace harness
