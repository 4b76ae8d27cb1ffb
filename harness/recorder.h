// Recorder: computes the report's metrics and checks the invariants from the events of a run.
//
// It observes the system under test (SystemObserver) and the channels' ledger (LedgerObserver),
// the ground truth. Every invariant compares two independent sources: what the system's records
// say (a payment SUCCESS or REFUNDED, an order PAID by a payment, a refund asked for) against what
// the ledger holds, at the event where they must agree, and again when the order retires:
//  - an order PAID by a payment the channel never charged (or no longer holds money for);
//  - a payment SUCCESS that the channel never charged, or REFUNDED while the channel holds money;
//  - a refund the channel refused because the payment no longer held that much (asked twice);
//  - a terminal payment state left;
//  - the report's own identities: the outcome classes sum to orders.created, the resolved_by
//    counts sum to orders.paid, each drop count's external and internal parts to the count. Each
//    order carries a small tally mirrored from those events; the report's
// counts are kept as running totals of per-order predicates (charged, dropped, duplicate...),
// updated whenever a predicate may change. So the totals are exact at any moment, no end-of-run
// scan is needed, and an order's tally is freed as soon as the order can no longer change.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mock_channels/ledger.h"
#include "reports/minute_quantile.h"
#include "reports/report.h"
#include "sim/id_map.h"
#include "system_under_test/config.h"
#include "system_under_test/observer.h"

namespace harness {

// Counts an order that became PAID in the report's resolved_by group, by how the shop learned of
// its payment (the simulator's recorder and live's both do).
void count_resolution(reports::ResolvedBy& resolved_by, sut::Resolution how);

class Recorder final : public sut::SystemObserver, public channels::LedgerObserver {
 public:
  Recorder(const channels::Ledger& ledger, const sut::SystemConfig& system,
           reports::Report& report);

  // Users may place a second order for a purchase (workload::purchase_of): count the purchases
  // whose orders hold the user's money twice (duplicates.purchases). REQUIRES: before the run.
  void track_purchases() { track_purchases_ = true; }

  // SystemObserver
  void on_order_created(sut::OrderId order, sim::Time at) override;
  void on_order_state(sut::OrderId order, sut::OrderState from, sut::OrderState to,
                      sut::Resolution how, sut::PaymentId payment, sim::Time at) override;
  void on_client_shown(sut::OrderId order, bool paid, sim::Time at) override;
  void on_pay_clicked(sut::OrderId order, sim::Time at) override;
  void on_user_paid(sut::OrderId order, bool charged, sim::Time at) override;
  void on_pay_refused(sut::OrderId order, sim::Time at) override;
  void on_user_returned(sut::OrderId order, sim::Time at) override;
  void on_payment_created(const sut::PaymentRecord& record) override;
  void on_payment_state(const sut::PaymentRecord& record, sut::PaymentState from,
                        sut::Resolution how, sim::Time at) override;
  void on_refund_issued(const sut::PaymentRecord& record, sut::RefundReason reason,
                        int64_t amount_minor, sim::Time at) override;
  void on_refund_given_up(const sut::PaymentRecord& record, sut::RefundReason reason,
                          sim::Time at) override;
  void on_compensation_exhausted(const sut::PaymentRecord& record, sim::Time at) override;
  void on_reconciliation_run(uint64_t orders_checked, sim::Time at) override;
  void on_reconciliation_fix(sut::OrderId order, ReconciliationFix fix, sim::Time at) override;
  void on_channel_query(uint32_t channel, sim::Time at) override;
  void on_rows_scanned(uint64_t rows, sim::Time at) override;
  void on_mq_message(sim::Time at) override;
  void on_dead_letter(sim::Time at) override;
  void on_notify_attempt(sim::Time at) override;

  // LedgerObserver
  void on_charge(const channels::PaymentKey& key, int64_t amount_minor, sim::Time at) override;
  void on_refund(const channels::PaymentKey& key, int64_t amount_minor, sim::Time at) override;
  void on_refund_refused(const channels::PaymentKey& key, int64_t amount_minor,
                         sim::Time at) override;

  // The order can no longer change: its tally is dropped (the totals keep its contribution).
  // `paying_payments` of it are still PAYING in the records (abandoned in the wallet): they
  // leave the pending gauge, which counts what compensation may still resolve.
  void retire(sut::OrderId order, uint64_t paying_payments);

  // For `paysim trace --order first-...`: the smallest order id that ended the run dropped
  // (charged, not PAID), that was charged more than once, or whose client showed "unpaid"
  // although the user was charged; 0 when there is none. Only these minimums are kept (no sets
  // of ids): an order that retires dropped updates a running minimum, and first_dropped() looks
  // at the orders still in flight below it (order ids are 1, 2, ... in arrival order).
  uint64_t first_dropped() const;
  uint64_t first_duplicate() const { return first_duplicate_; }
  uint64_t first_user_visible() const { return first_user_visible_; }

  // Writes the gauges of the minute ending at `at` into the time series.
  void sample_minute(sim::Time at);
  uint64_t pending_payments() const { return pending_payments_; }

