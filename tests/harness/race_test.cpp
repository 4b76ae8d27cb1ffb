// Races between two apply-pay requests for one order (issue 5): the second click lands at every
// step boundary of the first, and a few ms either side, under each dedup guard; and the
// lock-expiry race. The expected tables are derived from the step sequence of
// system_under_test/payment_service.cpp, with S = step_latency (5 ms) and A = the channel's
// accept latency (80 ms), for a first click at 0 and a second at d:
//
//   click 1: lock @S   read @2S   insert @3S (row UNPAID)   create reply @3S+A (PAYING, unlock)
//   click 2: lock @d+S read @d+2S insert @d+3S
//
//  - no guard: click 2 always inserts: 2 payments, and (the user pays both) 2 charges.
//  - order_lock: click 1 holds the lock over [S, 3S+A); click 2's lock step at d+S finds it
//    held for d < 2S+A = 90 ms (refused busy): 1 payment. Later it takes the lock, reads a
//    PAYING payment and, without reuse, inserts: 2.
//  - reuse_in_flight: click 2 reads at d+2S. Before click 1's insert (d < S) it sees nothing:
//    2 payments. At d = S both run at 3S, click 1's insert first (it was scheduled first), so
//    from d = S on click 2 sees click 1's payment, UNPAID or PAYING, and reuses it: 1.
//  - compare_and_set: click 2's insert at d+3S is refused while click 1's payment is active
//    (click 1's insert runs first even at d = 0): 1 payment for every d.
// Ties run in insertion order (sim/simulator.h), which is what the d = 0 and d = S rows rely on.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/world.h"
#include "test_scenarios.h"

