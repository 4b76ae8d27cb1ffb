// Issue 16 item 4: re-pay as a new order (seed 002, "掉单导致的重复支付": "可能就会再下一单"). A
// user who sees "unpaid" after a drop places a second order for the same purchase instead of paying
// the first again: each order is charged once, no per-order count sees a duplicate, and once the
// first charge is found both orders hold the user's money. duplicates.purchases counts those
// purchases; an idempotent checkout per purchase (system.order_service.checkout_per_purchase)
// gives the open order back, so the user pays that order again and the per-order guard sees it.
//
// Ground truth: the wallets' charges and the refunds the test observes itself (a tap on the
// system's events), grouped by purchase (workload::purchase_of). Analytic: every user pays once
// (pay_probability 1), a callback is lost with probability p and no retry, the app gives up
// polling long before slow polling finds the charge, and every user who sees "unpaid" orders
// again (q = 1): about N.p.q purchases end with two charged orders, each counted exactly once.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

#include "harness/scenario_loader.h"
#include "harness/world.h"
#include "test_scenarios.h"
#include "workload/config.h"

namespace harness {
namespace {

using sim::Duration;

constexpr double kDrop = 0.2;

Scenario reorder_after_drop(double reorder_probability) {
  Scenario s = testing::minimal_scenario(20, Duration::minutes(10));
  s.channels[0].callback.drop_probability = kDrop;
  s.channels[0].callback.retries.clear();
  s.system.compensation.strategy = sut::Strategy::kPolling;
  s.system.compensation.polling.interval = Duration::minutes(10);
  s.system.client.poll_interval = Duration::seconds(1);
  s.system.client.poll_timeout = Duration::seconds(10);
  s.user.reorder_if_unpaid_probability = reorder_probability;
  s.user.repay_delay = sim::Distribution::fixed(Duration::seconds(20));
  return s;
}

// The money of every purchase, from the wallets' side: charges by order, refunds by order.
class Purchases final : public sut::SystemObserver {
 public:
  void on_user_paid(sut::OrderId order, bool charged, sim::Time) override {
    if (charged) ++held_[workload::purchase_of(order)][order];
  }
  void on_refund_issued(const sut::PaymentRecord& record, sut::RefundReason, int64_t,
                        sim::Time) override {
    --held_[workload::purchase_of(record.order)][record.order];
  }
  // Purchases with two or more orders still holding a charge.
  uint64_t duplicated() const {
    uint64_t n = 0;
    for (const auto& [purchase, orders] : held_) {
      int holding = 0;
      for (const auto& [order, charges] : orders) holding += charges > 0 ? 1 : 0;
      if (holding >= 2) ++n;
    }
    return n;
  }
  uint64_t reorders_charged() const {
    uint64_t n = 0;
    for (const auto& [purchase, orders] : held_) {
      for (const auto& [order, charges] : orders) n += workload::is_reorder(order) ? 1 : 0;
    }
    return n;
  }

