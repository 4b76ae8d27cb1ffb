// TraceRecorder: a sim::Tracer that keeps the life of one order (`paysim trace`).
//
// It wants the watched order and the global entity 0 (events that touch every order, such as
// a payment-service crash), keeps their lines in the order they were recorded (simulated time
// never goes back, so that is the timeline), and stops keeping after `max_lines`: the run goes
// on, the recorder only counts what it left out, and truncated() says so.
//
// It also keeps the summary the timeline ends with. An order's records are freed when it
// retires, so the summary is gathered while the run goes on:
//  - money: after each line about the order, the order's entry in the ledger (the ground truth)
//    is copied, when a ledger was given with watch_ledger(); the last copy is the final money,
//    since the channel traces every charge and refund after writing it to the ledger;
//  - order state: the order service's lines "order PAID ..." and "order CLOSED ..." (the
//    model has no other per-order signal a tracer can see).
//
// Memory is bounded by max_lines; nothing else grows with the run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mock_channels/ledger.h"
#include "sim/trace.h"

namespace harness {

class TraceRecorder final : public sim::Tracer {
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

  static constexpr size_t kDefaultMaxLines = 10'000;

  explicit TraceRecorder(uint64_t order, size_t max_lines = kDefaultMaxLines);

  // REQUIRES: `ledger` outlives every later record() call (the World that owns it).
  void watch_ledger(const channels::Ledger* ledger) { ledger_ = ledger; }

  bool wants(uint64_t entity) const override { return entity == order_ || entity == 0; }
  void record(sim::Time at, std::string_view component, uint64_t entity,
              std::string message) override;

  // Copies the ledger's entry for the order, if it still has one (the order is still open).
  void refresh_money();

  uint64_t order() const { return order_; }
  const std::vector<Line>& lines() const { return lines_; }
  bool truncated() const { return dropped_lines_ > 0; }
  uint64_t dropped_lines() const { return dropped_lines_; }
  const Money& money() const { return money_; }
  // "UNPAID", "PAID" or "CLOSED" from the order service's lines; "UNPAID" if none was seen.
  const std::string& order_state() const { return order_state_; }
  // The order had at least one line of its own (not only global ones).
  bool order_seen() const { return order_lines_ > 0; }

 private:
  uint64_t order_;
  size_t max_lines_;
  const channels::Ledger* ledger_ = nullptr;
  std::vector<Line> lines_;
  uint64_t dropped_lines_ = 0;
  uint64_t order_lines_ = 0;
  Money money_;
  std::string order_state_ = "UNPAID";
};

// "h:mm:ss.mmm" of simulated time since the run started (hours are not wrapped at 24).
std::string format_sim_time(sim::Time at);

// The whole timeline and its summary as text, one line per event.
std::string render_trace(const TraceRecorder& trace);

}  // namespace harness
