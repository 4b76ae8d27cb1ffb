// `paysim live` against serve-sut on loopback: the scenario's users, app and channels in this
// process (LiveRun), the model's own shop behind HTTP in another io thread (SutServer). The
// report is measured from outside — the app's view, the ledger, the service's final answers —
// and must agree with what the scenario says happens: every lost callback is a drop without
// compensation and none is with polling; the drop fraction agrees with the configured loss and
// with the simulator's own run of the same scenario within binomial bounds.
#include "live/live_run.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "harness/run.h"
#include "harness/scenario_loader.h"
#include "live/sut_server.h"
#include "tests/live/live_fixture.h"

namespace live::testing {
namespace {

constexpr double kTimeScale = 50;

// 3 minutes of traffic at 2 orders/s (about 360 orders) and 3 minutes of drain: 7 s of real time
// at K = 50. Orders left unpaid still wait for their expiry at the end, so the drain runs out.
// `callback_drop` replaces the channel's 30% callback loss.
harness::Scenario scenario(const std::string& strategy, const std::string& callback_drop = "0.3") {
  std::string users = kLossyWalletUsers;
  users.replace(users.find("drop_probability: 0.3"), 21, "drop_probability: " + callback_drop);
  const std::string text = R"(name: live-vs-sim
seed: 11
duration: 3m
drain: 3m
traffic: {arrival: poisson, rate: 2/s}
)" + users +
                           "system:\n  compensation: " + strategy + "\n";
  harness::LoadResult loaded = harness::load_scenario_text(text, "live-vs-sim.yaml");
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
  return *loaded.scenario;
}

// What a live run measured, and how far behind the clock the two processes ran.
struct LiveResult {
  reports::Report report;
  sim::Duration lateness_p99;  // the larger of live's and serve-sut's
  uint64_t pushes_heard = 0;   // by live's app
  ShopServerStats sut;         // serve-sut's counters at the end
  AppPushStats sut_push;
};

// Runs `live` against serve-sut, both on loopback.
LiveResult live_against_serve_sut(const harness::Scenario& s, AttackProfile attacks = {}) {
  const uint16_t channel_port = free_port();
  IoThread sut_thread;
  SutServerOptions sut_options;
  sut_options.scenario = s;
  sut_options.channels = {tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), channel_port)};
  sut_options.shop.secret = kSecret;
  sut_options.time_scale = kTimeScale;
  sut_options.listen = tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0);
  SutServer sut(sut_thread.io(), std::move(sut_options));
  EXPECT_EQ(sut.start(), "");
  sut_thread.start();

  boost::asio::io_context io;
  LiveOptions options;
  options.scenario = s;
  options.sut = sut.local_endpoint();
  options.sut_host = "127.0.0.1:" + std::to_string(sut.local_endpoint().port());
  options.channel_listen = tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), channel_port);
  options.secret = kSecret;
  options.time_scale = kTimeScale;
  options.attacks = attacks;
  LiveRun run(io, std::move(options));
  EXPECT_EQ(run.start(), "");
  LiveResult result;
  result.report = run.run();
  EXPECT_EQ(run.shop_stats().failed, 0u) << "a call to serve-sut failed on loopback";
  sut_thread.stop([&sut] { sut.stop(); });
  result.pushes_heard = run.pushes_heard();
  result.sut = sut.server().stats();
  result.sut_push = sut.server().push_stats();
  result.lateness_p99 = sim::Duration::micros(static_cast<int64_t>(
      std::max(run.lateness_us().quantile(0.99), sut.runtime().lateness_us().quantile(0.99))));
  return result;
}

// |a/n - p| within 5 standard errors of a binomial(n, p).
void expect_binomial(uint64_t hits, uint64_t n, double p, const char* what) {
  ASSERT_GT(n, 0u) << what;
  const double fraction = static_cast<double>(hits) / static_cast<double>(n);
  const double bound = 5 * std::sqrt(p * (1 - p) / static_cast<double>(n));
  EXPECT_NEAR(fraction, p, bound) << what << ": " << hits << " of " << n;
}

// The share of a latency histogram's values at most `x` µs, counting whole buckets (exact at a
// bucket bound; both samples share the bounds).
double cdf_at(const reports::LogHistogram& h, int64_t x) {
  uint64_t below = 0;
  for (const reports::HistogramBucket& bucket : h.nonempty_buckets()) {
    if (bucket.upper <= x) below += bucket.count;
  }
  return static_cast<double>(below) / static_cast<double>(h.count());
}