 private:
  std::map<uint64_t, std::map<uint64_t, int>> held_;
};

struct Outcome {
  reports::Report report;
  uint64_t duplicated = 0;
  uint64_t reorders_charged = 0;
  uint64_t arrivals = 0;
};

Outcome run(const Scenario& s) {
  Purchases purchases;
  World world(s, nullptr, &purchases);
  Outcome o{world.run()};
  o.duplicated = purchases.duplicated();
  o.reorders_charged = purchases.reorders_charged();
  const reports::Report& r = o.report;
  EXPECT_EQ(r.invariants.violations, 0u);
  EXPECT_EQ(r.dropped.final, 0u) << "slow polling finds every charge";
  ::testing::Test::RecordProperty("orders", std::to_string(r.orders.created));
  ::testing::Test::RecordProperty("duplicate_purchases", std::to_string(r.duplicates.purchases));
  return o;
}

TEST(ReorderAfterDrop, EveryReorderOfADroppedChargeIsADuplicatePurchase) {
  const Outcome o = run(reorder_after_drop(1.0));
  const reports::Report& r = o.report;
  // Each order is charged once: the per-order counts see nothing.
  EXPECT_EQ(r.duplicates.charged_orders, 0u);
  // The report against the wallets' ground truth, purchase by purchase.
  EXPECT_EQ(r.duplicates.purchases, o.duplicated);
  // Every re-order was paid, and its first order held a charge too (it was shown "unpaid" only
  // because the callback was lost).
  EXPECT_EQ(r.duplicates.purchases, o.reorders_charged);
  // N.p.q with N ~ 12,000 arrivals, p = 0.2, q = 1: ~2,400, binomial sd ~44.
  const double arrivals = static_cast<double>(r.orders.created - o.reorders_charged);
  const double expected = arrivals * kDrop;
  const double sd = std::sqrt(arrivals * kDrop * (1 - kDrop));
  EXPECT_NEAR(static_cast<double>(r.duplicates.purchases), expected, 5 * sd);
  EXPECT_GT(r.duplicates.purchases, 2'000u);
}

TEST(ReorderAfterDrop, WithoutTheKeyNoOrderIsPlacedTwice) {
  const Outcome o = run(reorder_after_drop(0.0));
  EXPECT_EQ(o.reorders_charged, 0u);
  EXPECT_EQ(o.report.duplicates.purchases, 0u);
  EXPECT_GT(o.report.dropped.user_visible, 2'000u) << "the drops are there, nobody re-orders";
}

TEST(ReorderAfterDrop, ACheckoutPerPurchaseTurnsTheReorderIntoASameOrderRepay) {
  Scenario s = reorder_after_drop(1.0);
  s.system.order_service.checkout_per_purchase = true;
  const Outcome base = run(reorder_after_drop(1.0));
  const Outcome o = run(s);
  const reports::Report& r = o.report;
  // No second order: the open first order came back and was paid again.
  EXPECT_EQ(o.reorders_charged, 0u);
  EXPECT_EQ(r.duplicates.purchases, 0u);
  EXPECT_EQ(o.duplicated, 0u);
  EXPECT_EQ(r.orders.created, base.report.orders.created - base.reorders_charged);
  // The duplicates are now the per-order guard's to see: the same users, charged twice on one
  // order, unresolved without system.dedup.refund_duplicates. Fewer by the few whose first order
  // polling found PAID within the 20 s before the re-order: the checkout gives back a PAID order,
  // and the user, looking at it, pays nothing (the base charged them a second order).
  EXPECT_LE(r.duplicates.charged_orders, base.report.duplicates.purchases);
  EXPECT_GT(r.duplicates.charged_orders, base.report.duplicates.purchases * 97 / 100);
  EXPECT_EQ(r.duplicates.unresolved, r.duplicates.charged_orders);

  s.system.dedup.refund_duplicates = true;
  const Outcome guarded = run(s);
  EXPECT_EQ(guarded.report.duplicates.purchases, 0u);
  EXPECT_EQ(guarded.duplicated, 0u);
  EXPECT_EQ(guarded.report.duplicates.unresolved, 0u);
  EXPECT_EQ(guarded.report.duplicates.wrong_refunds, 0u);
}

TEST(ReorderAfterDrop, OnePaidOrderPerPurchaseRefundsTheSecondPaidOrder) {
  // The re-order is placed and paid; whichever order of the purchase is found paid second (the
  // first order's charge, found later by polling, or the re-order) is refused by the shop and
  // refunded: each purchase keeps one paid order and the user's money once.
  Scenario s = reorder_after_drop(1.0);
  s.system.order_service.refund_repeat_purchase = true;
  const Outcome base = run(reorder_after_drop(1.0));
  const Outcome o = run(s);
  const reports::Report& r = o.report;
  EXPECT_EQ(r.invariants.violations, 0u);
  // The same users re-order (the shop does not stop them) and are charged for both orders...
  EXPECT_EQ(o.reorders_charged, base.reorders_charged);
  EXPECT_EQ(o.duplicated, 0u);
  // ...and one order of each such purchase is refunded, by this guard and nothing else.
  EXPECT_EQ(r.refunds.repeat_purchase, base.report.duplicates.purchases);
  EXPECT_EQ(r.refunds.requested, r.refunds.repeat_purchase);
  EXPECT_EQ(r.duplicates.purchases, 0u);
  EXPECT_EQ(r.orders.paid, base.report.orders.paid - base.report.duplicates.purchases);
  EXPECT_EQ(r.orders.refunded, base.report.duplicates.purchases);
  EXPECT_EQ(r.dropped.final, 0u);
  ::testing::Test::RecordProperty("repeat_purchase_refunds",
                                  std::to_string(r.refunds.repeat_purchase));
}

TEST(ReorderAfterDrop, TheKeysAreValidatedWithTheirPlace) {
  const LoadResult result = load_scenario_text(
      "channels: [{name: wallet}]\nuser: {reorder_if_unpaid_probability: 1.5}\n"
      "system:\n  order_service: {checkout_per_purchase: maybe}\n",
      "bad.yaml");
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_EQ(result.errors[0].to_string().substr(0, 51),
            "bad.yaml:2:39: user.reorder_if_unpaid_probability: ");
  EXPECT_EQ(result.errors[1].to_string().substr(0, 59),
            "bad.yaml:4:42: system.order_service.checkout_per_purchase: ");
}

}  // namespace
}  // namespace harness