namespace harness {
namespace {

using sim::Distribution;
using sim::Duration;

constexpr uint64_t kOrders = 10;

struct Guards {
  bool order_lock = false;
  bool reuse_in_flight = false;
  bool compare_and_set = false;
};

std::string describe(const Guards& g) {
  std::string s;
  if (g.order_lock) s += "order_lock ";
  if (g.reuse_in_flight) s += "reuse_in_flight ";
  if (g.compare_and_set) s += "compare_and_set ";
  return s.empty() ? "no guard" : s;
}

// kOrders orders one second apart; each user clicks "pay" twice, `offset` apart, and pays every
// QR code they get. The first payment is paid a minute later, so it is still in flight (PAYING)
// while the second click is served.
Scenario double_click(Duration offset, const Guards& guards) {
  Scenario s = testing::minimal_scenario(1, Duration::seconds(kOrders));
  s.traffic.arrival = workload::TrafficConfig::Arrival::kUniform;
  s.user.pay_delay = Distribution::fixed(Duration::seconds(60));
  s.user.repeat_click_probability = 1.0;
  s.user.repeat_click_gap = Distribution::fixed(offset);
  s.user.pay_both_probability = 1.0;
  s.system.payment_service.step_latency = Duration::millis(5);
  s.system.dedup.order_lock = guards.order_lock;
  s.system.dedup.reuse_in_flight = guards.reuse_in_flight;
  s.system.dedup.compare_and_set = guards.compare_and_set;
  s.system.dedup.refund_duplicates = false;  // keep both charges visible
  return s;
}

struct Counts {
  uint64_t orders = 0;
  uint64_t payments = 0;  // create calls at the channel: one per payment
  uint64_t charges = 0;
  uint64_t violations = 0;
};

Counts run_counts(const Scenario& s) {
  World world(s);
  const reports::Report& r = world.run();
  return {r.orders.created, world.channel(0).stats().creates, world.channel(0).stats().charges,
          r.invariants.violations};
}

void check_table(const Guards& guards, const std::vector<std::pair<int64_t, int>>& table) {
  for (const auto& [offset_us, payments] : table) {
    SCOPED_TRACE(describe(guards) + "| second click +" + std::to_string(offset_us) + " us");
    const Counts c = run_counts(double_click(Duration::micros(offset_us), guards));
    ASSERT_GE(c.orders, kOrders - 1);
    EXPECT_EQ(c.payments, payments * c.orders);
    EXPECT_EQ(c.charges, payments * c.orders) << "every QR code is paid: charges follow payments";
    EXPECT_EQ(c.violations, 0u);
  }
}

// Offsets (ms) around every step boundary of the first click: 0, S, 2S, 3S, 4S, the create
// reply at 3S+A (as seen from click 2's read: d = S+A = 85 ms; from its lock step: d = 2S+A
// = 90 ms), and well after.
constexpr int64_t kMs = 1000;
const std::vector<int64_t> kOffsetsMs = {0,  1,  4,  5,  6,  9,  10, 11, 14, 15,
                                         16, 19, 20, 21, 84, 86, 89, 91, 200};

std::vector<std::pair<int64_t, int>> table(int (*expected)(int64_t offset_ms)) {
  std::vector<std::pair<int64_t, int>> rows;
  for (int64_t ms : kOffsetsMs) rows.emplace_back(ms * kMs, expected(ms));
  return rows;
}

TEST(Race, NoGuardCreatesTwoPaymentsAtEveryOffset) {
  check_table({}, table([](int64_t) { return 2; }));
}

TEST(Race, OrderLockStopsTheSecondClickOnlyWhileTheFirstHoldsIt) {
  check_table({.order_lock = true}, table([](int64_t ms) { return ms < 90 ? 1 : 2; }));
}

TEST(Race, ReuseInFlightStopsEverySecondClickThatReadsAfterTheFirstInsert) {
  check_table({.reuse_in_flight = true}, table([](int64_t ms) { return ms < 5 ? 2 : 1; }));
}

// Regression (bug: reuse_in_flight ignored a payment still being created): apply-pay's read
// counted only PAYING payments as in flight, so a second click that read during the first
// payment's create call (row UNPAID, 3S .. 3S+A) created a second payment: reuse alone let
// every repeat click within S+A = 85 ms through.
TEST(Race, ReuseInFlightSeesAPaymentStillBeingCreated) {
  check_table({.reuse_in_flight = true},
              {{5 * kMs, 1}, {6 * kMs, 1}, {50 * kMs, 1}, {84 * kMs, 1}});
}

TEST(Race, LockAndReuseStopEverySecondClick) {
  check_table({.order_lock = true, .reuse_in_flight = true}, table([](int64_t) { return 1; }));
}

TEST(Race, CompareAndSetStopsEverySecondClick) {
  check_table({.compare_and_set = true}, table([](int64_t) { return 1; }));
  check_table({.order_lock = true, .compare_and_set = true}, table([](int64_t) { return 1; }));
}

// ---- the lock-expiry race --------------------------------------------------------------------
// Every lock holder stalls 15 s after taking the lock (lock_stall_probability 1). Click 1 takes
// the lock at S and inserts at 15 s + 3S. A second click at 12 s:
//  - TTL 20 s > stall: the lock is still held: refused. 1 payment.
//  - TTL 10 s < stall: the lock expired at 10 s + S: click 2 takes it, stalls, reads click 1's
//    PAYING payment at 27 s + 2S and, with the lock as the only guard, inserts: 2 payments.
//  - the same with compare_and_set: its insert is refused (click 1's payment is active): 1.

Scenario lock_expiry(Duration ttl, bool compare_and_set) {
  Scenario s =
      double_click(Duration::seconds(12), {.order_lock = true, .compare_and_set = compare_and_set});
  s.user.pay_delay = Distribution::fixed(Duration::seconds(120));
  s.system.dedup.lock_stall_probability = 1.0;
  s.system.dedup.lock_stall = Duration::seconds(15);
  s.system.dedup.lock_ttl = ttl;
  return s;
}

TEST(Race, LockHeldThroughTheStallStopsTheSecondClick) {
  const Counts c = run_counts(lock_expiry(Duration::seconds(20), false));
  EXPECT_EQ(c.payments, c.orders);
  EXPECT_EQ(c.charges, c.orders);
}

TEST(Race, LockExpiringUnderAStalledHolderLetsASecondPaymentThrough) {
  const Counts c = run_counts(lock_expiry(Duration::seconds(10), false));
  EXPECT_EQ(c.payments, 2 * c.orders);
  EXPECT_EQ(c.charges, 2 * c.orders);
  EXPECT_EQ(c.violations, 0u);  // a duplicate is an outcome, not a breach
}

TEST(Race, CompareAndSetStopsTheLockExpiryRace) {
  const Counts c = run_counts(lock_expiry(Duration::seconds(10), true));
  EXPECT_EQ(c.payments, c.orders);
  EXPECT_EQ(c.charges, c.orders);
}

TEST(Race, SecondClickBeforeTheTtlIsRefusedEvenWhenTheHolderStalls) {
  Scenario s = lock_expiry(Duration::seconds(10), false);
  s.user.repeat_click_gap = Distribution::fixed(Duration::millis(3));
  const Counts c = run_counts(s);
  EXPECT_EQ(c.payments, c.orders);
}

}  // namespace
}  // namespace harness