// A quantile with its distribution-free 95% interval: the values at ranks n q ± 1.96 sqrt(n q
// (1-q)).
std::string quantile_with_interval(const reports::LogHistogram& h, double q) {
  const double n = static_cast<double>(h.count());
  const double half = 1.96 * std::sqrt(q * (1 - q) / n);
  return fmt::format("{:.0f} ms [{:.0f}, {:.0f}]", h.quantile(q) / 1e3,
                     h.quantile(std::max(0.0, q - half)) / 1e3,
                     h.quantile(std::min(1.0, q + half)) / 1e3);
}

// The live and simulated latency samples come from one distribution up to `slack`: for every
// bucket bound x, each CDF at x + slack reaches the other's at x less the two-sample
// Kolmogorov-Smirnov bound at alpha = 0.001 (1.95 sqrt((n + m) / (n m))). A shift of the whole
// distribution by more than `slack`, or a share of it moved, breaks it. The slack is a second of
// channel time for the real hops (20 ms of real time at K = 50) plus twice how late the run's
// events ran on a loaded machine (a sanitizer, a parallel ctest), which delays every step alike.
void expect_same_latencies(const reports::LogHistogram& live, const reports::LogHistogram& sim,
                           sim::Duration lateness, const char* what) {
  const sim::Duration slack = sim::Duration::seconds(1) + lateness + lateness;
  ASSERT_GT(live.count(), 50u) << what;
  ASSERT_GT(sim.count(), 50u) << what;
  const double n = static_cast<double>(live.count());
  const double m = static_cast<double>(sim.count());
  const double epsilon = 1.95 * std::sqrt((n + m) / (n * m));
  std::printf("[%s] slack %.0f ms (events ran up to %.0f ms late, p99)\n", what,
              static_cast<double>(slack.us()) / 1e3, static_cast<double>(lateness.us()) / 1e3);
  for (const double q : {0.5, 0.9, 0.99}) {
    std::printf("[%s] p%g live %s, simulated %s\n", what, q * 100,
                quantile_with_interval(live, q).c_str(), quantile_with_interval(sim, q).c_str());
  }
  for (const reports::LogHistogram* h : {&live, &sim}) {
    for (const reports::HistogramBucket& bucket : h->nonempty_buckets()) {
      const int64_t x = bucket.upper;
      EXPECT_GE(cdf_at(live, x + slack.us()), cdf_at(sim, x) - epsilon)
          << what << ": live is slower than simulated at " << x / 1000 << " ms";
      EXPECT_GE(cdf_at(sim, x + slack.us()), cdf_at(live, x) - epsilon)
          << what << ": live is faster than simulated at " << x / 1000 << " ms";
    }
  }
}

TEST(LiveRun, WithoutCompensationEveryLostCallbackIsADropMeasuredFromOutside) {
  const harness::Scenario s = scenario("{strategy: none}");
  const LiveResult result = live_against_serve_sut(s);
  const reports::Report& live = result.report;
  EXPECT_GT(live.orders.created, 250u);
  EXPECT_GT(live.orders.charged, 200u);
  // One notification per payment, none re-sent: the lost ones are exactly the drops.
  EXPECT_EQ(live.dropped.final, live.dropped.callbacks_lost);
  EXPECT_EQ(live.orders.paid + live.dropped.final, live.orders.charged);
  EXPECT_EQ(live.orders.created, live.orders.paid + live.orders.abandoned + live.orders.failed +
                                     live.orders.refunded + live.dropped.final);
  EXPECT_EQ(live.invariants.violations, 0u);
  expect_binomial(live.dropped.final, live.orders.charged, 0.3, "live drops of charged orders");

  // The simulator on the same scenario: the same fraction within the noise of both samples.
  const harness::RunOutcome sim = harness::run_scenario(s);
  expect_binomial(sim.report.dropped.final, sim.report.orders.charged, 0.3, "simulated drops");
  const double live_fraction =
      static_cast<double>(live.dropped.final) / static_cast<double>(live.orders.charged);
  const double sim_fraction = static_cast<double>(sim.report.dropped.final) /
                              static_cast<double>(sim.report.orders.charged);
  const double se = std::sqrt(0.3 * 0.7 / static_cast<double>(live.orders.charged) +
                              0.3 * 0.7 / static_cast<double>(sim.report.orders.charged));
  EXPECT_NEAR(live_fraction, sim_fraction, 5 * se);
  // The app saw every payment the service learned of, and a latency for each.
  EXPECT_EQ(live.latency.charge_to_paid_us.count(), live.orders.paid);
}