  // End of the run: writes the last minute's charge->paid p99 into the time series, checks the
  // orders still in flight as if they retired now (retired orders were checked as they retired),
  // then the report's identities. Call once, after the last event.
  void finish(sim::Time at);
  uint64_t compensation_exhausted() const { return compensation_exhausted_; }

 private:
  struct Tally {
    sim::Time first_click_at;
    sim::Time returned_at;
    sim::Time first_charge_at;
    int64_t held_minor = 0;    // charged minus refunded, from the ledger's events
    int64_t amount_minor = 0;  // one charge's amount
    uint32_t charges = 0;
    uint32_t refunds = 0;
    // Payments in SUCCESS and in REFUNDED according to the system's records, as bit masks by the
    // payment's ordinal in its order (the end-of-order check skips ordinals past 31).
    uint32_t success_mask = 0;
    uint32_t refunded_mask = 0;
    sim::Time last_payment_event_at;  // a payment's state changed or a refund was asked
    bool clicked = false;
    bool returned = false;
    bool attempted = false;  // the user tried to pay in a wallet (or a sync channel)
    bool refused = false;    // a wallet refused that: the trade had expired or been closed
    bool paid = false;
    bool closed = false;
    bool shown_unpaid_charged = false;
    uint32_t unrefunded() const { return charges - refunds; }
  };

  // The per-order predicates whose totals are report counts.
  // Exactly one of the five outcome classes (paid, abandoned, failed, refunded, dropped) is set
  // for every order; charged, closed and the duplicate flags cut across them.
  enum Flag : uint32_t {
    kCharged = 1u << 0,
    kPaid = 1u << 1,
    kDropped = 1u << 2,
    kAbandoned = 1u << 3,
    kFailed = 1u << 4,
    kRefunded = 1u << 5,
    kClosed = 1u << 6,
    kDuplicateCharged = 1u << 7,
    kDuplicateUnresolved = 1u << 8,
    // The cause of a drop (exactly one is set with kDropped): the records hold no SUCCESS for the
    // order (the news never reached the payment service) or they do (it stopped there).
    kDroppedExternal = 1u << 9,
    kDroppedInternal = 1u << 10,
    // Of kFailed: a wallet refused the user's payment, the trade had expired or been closed.
    kPayRefused = 1u << 11,
  };
  static constexpr int kFlagCount = 12;
  static constexpr uint32_t kOutcomeClasses = kPaid | kDropped | kAbandoned | kFailed | kRefunded;
  static constexpr uint32_t kMaxCheckedOrdinal = 30;
  static uint32_t ordinal_bit(uint32_t attempt) {
    return 1u << (attempt <= kMaxCheckedOrdinal ? attempt : 31);
  }
  // The records-against-ledger check of an order that can no longer change (or whose run is over).
  void check_at_end(sut::OrderId order, const Tally& tally, const char* event, sim::Time at);
  // Copies the running totals into the report.
  void publish_totals();
  uint32_t classify(const Tally& t) const;
  // Whether the payment service knew of the order's charge: a payment SUCCESS in its records
  // (checked against the ledger by the invariants), or the order already PAID.
  static bool system_knew(const Tally& t) { return t.paid || t.success_mask != 0; }
  // Runs `change` on the order's tally and moves the totals by the difference it made.
  template <class Change>
  void update(sut::OrderId order, Change&& change);

  void violation(sut::OrderId order, std::string event, sim::Time at, std::string message);
  // `refund.on_accepted: trust` records a refund REFUNDED when the channel accepts it, before (or
  // whether or not) the money goes back: the design's outcome, shown by the ledger's duplicate
  // and drop counts, not a broken invariant.
  bool trusts_accepted_refunds() const {
    return system_.refund.on_accepted == sut::RefundConfig::OnAccepted::kTrust;
  }

  const channels::Ledger& ledger_;
  const sut::SystemConfig& system_;
  reports::Report& report_;
  // The timeseries' charge_to_paid_p99_us: the current minute's charge->paid latencies only.
  reports::MinuteQuantile charge_to_paid_p99_;
  sim::IdMap<Tally> tallies_;
  // Running totals of the flags (monotone ones never decrease).
  uint64_t totals_[kFlagCount] = {};
  int64_t overcharged_minor_ = 0;
  uint64_t pending_payments_ = 0;
  uint64_t compensation_exhausted_ = 0;
  uint64_t first_dropped_retired_ = 0;  // smallest retired order that ended dropped
  uint64_t first_duplicate_ = 0;
  uint64_t first_user_visible_ = 0;
  uint64_t last_order_ = 0;  // highest order id created among the arrivals
  // Re-orders (workload::kReorderBase + purchase), in creation order: their ids lie outside
  // 1..last_order_.
  std::vector<uint64_t> reorders_;
  // Purchases: how many of their orders ended holding the user's money (only when users may
  // re-order; duplicates.purchases counts those reaching two).
  bool track_purchases_ = false;
  sim::IdMap<uint32_t> purchase_holders_;
  void count_purchase_holder(sut::OrderId order, const Tally& tally);
  int64_t query_second_ = -1;
  uint64_t queries_this_second_ = 0;
};

}  // namespace harness
