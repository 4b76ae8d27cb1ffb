// TraceRecorder: a sim::Tracer that keeps the life of one order (`paysim trace`).
//
// It wants the watched order and the global entity 0 (events that touch every order, such as
// a payment-service crash), keeps their lines in the order they were recorded (simulated time
// never goes back, so that is the timeline), and stops keeping after `max_lines`: the run goes
// on, the recorder only counts what it left out, and truncated() says so.
//
// It also keeps the summary the timeline ends with, from typed events, never from the text of
// the lines. An order's records are freed when it retires, so the summary is gathered while the
// run goes on:
//  - order and payment states: the recorder passes it every SystemObserver event after its own
//    (World's tap); the watched order's are kept: created, each state change of the order and of
//    each of its payments, with how the system learned it;
//  - money: after each event about the order, the order's entry in the ledger (the ground truth)
//    is copied, when a ledger was given with watch_ledger(); the last copy is the final money.
//
// Memory is bounded by max_lines (and the payments of one order); nothing else grows with the run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mock_channels/ledger.h"
#include "sim/trace.h"
#include "system_under_test/observer.h"

namespace harness {

class TraceRecorder final : public sim::Tracer, public sut::SystemObserver {
 public:
  struct Line {
    sim::Time at;
    std::string component;
    uint64_t entity = 0;  // the order, or 0 for a global event
    std::string message;
  };

  // The order's money as the ledger last showed it.
  struct Money {
    bool seen = false;  // the ledger had an entry for the order at least once
    uint32_t charges = 0;
    uint32_t refunds = 0;
    int64_t charged_minor = 0;
    int64_t refunded_minor = 0;
    size_t payments_charged = 0;  // distinct payments that took money
  };

  // One payment of the order as the system's records last showed it.
  struct Payment {
    sut::PaymentId id = 0;
    uint32_t channel = 0;
    sut::PaymentState state = sut::PaymentState::kUnpaid;
    sut::Resolution learned_by = sut::Resolution::kNone;  // of its last state change
  };

  static constexpr size_t kDefaultMaxLines = 10'000;
  static constexpr size_t kMaxPayments = 1'000;

  explicit TraceRecorder(uint64_t order, size_t max_lines = kDefaultMaxLines);

  // REQUIRES: `ledger` outlives every later record() call (the World that owns it).
  void watch_ledger(const channels::Ledger* ledger) { ledger_ = ledger; }

  bool wants(uint64_t entity) const override { return entity == order_ || entity == 0; }
  void record(sim::Time at, std::string_view component, uint64_t entity,
              std::string message) override;

  // Copies the ledger's entry for the order, if it still has one (the order is still open).
  void refresh_money();

  // SystemObserver: the typed events of the watched order.
  void on_order_created(sut::OrderId order, sim::Time at) override;
  void on_order_state(sut::OrderId order, sut::OrderState from, sut::OrderState to,
                      sut::Resolution how, sut::PaymentId payment, sim::Time at) override;
  void on_payment_created(const sut::PaymentRecord& record) override;
  void on_payment_state(const sut::PaymentRecord& record, sut::PaymentState from,
                        sut::Resolution how, sim::Time at) override;

  uint64_t order() const { return order_; }
  const std::vector<Line>& lines() const { return lines_; }
  bool truncated() const { return dropped_lines_ > 0; }
  uint64_t dropped_lines() const { return dropped_lines_; }
  const Money& money() const { return money_; }
  sut::OrderState order_state() const { return order_state_; }
  sut::Resolution paid_by_how() const { return paid_how_; }
  const std::vector<Payment>& payments() const { return payments_; }
  // The order was created in the run.
  bool order_seen() const { return created_; }

 private:
  uint64_t order_;
  size_t max_lines_;
  const channels::Ledger* ledger_ = nullptr;
  std::vector<Line> lines_;
  uint64_t dropped_lines_ = 0;
  Money money_;
  bool created_ = false;
  sut::OrderState order_state_ = sut::OrderState::kUnpaid;
  sut::Resolution paid_how_ = sut::Resolution::kNone;
  std::vector<Payment> payments_;
};

// "h:mm:ss.mmm" of simulated time since the run started (hours are not wrapped at 24).
std::string format_sim_time(sim::Time at);

// The whole timeline and its summary as text, one line per event.
std::string render_trace(const TraceRecorder& trace);

struct Scenario;

// Runs `scenario` once with a tracer on `order` and returns render_trace's text, or nullopt when
// the run created no order with that id. `*orders_created`: the orders the run created.
std::optional<std::string> trace_order(const Scenario& scenario, uint64_t order, size_t max_lines,
                                       uint64_t* orders_created);

}  // namespace harness