TEST(LiveRun, PollingLeavesNoDropWhenCallbacksAreLostAndNoAttackIsAccepted) {
  AttackProfile attacks;
  attacks.probability.fill(0.2);
  const harness::Scenario s = scenario("{strategy: polling, polling: {interval: 10s}}");
  const LiveResult result = live_against_serve_sut(s, attacks);
  const reports::Report& live = result.report;
  EXPECT_GT(live.dropped.callbacks_lost, 30u);
  EXPECT_EQ(live.dropped.final, 0u);
  EXPECT_EQ(live.orders.paid, live.orders.charged);
  EXPECT_GT(live.cost.channel_queries, live.dropped.callbacks_lost);
  // serve-sut refuses every attack the channel sends beside the genuine callbacks.
  EXPECT_GT(live.security.attacks_sent, 50u);
  EXPECT_EQ(live.security.attacks_accepted, 0u);
  EXPECT_EQ(live.invariants.violations, 0u);

  // How each order was paid, as serve-sut answers it: every PAID order by the callback or by
  // polling, and polling's share as in the simulator's run of the same scenario.
  EXPECT_EQ(live.resolved_by.callback + live.resolved_by.polling, live.orders.paid);
  const harness::RunOutcome sim = harness::run_scenario(s);
  const auto share = [](const reports::Report& r) {
    return static_cast<double>(r.resolved_by.polling) / static_cast<double>(r.orders.paid);
  };
  const double p = share(sim.report);
  EXPECT_GT(p, 0.2);
  const double se = std::sqrt(p * (1 - p) / static_cast<double>(live.orders.paid) +
                              p * (1 - p) / static_cast<double>(sim.report.orders.paid));
  EXPECT_NEAR(share(live), p, 5 * se)
      << "resolved by polling: live " << live.resolved_by.polling << " of " << live.orders.paid
      << ", simulated " << sim.report.resolved_by.polling << " of " << sim.report.orders.paid;

  // Charge -> PAID at the service (serve-sut answers when it marked each order PAID): a callback
  // a few hundred ms after the charge for most, the next poll for the rest.
  EXPECT_EQ(live.latency.charge_to_paid_us.count(), live.orders.paid);
  expect_same_latencies(live.latency.charge_to_paid_us, sim.report.latency.charge_to_paid_us,
                        result.lateness_p99, "charge to PAID");
  expect_same_latencies(live.latency.pay_to_paid_us, sim.report.latency.pay_to_paid_us,
                        result.lateness_p99, "pay click to PAID");
}

// Reconciliation (对账) as the only safety net: every lost callback leaves its order unpaid until
// a statement run finds the charge. serve-sut downloads the channel's statement (CSV) over HTTP
// and reconciles exactly as the simulator does: no drop at the end, and reconciliation's share of
// the PAID orders as in `run`.
TEST(LiveRun, ReconciliationFromDownloadedStatementsLeavesNoDrop) {
  const harness::Scenario s = scenario(
      "{strategy: none, reconciliation: {every: 1m, lag: 10s}}\n  order_service: "
      "{order_timeout: 30m}");
  const LiveResult result = live_against_serve_sut(s);
  const reports::Report& live = result.report;
  EXPECT_GT(live.dropped.callbacks_lost, 30u);
  EXPECT_EQ(live.dropped.final, 0u);
  EXPECT_EQ(live.orders.paid, live.orders.charged);
  EXPECT_EQ(live.duplicates.unresolved, 0u);
  EXPECT_EQ(live.invariants.violations, 0u);
  EXPECT_EQ(live.resolved_by.callback + live.resolved_by.reconciliation, live.orders.paid);

  const harness::RunOutcome sim = harness::run_scenario(s);
  EXPECT_EQ(sim.report.dropped.final, 0u);
  const auto share = [](const reports::Report& r) {
    return static_cast<double>(r.resolved_by.reconciliation) / static_cast<double>(r.orders.paid);
  };
  const double p = share(sim.report);
  EXPECT_GT(p, 0.2);
  std::printf("[reconciliation] live: %llu of %llu PAID orders; simulated: %llu of %llu\n",
              static_cast<unsigned long long>(live.resolved_by.reconciliation),
              static_cast<unsigned long long>(live.orders.paid),
              static_cast<unsigned long long>(sim.report.resolved_by.reconciliation),
              static_cast<unsigned long long>(sim.report.orders.paid));
  const double se = std::sqrt(p * (1 - p) / static_cast<double>(live.orders.paid) +
                              p * (1 - p) / static_cast<double>(sim.report.orders.paid));
  EXPECT_NEAR(share(live), p, 5 * se)
      << "resolved by reconciliation: live " << live.resolved_by.reconciliation << " of "
      << live.orders.paid << ", simulated " << sim.report.resolved_by.reconciliation << " of "
      << sim.report.orders.paid;
  // A statement run finds a lost payment within every + lag of its charge, up to a minute later.
  expect_same_latencies(live.latency.charge_to_paid_us, sim.report.latency.charge_to_paid_us,
                        result.lateness_p99, "charge to PAID, reconciliation");
}

