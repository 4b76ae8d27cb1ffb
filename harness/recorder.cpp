#include "harness/recorder.h"

#include <bit>
#include <algorithm>
#include <string>

namespace harness {

using sut::OrderState;
using sut::PaymentState;
using sut::Resolution;

namespace {
int64_t minute_of(sim::Time at) { return at.us() / sim::Duration::minutes(1).us(); }
}  // namespace

Recorder::Recorder(const channels::Ledger& ledger, const sut::SystemConfig& system, reports::Report& report)
    : ledger_(ledger), system_(system), report_(report) {}

uint32_t Recorder::classify(const Tally& t) const {
  uint32_t flags = 0;
  if (t.charges >= 1) flags |= kCharged;
  if (t.paid) flags |= kPaid;
  if (t.held_minor > 0 && !t.paid) flags |= kDropped;
  if (!t.paid && !t.attempted) flags |= kAbandoned;
  if (!t.paid && t.attempted && t.held_minor == 0) flags |= kFailed;
  if (t.closed) flags |= kClosed;
  if (t.charges >= 2) flags |= kDuplicateCharged;
  if (t.unrefunded() > 1) flags |= kDuplicateUnresolved;
  const uint32_t unrefunded_successes = t.kept_success_mask & ~t.refund_asked_mask;
  // More than one bit set (std::popcount would be a libgcc call on every update).
  if (system_.dedup.refund_duplicates && (unrefunded_successes & (unrefunded_successes - 1)) != 0) {
    flags |= kExtraSuccess;
  }
  return flags;
}

template <class Change>
void Recorder::update(sut::OrderId order, Change&& change) {
  Tally* tally = tallies_.find(order);
  if (tally == nullptr) return;  // retired, or never created (cannot happen in a sound run)
  const uint32_t before = classify(*tally);
  const int64_t over_before = tally->unrefunded() > 1 ? (tally->unrefunded() - 1) * tally->amount_minor : 0;
  change(*tally);
  const uint32_t after = classify(*tally);
  const int64_t over_after = tally->unrefunded() > 1 ? (tally->unrefunded() - 1) * tally->amount_minor : 0;
  overcharged_minor_ += over_after - over_before;
  if (before == after && over_before == over_after) return;  // the common case: nothing to re-count
  for (uint32_t changed = before ^ after; changed != 0; changed &= changed - 1) {
    const int bit = std::countr_zero(changed);
    const uint32_t mask = 1u << bit;
    if (after & mask) {
      ++totals_[bit];
      if (mask == kDuplicateCharged && (first_duplicate_ == 0 || order < first_duplicate_)) first_duplicate_ = order;
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
  orders.abandoned = totals_[3];
  orders.failed = totals_[4];
  orders.closed = totals_[5];
  report_.duplicates.charged_orders = totals_[6];
  report_.duplicates.unresolved = totals_[7];
  report_.duplicates.refunded = totals_[6] - totals_[7];
  report_.duplicates.overcharged_minor = static_cast<uint64_t>(overcharged_minor_);
}

void Recorder::violation(sut::OrderId order, std::string event, sim::Time at, std::string message) {
  report_.invariants.record(reports::InvariantViolation{order, std::move(event), at.us(), std::move(message)});
}

void Recorder::check_at_end(sut::OrderId order, const Tally& tally, const char* event, sim::Time at) {
  // Issue 5: with refund_duplicates on, an order ends with at most one kept success; every other
  // success must at least have had its refund asked for (a refund the channel then refuses or
  // fails for good is an outcome, counted in duplicates.unresolved, not a breach).
  if (classify(tally) & kExtraSuccess) {
    violation(order, event, at,
              std::to_string(std::popcount(tally.kept_success_mask)) +
                  " payments kept SUCCESS at the end and no refund was asked for the extra ones, although "
                  "refund_duplicates is on");
  }
}

void Recorder::finish(sim::Time at) {
  // Retired orders were checked as they retired; the running count says whether any order still
  // in flight needs the check, so the scan below runs only when there is something to report.
  if (totals_[kExtraSuccessBit] == 0) return;
  for (uint64_t order = 1; order <= last_order_; ++order) {
    if (const Tally* tally = tallies_.find(order)) check_at_end(order, *tally, "end_of_run", at);
  }
}

void Recorder::retire(sut::OrderId order, uint64_t paying_payments) {
  pending_payments_ -= std::min(pending_payments_, paying_payments);
  if (const Tally* tally = tallies_.find(order)) {
    check_at_end(order, *tally, "retire", tally->last_payment_event_at);
    if ((classify(*tally) & kDropped) && (first_dropped_retired_ == 0 || order < first_dropped_retired_)) {
      first_dropped_retired_ = order;
    }
  }
  tallies_.erase(order);
}

uint64_t Recorder::first_dropped() const {
  // Orders still in flight keep their tallies; only those below the retired minimum matter.
  const uint64_t limit = first_dropped_retired_ == 0 ? last_order_ + 1 : first_dropped_retired_;
  for (uint64_t order = 1; order < limit; ++order) {
    const Tally* tally = tallies_.find(order);
    if (tally != nullptr && (classify(*tally) & kDropped)) return order;
  }
  return first_dropped_retired_;
}

// ---- orders and users ------------------------------------------------------------------------

void Recorder::on_order_created(sut::OrderId order, sim::Time) {
  const Tally& tally = tallies_.insert(order, Tally{});
  ++report_.orders.created;
  if (order > last_order_) last_order_ = order;
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

void Recorder::on_user_returned(sut::OrderId order, sim::Time at) {
  update(order, [&](Tally& t) {
    t.returned = true;
    t.returned_at = at;
  });
}

void Recorder::on_order_state(sut::OrderId order, OrderState from, OrderState to, Resolution how, sim::Time at) {
  Tally* tally = tallies_.find(order);
  if (tally == nullptr) return;
  if (to == OrderState::kPaid) {
    if (tally->paid) violation(order, "order_paid", at, "order became PAID twice");
    if (tally->charges == 0) {
      violation(order, "order_paid", at, "order PAID with no charge at any channel");
    } else {
      report_.latency.charge_to_paid_us.record((at - tally->first_charge_at).us());
    }
    if (tally->clicked) report_.latency.pay_to_paid_us.record((at - tally->first_click_at).us());
    reports::ResolvedBy& r = report_.resolved_by;
    switch (how) {
      case Resolution::kCallback: ++r.callback; break;
      case Resolution::kPolling: ++r.polling; break;
      case Resolution::kDelayMessage: ++r.delay_message; break;
      case Resolution::kOrderQuery: ++r.order_query; break;
      case Resolution::kSync: ++r.sync; break;
      case Resolution::kReconciliation: ++r.reconciliation; break;
      case Resolution::kClose: ++r.close; break;
      case Resolution::kNone: break;
    }
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
    if (first_user_visible_ == 0 || order < first_user_visible_) first_user_visible_ = order;
  }
}

// ---- payments --------------------------------------------------------------------------------

void Recorder::on_payment_created(const sut::PaymentRecord& record) {
  if (!sut::is_terminal(record.state) && record.state == PaymentState::kPaying) ++pending_payments_;
}

void Recorder::on_payment_state(const sut::PaymentRecord& record, PaymentState from, Resolution, sim::Time at) {
  const PaymentState to = record.state;
  if (!sut::is_allowed_transition(from, to)) {
    violation(record.order, "payment_state", at,
              "payment " + std::to_string(record.id) + " moved " + std::string(sut::to_string(from)) + " -> " +
                  std::string(sut::to_string(to)) + " (a terminal state left)");
  }
  if (to == PaymentState::kPaying && from != PaymentState::kPaying) ++pending_payments_;
  if (from == PaymentState::kPaying && to != PaymentState::kPaying && pending_payments_ > 0) --pending_payments_;
  report_.timeseries.set_max(minute_of(at), reports::kPendingPayments, static_cast<int64_t>(pending_payments_));
  update(record.order, [&](Tally& t) {
    t.last_payment_event_at = at;
    if (to == PaymentState::kSuccess) t.kept_success_mask |= ordinal_bit(record.attempt);
    if (from == PaymentState::kSuccess) t.kept_success_mask &= ~ordinal_bit(record.attempt);
  });
}

void Recorder::on_refund_issued(const sut::PaymentRecord& record, sim::Time at) {
  ++report_.duplicates.refunds_issued;
  // Issue 5, every refund matches a charge: the system may only ask to refund a payment the
  // channel charged (the ledger refuses the rest, which the ledger-side check below sees too).
  const channels::Ledger::PaymentMoney* money = ledger_.find_payment(record.order, record.id);
  if (tallies_.contains(record.order) && (money == nullptr || money->charged_minor == 0)) {
    violation(record.order, "refund_issued", at,
              "refund issued for payment " + std::to_string(record.id) + ", which the channel never charged");
  }
  update(record.order, [&](Tally& t) {
    t.last_payment_event_at = at;
    t.refund_asked_mask |= ordinal_bit(record.attempt);
  });
}

void Recorder::on_reconciliation_fix(sut::OrderId, sim::Time) { ++report_.resolved_by.reconciliation; }

void Recorder::on_compensation_exhausted(const sut::PaymentRecord&, sim::Time) { ++compensation_exhausted_; }

// ---- ledger (ground truth) -------------------------------------------------------------------

void Recorder::on_charge(const channels::PaymentKey& key, int64_t amount_minor, sim::Time at) {
  update(key.order, [&](Tally& t) {
    if (t.charges == 0) t.first_charge_at = at;
    ++t.charges;
    t.held_minor += amount_minor;
    t.amount_minor = amount_minor;
  });
  const Tally* tally = tallies_.find(key.order);
  const channels::Ledger::OrderMoney* money = ledger_.find(key.order);
  if (tally != nullptr && (money == nullptr || money->held_minor() != tally->held_minor)) {
    violation(key.order, "charge", at, "money conservation: the ledger and the observed charges disagree");
  }
}

void Recorder::on_refund(const channels::PaymentKey& key, int64_t amount_minor, sim::Time at) {
  update(key.order, [&](Tally& t) {
    ++t.refunds;
    t.held_minor -= amount_minor;
  });
  const Tally* tally = tallies_.find(key.order);
  if (tally == nullptr) return;
  const channels::Ledger::PaymentMoney* payment = ledger_.find_payment(key.order, key.payment);
  if (payment == nullptr || payment->refunded_minor > payment->charged_minor) {
    violation(key.order, "refund", at,
              "refund of payment " + std::to_string(key.payment) + " larger than its charge");
  }
  if (tally->held_minor < 0) violation(key.order, "refund", at, "money conservation: more refunded than charged");
  if (tally->paid && tally->unrefunded() == 0) {
    ++report_.duplicates.wrong_refunds;
    violation(key.order, "refund", at,
              "refund of payment " + std::to_string(key.payment) + " left a PAID order with no charge");
  }
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
  if (queries_this_second_ > report_.cost.peak_query_qps) report_.cost.peak_query_qps = queries_this_second_;
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
