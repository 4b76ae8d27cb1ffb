#include "harness/recorder.h"

#include <algorithm>
#include <bit>
#include <string>

#include "workload/config.h"

namespace harness {

using sut::OrderState;
using sut::PaymentState;
using sut::Resolution;

namespace {
int64_t minute_of(sim::Time at) { return at.us() / sim::Duration::minutes(1).us(); }
}  // namespace

Recorder::Recorder(const channels::Ledger& ledger, const sut::SystemConfig& system,
                   reports::Report& report)
    : ledger_(ledger),
      system_(system),
      report_(report),
      charge_to_paid_p99_(report.timeseries, reports::kChargeToPaidP99, 0.99) {}

uint32_t Recorder::classify(const Tally& t) const {
  uint32_t flags = 0;
  if (t.charges >= 1) flags |= kCharged;
  if (t.paid) {
    flags |= kPaid;
  } else if (t.held_minor > 0) {
    flags |= kDropped | (system_knew(t) ? kDroppedInternal : kDroppedExternal);
  } else if (t.charges >= 1) {
    flags |= kRefunded;
  } else if (t.attempted) {
    flags |= kFailed;
    if (t.refused) flags |= kPayRefused;
  } else {
    flags |= kAbandoned;
  }
  if (t.closed) flags |= kClosed;
  if (t.charges >= 2) flags |= kDuplicateCharged;
  if (t.unrefunded() > 1) flags |= kDuplicateUnresolved;
  return flags;
}

template <class Change>
void Recorder::update(sut::OrderId order, Change&& change) {
  Tally* tally = tallies_.find(order);
  if (tally == nullptr) return;  // retired, or never created (cannot happen in a sound run)
  const uint32_t before = classify(*tally);
  const int64_t over_before =
      tally->unrefunded() > 1 ? (tally->unrefunded() - 1) * tally->amount_minor : 0;
  change(*tally);
  const uint32_t after = classify(*tally);
  const int64_t over_after =
      tally->unrefunded() > 1 ? (tally->unrefunded() - 1) * tally->amount_minor : 0;
  overcharged_minor_ += over_after - over_before;
  if (before == after && over_before == over_after) return;  // the common case: nothing to re-count
  for (uint32_t changed = before ^ after; changed != 0; changed &= changed - 1) {
    const int bit = std::countr_zero(changed);
    const uint32_t mask = 1u << bit;
    if (after & mask) {
      ++totals_[bit];
      if (mask == kDuplicateCharged && (first_duplicate_ == 0 || order < first_duplicate_))
        first_duplicate_ = order;
    } else {
      --totals_[bit];
    }
  }
  publish_totals();
}

void Recorder::publish_totals() {
  reports::OrderCounts& orders = report_.orders;
  orders.charged = totals_[0];
  orders.paid = totals_[1];
  report_.dropped.final = totals_[2];
  report_.dropped.final_external = totals_[9];
  report_.dropped.final_internal = totals_[10];
  orders.abandoned = totals_[3];
  orders.failed = totals_[4];
  orders.refunded = totals_[5];
  orders.closed = totals_[6];
  orders.pay_refused = totals_[11];
  report_.duplicates.charged_orders = totals_[7];
  report_.duplicates.unresolved = totals_[8];
  report_.duplicates.refunded = totals_[7] - totals_[8];
  report_.duplicates.overcharged_minor = static_cast<uint64_t>(overcharged_minor_);
}

void Recorder::violation(sut::OrderId order, std::string event, sim::Time at, std::string message) {
  report_.invariants.record(
      reports::InvariantViolation{order, std::move(event), at.us(), std::move(message)});
}

void Recorder::check_at_end(sut::OrderId order, const Tally& tally, const char* event,
                            sim::Time at) {
  // The system's records against the ledger, payment by payment: a payment the records keep as
  // SUCCESS holds money at its channel; one they call REFUNDED holds none.
  const channels::Ledger::OrderMoney* money = ledger_.find(order);
  uint32_t charged_mask = 0;
  if (money != nullptr) {
    for (const channels::Ledger::PaymentMoney& p : money->payments) {
      if (p.attempt > kMaxCheckedOrdinal) continue;
      const uint32_t bit = ordinal_bit(p.attempt);
      charged_mask |= bit;
      const int64_t held = p.charged_minor - p.refunded_minor;
      const int64_t per_charge = p.charges ? p.charged_minor / p.charges : 0;
      if ((tally.success_mask & bit) && held <= 0) {
        violation(order, event, at,
                  "payment " + std::to_string(p.payment) +
                      " is SUCCESS in the records but the channel holds nothing for it");
      }
      if ((tally.refunded_mask & bit) && p.refunded_minor < per_charge &&
          !trusts_accepted_refunds()) {
        violation(order, event, at,
                  "payment " + std::to_string(p.payment) +
                      " is REFUNDED in the records but the channel refunded " +
                      std::to_string(p.refunded_minor) + " of " + std::to_string(p.charged_minor) +
                      " minor");
      }
    }
  }
  const uint32_t checked = (1u << (kMaxCheckedOrdinal + 1)) - 1;
  if (const uint32_t uncharged =
          (tally.success_mask | tally.refunded_mask) & checked & ~charged_mask) {
    violation(
        order, event, at,
        "payment #" + std::to_string(std::countr_zero(uncharged) + 1) +
            " of the order is SUCCESS or REFUNDED in the records but the channel never charged it");
  }
}

void Recorder::finish(sim::Time at) {
  charge_to_paid_p99_.finish();
  // Orders still in flight are checked as if they retired now.
  for (uint64_t order = 1; order <= last_order_; ++order) {
    if (const Tally* tally = tallies_.find(order)) {
      check_at_end(order, *tally, "end_of_run", at);
      count_purchase_holder(order, *tally);
    }
  }
  for (uint64_t order : reorders_) {
    if (const Tally* tally = tallies_.find(order)) {
      check_at_end(order, *tally, "end_of_run", at);
      count_purchase_holder(order, *tally);
    }
  }
  // The report's identities, from two sources each: the outcome classes partition the orders,
  // and every PAID order was counted once under the path that made it PAID.
  const reports::OrderCounts& o = report_.orders;
  const uint64_t classes = o.paid + o.abandoned + o.failed + o.refunded + report_.dropped.final;
  if (classes != o.created) {
    violation(0, "end_of_run", at,
              "the outcome classes (paid, abandoned, failed, refunded, dropped) sum to " +
                  std::to_string(classes) + ", not to the " + std::to_string(o.created) +
                  " orders created");
  }
  // Each drop count is split by cause, and the parts must give the whole back.
  const auto check_split = [&](const std::string& name, uint64_t whole, uint64_t external,
                               uint64_t internal) {
    if (external + internal == whole) return;
    violation(0, "end_of_run", at,
              name + "_external + " + name + "_internal = " + std::to_string(external + internal) +
                  ", not " + name + " = " + std::to_string(whole));
  };
  const reports::DropCounts& d = report_.dropped;
  check_split("dropped.final", d.final, d.final_external, d.final_internal);
  check_split("dropped.user_visible", d.user_visible, d.user_visible_external,
              d.user_visible_internal);
  const reports::ResolvedBy& r = report_.resolved_by;
  const uint64_t resolved = r.callback + r.polling + r.delay_message + r.order_query + r.sync +
                            r.reconciliation + r.close;
  if (resolved != o.paid) {
    violation(0, "end_of_run", at,
              "resolved_by sums to " + std::to_string(resolved) + " for " + std::to_string(o.paid) +
                  " PAID orders");
  }
}

void Recorder::retire(sut::OrderId order, uint64_t paying_payments) {
  pending_payments_ -= std::min(pending_payments_, paying_payments);
  if (const Tally* tally = tallies_.find(order)) {
    check_at_end(order, *tally, "retire", tally->last_payment_event_at);
    count_purchase_holder(order, *tally);
    if ((classify(*tally) & kDropped) &&
        (first_dropped_retired_ == 0 || order < first_dropped_retired_)) {
      first_dropped_retired_ = order;
    }
  }
  tallies_.erase(order);
}

void Recorder::count_purchase_holder(sut::OrderId order, const Tally& tally) {
  // Ground truth: the ledger's charges minus its refunds for this order.
  if (!track_purchases_ || tally.held_minor <= 0) return;
  uint32_t& holders = purchase_holders_.find_or_insert(workload::purchase_of(order));
  if (++holders == 2) ++report_.duplicates.purchases;
}

uint64_t Recorder::first_dropped() const {
  // Orders still in flight keep their tallies; only those below the retired minimum matter.
  // Re-orders' ids lie above every arrival's, outside 1..last_order_.
  const uint64_t limit = first_dropped_retired_ == 0
                             ? last_order_ + 1
                             : std::min(first_dropped_retired_, last_order_ + 1);
  for (uint64_t order = 1; order < limit; ++order) {
    const Tally* tally = tallies_.find(order);
    if (tally != nullptr && (classify(*tally) & kDropped)) return order;
  }
  uint64_t first = first_dropped_retired_;
  for (uint64_t order : reorders_) {
    const Tally* tally = tallies_.find(order);
    if (tally != nullptr && (classify(*tally) & kDropped) && (first == 0 || order < first))
      first = order;
  }
  return first;
}

// ---- orders and users ------------------------------------------------------------------------

void Recorder::on_order_created(sut::OrderId order, sim::Time) {
  const Tally& tally = tallies_.insert(order, Tally{});
  ++report_.orders.created;
  if (workload::is_reorder(order)) {
    reorders_.push_back(order);
  } else if (order > last_order_) {
    last_order_ = order;
  }
  // A new order already satisfies some predicates (it is unpaid and nothing was attempted).
  const uint32_t flags = classify(tally);
  for (int bit = 0; bit < kFlagCount; ++bit) {
    if (flags & (1u << bit)) ++totals_[bit];
  }
  publish_totals();
}

void Recorder::on_pay_clicked(sut::OrderId order, sim::Time at) {
  update(order, [&](Tally& t) {
    if (!t.clicked) t.first_click_at = at;
    t.clicked = true;
  });
}

void Recorder::on_user_paid(sut::OrderId order, bool, sim::Time) {
  update(order, [](Tally& t) { t.attempted = true; });
}

void Recorder::on_pay_refused(sut::OrderId order, sim::Time) {
  update(order, [](Tally& t) { t.refused = true; });
}

void Recorder::on_user_returned(sut::OrderId order, sim::Time at) {
  update(order, [&](Tally& t) {
    t.returned = true;
    t.returned_at = at;
  });
}

void count_resolution(reports::ResolvedBy& r, Resolution how) {
  switch (how) {
    case Resolution::kCallback:
      ++r.callback;
      break;
    case Resolution::kPolling:
      ++r.polling;
      break;
    case Resolution::kDelayMessage:
      ++r.delay_message;
      break;
    case Resolution::kOrderQuery:
      ++r.order_query;
      break;
    case Resolution::kSync:
      ++r.sync;
      break;
    case Resolution::kReconciliation:
      ++r.reconciliation;
      break;
    case Resolution::kClose:
      ++r.close;
      break;
    case Resolution::kNone:
      break;  // breaks the resolved_by identity, which Recorder::finish() reports
  }
}

void Recorder::on_order_state(sut::OrderId order, OrderState from, OrderState to, Resolution how,
                              sut::PaymentId payment, sim::Time at) {
  Tally* tally = tallies_.find(order);
  if (tally == nullptr) return;
  if (to == OrderState::kPaid) {
    if (tally->paid) violation(order, "order_paid", at, "order became PAID twice");
    // The records say this payment pays the order: the channel must hold its money.
    const channels::Ledger::PaymentMoney* money = ledger_.find_payment(order, payment);
    if (money == nullptr || money->charged_minor <= money->refunded_minor) {
      violation(order, "order_paid", at,
                "order PAID by payment " + std::to_string(payment) +
                    ", for which the channel holds no money");
    }
    if (tally->charges > 0) {
      const int64_t charge_to_paid_us = (at - tally->first_charge_at).us();
      report_.latency.charge_to_paid_us.record(charge_to_paid_us);
      charge_to_paid_p99_.record(minute_of(at), charge_to_paid_us);
    }
    if (tally->clicked) report_.latency.pay_to_paid_us.record((at - tally->first_click_at).us());
    count_resolution(report_.resolved_by, how);
    report_.timeseries.add(minute_of(at), reports::kOrdersPaid, 1);
  }
  if (from == OrderState::kPaid) violation(order, "order_state", at, "a PAID order left PAID");
  update(order, [&](Tally& t) {
    t.paid = to == OrderState::kPaid;
    t.closed = to == OrderState::kClosed;
  });
}

void Recorder::on_client_shown(sut::OrderId order, bool paid, sim::Time at) {
  Tally* tally = tallies_.find(order);
  if (tally == nullptr) return;
  if (paid) {
    if (tally->returned) report_.latency.client_visible_us.record((at - tally->returned_at).us());
    return;
  }
  if (tally->held_minor > 0 && !tally->shown_unpaid_charged) {
    tally->shown_unpaid_charged = true;
    ++report_.dropped.user_visible;
    ++(system_knew(*tally) ? report_.dropped.user_visible_internal
                           : report_.dropped.user_visible_external);
    if (first_user_visible_ == 0 || order < first_user_visible_) first_user_visible_ = order;
  }
}

// ---- payments --------------------------------------------------------------------------------

void Recorder::on_payment_created(const sut::PaymentRecord& record) {
  if (!sut::is_terminal(record.state) && record.state == PaymentState::kPaying) ++pending_payments_;
}

void Recorder::on_payment_state(const sut::PaymentRecord& record, PaymentState from, Resolution,
                                sim::Time at) {
  const PaymentState to = record.state;
  const bool late_success_accepted = system_.compensation.success_after_failed ==
                                     sut::CompensationConfig::SuccessAfterFailed::kAccept;
  if (!sut::is_allowed_transition(from, to, late_success_accepted)) {
    violation(record.order, "payment_state", at,
              "payment " + std::to_string(record.id) + " moved " +
                  std::string(sut::to_string(from)) + " -> " + std::string(sut::to_string(to)) +
                  " (a terminal state left)");
  }
  // The records against the channel at the moment they change: SUCCESS needs a charge, REFUNDED
  // needs every charge of the payment refunded.
  const channels::Ledger::PaymentMoney* money = ledger_.find_payment(record.order, record.id);
  if (to == PaymentState::kSuccess && (money == nullptr || money->charged_minor == 0)) {
    violation(record.order, "payment_state", at,
              "payment " + std::to_string(record.id) +
                  " is SUCCESS in the records but the channel never charged it");
  }
  // (A REFUNDED payment that the channel charged twice still holds the second charge, which the
  // records cannot know of: the system refunds what it knows it took, the payment's amount.)
  if (to == PaymentState::kRefunded && !trusts_accepted_refunds() &&
      (money == nullptr || money->refunded_minor < record.amount_minor)) {
    violation(record.order, "payment_state", at,
              "payment " + std::to_string(record.id) +
                  " is REFUNDED in the records but the channel refunded " +
                  std::to_string(money ? money->refunded_minor : 0) + " of its " +
                  std::to_string(record.amount_minor) + " minor");
  }
  if (to == PaymentState::kPaying && from != PaymentState::kPaying) ++pending_payments_;
  if (from == PaymentState::kPaying && to != PaymentState::kPaying && pending_payments_ > 0)
    --pending_payments_;
  report_.timeseries.set_max(minute_of(at), reports::kPendingPayments,
                             static_cast<int64_t>(pending_payments_));
  update(record.order, [&](Tally& t) {
    t.last_payment_event_at = at;
    const uint32_t bit = ordinal_bit(record.attempt);
    t.success_mask = to == PaymentState::kSuccess ? t.success_mask | bit : t.success_mask & ~bit;
    t.refunded_mask =
        to == PaymentState::kRefunded ? t.refunded_mask | bit : t.refunded_mask & ~bit;
  });
}

void Recorder::on_refund_issued(const sut::PaymentRecord& record, sut::RefundReason reason, int64_t,
                                sim::Time at) {
  reports::RefundCounts& refunds = report_.refunds;
  ++refunds.requested;
  switch (reason) {
    case sut::RefundReason::kDuplicate:
      ++refunds.duplicate;
      break;
    case sut::RefundReason::kExtraCharge:
      ++refunds.extra_charge;
      break;
    case sut::RefundReason::kLatePayment:
      ++refunds.late_payment;
      break;
    case sut::RefundReason::kClosedPayment:
      ++refunds.closed_payment;
      break;
    case sut::RefundReason::kRepeatPurchase:
      ++refunds.repeat_purchase;
      break;
  }
  report_.duplicates.refunds_issued = refunds.duplicate + refunds.extra_charge;
  // Every refund matches a charge: the system may only ask to refund a payment the channel charged.
  const channels::Ledger::PaymentMoney* money = ledger_.find_payment(record.order, record.id);
  if (tallies_.contains(record.order) && (money == nullptr || money->charged_minor == 0)) {
    violation(record.order, "refund_issued", at,
              "refund issued for payment " + std::to_string(record.id) +
                  ", which the channel never charged");
  }
  update(record.order, [&](Tally& t) { t.last_payment_event_at = at; });
}

void Recorder::on_refund_given_up(const sut::PaymentRecord&, sut::RefundReason, sim::Time) {
  ++report_.refunds.gave_up;
}

void Recorder::on_reconciliation_run(uint64_t orders_checked, sim::Time) {
  ++report_.reconciliation.runs;
  report_.reconciliation.orders_checked += orders_checked;
}

void Recorder::on_reconciliation_fix(sut::OrderId, ReconciliationFix fix, sim::Time) {
  reports::ReconciliationCounts& r = report_.reconciliation;
  switch (fix) {
    case ReconciliationFix::kPaymentFound:
      ++r.payments_found;
      break;
    case ReconciliationFix::kNotifyResent:
      ++r.notifies_resent;
      break;
    case ReconciliationFix::kRefundRequested:
      ++r.refunds_requested;
      break;
  }
}

void Recorder::on_compensation_exhausted(const sut::PaymentRecord&, sim::Time) {
  ++compensation_exhausted_;
}

// ---- ledger (ground truth) -------------------------------------------------------------------

void Recorder::on_charge(const channels::PaymentKey& key, int64_t amount_minor, sim::Time at) {
  update(key.order, [&](Tally& t) {
    if (t.charges == 0) t.first_charge_at = at;
    ++t.charges;
    t.held_minor += amount_minor;
    t.amount_minor = amount_minor;
  });
}

void Recorder::on_refund(const channels::PaymentKey& key, int64_t amount_minor, sim::Time at) {
  update(key.order, [&](Tally& t) {
    ++t.refunds;
    t.held_minor -= amount_minor;
  });
  const Tally* tally = tallies_.find(key.order);
  if (tally != nullptr && tally->paid && tally->held_minor <= 0) {
    ++report_.duplicates.wrong_refunds;
    violation(
        key.order, "refund", at,
        "refund of payment " + std::to_string(key.payment) + " left a PAID order with no charge");
  }
}

void Recorder::on_refund_refused(const channels::PaymentKey& key, int64_t amount_minor,
                                 sim::Time at) {
  violation(key.order, "refund", at,
            "the channel refused a refund of " + std::to_string(amount_minor) +
                " minor for payment " + std::to_string(key.payment) +
                ": it no longer holds that much (a refund asked twice)");
}

// ---- cost ------------------------------------------------------------------------------------

void Recorder::on_channel_query(uint32_t, sim::Time at) {
  ++report_.cost.channel_queries;
  const int64_t second = at.us() / 1'000'000;
  if (second != query_second_) {
    query_second_ = second;
    queries_this_second_ = 0;
  }
  ++queries_this_second_;
  if (queries_this_second_ > report_.cost.peak_query_qps)
    report_.cost.peak_query_qps = queries_this_second_;
  report_.timeseries.add(minute_of(at), reports::kQueries, 1);
}

void Recorder::on_rows_scanned(uint64_t rows, sim::Time) { report_.cost.db_rows_scanned += rows; }
void Recorder::on_mq_message(sim::Time) { ++report_.cost.mq_messages; }
void Recorder::on_dead_letter(sim::Time) { ++report_.cost.dead_letters; }
void Recorder::on_notify_attempt(sim::Time) { ++report_.cost.notify_attempts; }

void Recorder::sample_minute(sim::Time at) {
  report_.timeseries.set_max(minute_of(at - sim::Duration::micros(1)), reports::kPendingPayments,
                             static_cast<int64_t>(pending_payments_));
}

}  // namespace harness