// Server push (seed 002: the server pushes the result to the app, which shows it without polling):
// the app names where it hears pushes in every order (push_url), serve-sut's order service pushes
// each PAID order through the model's own push link (20% lost, 200 ms) and then over HTTP. The app
// polls only 3 s after the user comes back, and compensation finds the 60% of callbacks lost only
// at its next poll of the channel a minute apart, so most of those orders become PAID after the
// app gave up: what the user sees then is the push.
TEST(LiveRun, ServerPushReachesTheAppAsInTheSimulator) {
  harness::Scenario s = scenario(
      "{strategy: polling, polling: {interval: 1m}}\n  client: {poll_interval: 1s, "
      "poll_timeout: 3s, push: {enabled: true}}\nenvironment:\n  push: {loss_probability: "
      "0.2, latency: {dist: fixed, value: 200ms}}",
      "0.6");
  const LiveResult result = live_against_serve_sut(s);
  const reports::Report& live = result.report;
  EXPECT_EQ(live.dropped.final, 0u);
  EXPECT_EQ(live.invariants.violations, 0u);
  // Every PAID order was pushed once by the order service; the link lost a fifth of them; every
  // other one was addressed (the app named push_url), sent, answered and heard.
  EXPECT_EQ(result.sut.pushes_unaddressed, 0u);
  EXPECT_EQ(result.sut_push.sent, result.sut.pushes);
  EXPECT_EQ(result.sut_push.delivered, result.sut_push.sent);
  EXPECT_EQ(result.sut_push.failed, 0u);
  EXPECT_EQ(result.pushes_heard, result.sut_push.delivered);
  expect_binomial(result.pushes_heard, live.orders.paid, 0.8, "pushes heard of PAID orders");

  // The simulator on the same scenario. The app polls for 3 s after the user is back, so PAID
  // shown more than 5 s after that is the push's doing: the share of charged orders the push
  // showed PAID, and the user-visible drops (the app showed "unpaid" to a charged user), agree
  // with `run`; an app that ignored its pushes would show none of the first.
  const harness::RunOutcome sim = harness::run_scenario(s);
  const auto shown_by_push = [](const reports::Report& r) {
    const reports::LogHistogram& h = r.latency.client_visible_us;
    const double late = static_cast<double>(h.count()) * (1 - cdf_at(h, 5'000'000));
    return late / static_cast<double>(r.orders.charged);
  };
  const auto visible = [](const reports::Report& r) {
    return static_cast<double>(r.dropped.user_visible) / static_cast<double>(r.orders.charged);
  };
  for (const auto& [what, share] : {std::pair{"PAID shown by a push after polling", +shown_by_push},
                                    std::pair{"user-visible drops", +visible}}) {
    const double p = share(sim.report);
    std::printf("[push] %s: live %.3f, simulated %.3f of charged orders (%llu, %llu)\n", what,
                share(live), p, static_cast<unsigned long long>(live.orders.charged),
                static_cast<unsigned long long>(sim.report.orders.charged));
    EXPECT_GT(p, 0.2) << what;
    const double se = std::sqrt(p * (1 - p) / static_cast<double>(live.orders.charged) +
                                p * (1 - p) / static_cast<double>(sim.report.orders.charged));
    EXPECT_NEAR(share(live), p, 5 * se) << what;
  }
  expect_same_latencies(live.latency.client_visible_us, sim.report.latency.client_visible_us,
                        result.lateness_p99, "back in the app to PAID shown, with push");
}

}  // namespace
}  // namespace live::testing
