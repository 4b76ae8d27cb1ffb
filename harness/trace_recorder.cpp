#include "harness/trace_recorder.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "harness/world.h"

namespace harness {

TraceRecorder::TraceRecorder(uint64_t order, size_t max_lines)
    : order_(order), max_lines_(max_lines) {}

void TraceRecorder::record(sim::Time at, std::string_view component, uint64_t entity,
                           std::string message) {
  if (entity == order_ && entity != 0) refresh_money();
  if (lines_.size() >= max_lines_) {
    ++dropped_lines_;
    return;
  }
  lines_.push_back(Line{at, std::string(component), entity, std::move(message)});
}

void TraceRecorder::refresh_money() {
  if (ledger_ == nullptr) return;
  const channels::Ledger::OrderMoney* money = ledger_->find(order_);
  if (money == nullptr) return;
  money_.seen = true;
  money_.charges = money->charges;
  money_.refunds = money->refunds;
  money_.charged_minor = money->charged_minor;
  money_.refunded_minor = money->refunded_minor;
  money_.payments_charged = money->payments.size();
}

void TraceRecorder::on_order_created(sut::OrderId order, sim::Time) {
  if (order == order_) created_ = true;
}

void TraceRecorder::on_order_state(sut::OrderId order, sut::OrderState, sut::OrderState to,
                                   sut::Resolution how, sut::PaymentId, sim::Time) {
  if (order != order_) return;
  order_state_ = to;
  if (to == sut::OrderState::kPaid) paid_how_ = how;
  refresh_money();
}

void TraceRecorder::on_payment_created(const sut::PaymentRecord& record) {
  if (record.order != order_ || payments_.size() >= kMaxPayments) return;
  payments_.push_back(Payment{record.id, record.channel, record.state, sut::Resolution::kNone});
}

void TraceRecorder::on_payment_state(const sut::PaymentRecord& record, sut::PaymentState,
                                     sut::Resolution how, sim::Time) {
  if (record.order != order_) return;
  for (Payment& p : payments_) {
    if (p.id != record.id) continue;
    p.state = record.state;
    if (how != sut::Resolution::kNone) p.learned_by = how;
  }
  refresh_money();
}

std::string format_sim_time(sim::Time at) {
  const int64_t ms_total = at.us() / 1000;
  const int64_t ms = ms_total % 1000;
  const int64_t s_total = ms_total / 1000;
  return fmt::format("{}:{:02}:{:02}.{:03}", s_total / 3600, (s_total / 60) % 60, s_total % 60, ms);
}

namespace {

std::string verdict(const TraceRecorder& trace) {
  const TraceRecorder::Money& m = trace.money();
  const int64_t held = m.charged_minor - m.refunded_minor;
  const bool paid = trace.order_state() == sut::OrderState::kPaid;
  const uint32_t unrefunded = m.charges >= m.refunds ? m.charges - m.refunds : 0;
  if (!m.seen || m.charges == 0)
    return paid ? "PAID with no charge: an invariant breach" : "never charged";
  if (held > 0 && !paid) return "DROPPED: the user was charged and the order is not PAID (掉单)";
  if (unrefunded > 1) return "DUPLICATE unresolved: more than one charge still held (重复支付)";
  if (m.charges > 1) return "duplicate charge, extra charges refunded";
  if (held == 0 && !paid) return "charged, then refunded; order not PAID";
  return "paid once, consistent";
}

}  // namespace

std::string render_trace(const TraceRecorder& trace) {
  std::string out;
  size_t width = 12;
  for (const TraceRecorder::Line& line : trace.lines())
    width = std::max(width, line.component.size());
  for (const TraceRecorder::Line& line : trace.lines()) {
    fmt::format_to(std::back_inserter(out), "{:>13}  {:<{}}  {}{}\n", format_sim_time(line.at),
                   line.component, width, line.entity == 0 ? "[all orders] " : "", line.message);
  }
  if (trace.truncated()) {
    fmt::format_to(std::back_inserter(out), "... truncated: {} more lines not kept (limit {})\n",
                   trace.dropped_lines(), trace.lines().size());
  }
  const TraceRecorder::Money& m = trace.money();
  fmt::format_to(std::back_inserter(out), "\nsummary of order {}:\n", trace.order());
  fmt::format_to(std::back_inserter(out), "  final order state: {}{}\n",
                 sut::to_string(trace.order_state()),
                 trace.order_state() == sut::OrderState::kPaid
                     ? " (learned by " + std::string(sut::to_string(trace.paid_by_how())) + ")"
                     : "");
  for (const TraceRecorder::Payment& p : trace.payments()) {
    fmt::format_to(std::back_inserter(out), "  payment {}: {}{}\n", p.id, sut::to_string(p.state),
                   p.learned_by == sut::Resolution::kNone
                       ? ""
                       : " (learned by " + std::string(sut::to_string(p.learned_by)) + ")");
  }
  fmt::format_to(
      std::back_inserter(out),
      "  ledger: {} charge(s) on {} payment(s), {} minor; {} refund(s), {} minor; holds {} minor\n",
      m.charges, m.payments_charged, m.charged_minor, m.refunds, m.refunded_minor,
      m.charged_minor - m.refunded_minor);
  fmt::format_to(std::back_inserter(out), "  verdict: {}\n", verdict(trace));
  return out;
}

std::optional<std::string> trace_order(const Scenario& scenario, uint64_t order, size_t max_lines,
                                       uint64_t* orders_created) {
  TraceRecorder trace(order, max_lines);
  World world(scenario, &trace, &trace);
  trace.watch_ledger(&world.ledger());
  const reports::Report& report = world.run();
  trace.refresh_money();  // still in flight at the end: the ledger has its final money
  *orders_created = report.orders.created;
  if (!trace.order_seen()) return std::nullopt;
  return render_trace(trace);
}

}  // namespace harness
