// Issue 16 item 8: the channel's own clock. WeChat Pay revokes a quick-pay order still unpaid
// after 45 s (DOMAIN.md) and a prepay is valid for 2 h, whatever the shop's order timeout: a user
// who pays later is refused by the wallet. And the merchant's query schedule may run out before
// the channel's deadline does; what it does then decides whether a payment made in between is
// a drop, a refund, a paid order, or refused by the wallet.
//
// Ground truth: the channels' own counts (charges per channel, wallet payments refused because
// the trade was closed) and the ledger. Three channels split the users: on `quick` every user
// pays 10 s after the code is shown, on `late` 38 s after (after the merchant's last query at
// 30 s, before the channel revokes at 45 s), on `too_late` 60 s after (after the revoke).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "harness/world.h"
#include "test_scenarios.h"

namespace harness {
namespace {

using sim::Distribution;
using sim::Duration;
using sut::CompensationConfig;
using OnExhausted = CompensationConfig::OnExhausted;
using SuccessAfterFailed = CompensationConfig::SuccessAfterFailed;

constexpr Duration kRevokeAfter = Duration::seconds(45);

Scenario three_payers(OnExhausted on_exhausted, SuccessAfterFailed after_failed) {
  Scenario s = testing::minimal_scenario(20, Duration::minutes(10));
  const channels::ChannelConfig base = s.channels[0];
  s.channels.clear();
  const struct {
    const char* name;
    int64_t pays_after_s;
  } kPayers[] = {{"quick", 10}, {"late", 38}, {"too_late", 60}};
  for (const auto& payer : kPayers) {
    channels::ChannelConfig c = base;
    c.name = payer.name;
    c.share = 1.0 / 3.0;
    c.has_pay_delay = true;
    c.pay_delay = Distribution::fixed(Duration::seconds(payer.pays_after_s));
    c.trade_expiry = kRevokeAfter;
    s.channels.push_back(c);
  }
  s.channels[2].share = 1.0 - 2.0 / 3.0;
  // The merchant queries every 5 s for 30 s (WeChat Pay's advice is every 3-5 s).
  s.system.compensation.strategy = sut::Strategy::kDelayMessage;
  s.system.compensation.delay_message.schedule.assign(6, Duration::seconds(5));
  s.system.compensation.on_exhausted = on_exhausted;
  s.system.compensation.success_after_failed = after_failed;
  return s;
}

struct Outcome {
  reports::Report report;
  uint64_t charges[3] = {};
  uint64_t refused[3] = {};  // wallet payments refused: the trade had expired or been closed
  uint64_t refunds = 0;
};

Outcome run(const Scenario& s) {
  World world(s);
  Outcome o{world.run()};
  for (uint32_t i = 0; i < 3; ++i) {
    o.charges[i] = world.channel(i).stats().charges;
    o.refused[i] = world.channel(i).stats().pays_refused_closed;
  }
  o.refunds = world.ledger().total_refunds();
  const reports::Report& r = o.report;
  EXPECT_EQ(r.invariants.violations, 0u);
  // Every user pays once: each order is charged once, or refused by its wallet.
  EXPECT_EQ(o.charges[0] + o.charges[1] + o.charges[2] + o.refused[0] + o.refused[1] + o.refused[2],
            r.orders.created);
  // The too-late payers find the trade revoked, whatever the merchant did: nobody is charged.
  EXPECT_EQ(o.charges[2], 0u);
  EXPECT_GT(o.refused[2], 3'000u);
  // The quick payers are never refused, and all of them end PAID.
  EXPECT_EQ(o.refused[0], 0u);
  EXPECT_GT(o.charges[0], 3'000u);
  // The report's count of lost sales is the wallets' refusals, order by order.
  EXPECT_EQ(r.orders.pay_refused, o.refused[0] + o.refused[1] + o.refused[2]);
  EXPECT_LE(r.orders.pay_refused, r.orders.failed);
  ::testing::Test::RecordProperty("orders", std::to_string(r.orders.created));
  ::testing::Test::RecordProperty("late_charges", std::to_string(o.charges[1]));
  ::testing::Test::RecordProperty("pay_refused", std::to_string(r.orders.pay_refused));
  ::testing::Test::RecordProperty("dropped_final", std::to_string(r.dropped.final));
  ::testing::Test::RecordProperty("refunds", std::to_string(o.refunds));
  return o;
}

TEST(QuickPay, LeftPendingTheCallbackPaysTheLatePayersAndTheRevokeRefusesTheRest) {
  const Outcome o = run(three_payers(OnExhausted::kGiveUp, SuccessAfterFailed::kRefund));
  EXPECT_EQ(o.refused[1], 0u);
  EXPECT_EQ(o.report.orders.paid, o.charges[0] + o.charges[1]);
  EXPECT_EQ(o.report.orders.pay_refused, o.refused[2]);
  EXPECT_EQ(o.report.dropped.final, 0u);
  EXPECT_EQ(o.refunds, 0u);
}

TEST(QuickPay, MarkedFailedBeforeTheRevokeAndTheSuccessIgnoredEveryLateChargeIsADrop) {
  const Outcome o = run(three_payers(OnExhausted::kMarkFailed, SuccessAfterFailed::kIgnore));
  EXPECT_GT(o.charges[1], 3'000u);
  EXPECT_EQ(o.report.dropped.final, o.charges[1]);
  EXPECT_EQ(o.report.dropped.final_external, o.charges[1]);
  EXPECT_EQ(o.report.orders.paid, o.charges[0]);
  EXPECT_EQ(o.refunds, 0u);
}

TEST(QuickPay, MarkedFailedTheClosedLoopRefundsEveryLateCharge) {
  const Outcome o = run(three_payers(OnExhausted::kMarkFailed, SuccessAfterFailed::kRefund));
  EXPECT_EQ(o.report.dropped.final, 0u);
  EXPECT_EQ(o.refunds, o.charges[1]);
  EXPECT_EQ(o.report.orders.refunded, o.charges[1]);
  EXPECT_EQ(o.report.orders.paid, o.charges[0]);
}

TEST(QuickPay, ClosedWhenTheQueriesRunOutNobodyIsChargedAfterTheDecision) {
  // WeChat Pay's advice: query for 30 s, then reverse. The close lands before any late payer
  // opens the wallet, so the wallet refuses them: no charge, no refund, no drop.
  const Outcome o = run(three_payers(OnExhausted::kClose, SuccessAfterFailed::kIgnore));
  EXPECT_EQ(o.charges[1], 0u);
  EXPECT_GT(o.refused[1], 3'000u);
  EXPECT_EQ(o.report.orders.pay_refused, o.refused[1] + o.refused[2]);
  EXPECT_EQ(o.report.dropped.final, 0u);
  EXPECT_EQ(o.refunds, 0u);
  EXPECT_EQ(o.report.orders.paid, o.charges[0]);
}

TEST(QuickPay, AClosePaidAfterAllSettlesTheOrderAsPaid) {
  // The late payers pay while the close is on its way: the close finds the trade paid and the
  // order is settled by it (resolved_by.close), not refused. The last query lands 30.64 s after
  // the wallet opens (six 5 s gaps, each plus the 100 ms query and 20 ms of message delivery and
  // service steps; `paysim trace` shows it) and the close takes 300 ms: they pay at 30.8 s.
  Scenario s = three_payers(OnExhausted::kClose, SuccessAfterFailed::kIgnore);
  s.channels[1].pay_delay = Distribution::fixed(Duration::millis(30'800));
  for (channels::ChannelConfig& c : s.channels) {
    c.callback.delay = Distribution::fixed(Duration::seconds(20));
    c.cancel.latency = Duration::millis(300);
  }
  const Outcome o = run(s);
  EXPECT_GT(o.charges[1], 3'000u);
  EXPECT_EQ(o.report.resolved_by.close, o.charges[1]);
  EXPECT_EQ(o.report.orders.paid, o.charges[0] + o.charges[1]);
  EXPECT_EQ(o.report.dropped.final, 0u);
}

TEST(QuickPay, ACloseTheChannelRefusesLeavesThePaymentPendingAsGivingUpDoes) {
  // WeChat Pay's close-order call refuses an order younger than 5 minutes: the payment stays
  // PAYING and the late payers are charged and paid by their callback.
  Scenario s = three_payers(OnExhausted::kClose, SuccessAfterFailed::kIgnore);
  for (channels::ChannelConfig& c : s.channels) c.cancel.min_age = Duration::minutes(5);
  const Outcome o = run(s);
  EXPECT_EQ(o.refused[1], 0u);
  EXPECT_EQ(o.report.orders.paid, o.charges[0] + o.charges[1]);
  EXPECT_EQ(o.report.dropped.final, 0u);
}

TEST(QuickPay, RefusalsFollowTheExpiryAgainstAnExponentialTimeInTheWallet) {
  // Every user pays after an exponential time with mean 30 s; the channel revokes at 45 s. The
  // wallet refuses a fraction exp(-45/30) of them (the few ms between the trade's creation and
  // the wallet opening shift it by well under a standard deviation).
  Scenario s = testing::minimal_scenario(20, Duration::minutes(10));
  s.user.pay_delay = Distribution::exponential(Duration::seconds(30));
  s.channels[0].trade_expiry = kRevokeAfter;
  World world(s);
  const reports::Report r = world.run();
  const double n = static_cast<double>(r.orders.created);
  const double p = std::exp(-45.0 / 30.0);
  const double sd = std::sqrt(n * p * (1 - p));
  EXPECT_NEAR(static_cast<double>(r.orders.pay_refused), n * p, 5 * sd);
  EXPECT_EQ(r.orders.pay_refused, world.channel(0).stats().pays_refused_closed);
  EXPECT_EQ(r.orders.paid + r.orders.pay_refused, r.orders.created);
  EXPECT_EQ(r.invariants.violations, 0u);
  ::testing::Test::RecordProperty("pay_refused", std::to_string(r.orders.pay_refused));
  ::testing::Test::RecordProperty("expected", std::to_string(n * p));
}

}  // namespace
}  // namespace harness
