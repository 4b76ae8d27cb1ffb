#include "harness/fault_coverage.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "harness/world.h"

namespace harness {

namespace {

struct PhaseText {
  std::string_view name;
  std::string_view short_name;
  std::string_view description;
};
constexpr std::array<PhaseText, kOrderPhaseCount> kPhaseTexts{{
    {"no-payment", "none", "unpaid, no payment inserted yet"},
    {"inserted", "inserted", "a payment inserted, the channel's create not answered yet"},
    {"paying", "paying", "a payment PAYING at the channel, the user not charged"},
    {"charged", "charged", "the user paid in the wallet, no payment SUCCESS in the records yet"},
    {"success-unpaid", "success", "a payment SUCCESS, the order still UNPAID"},
    {"concurrent", "2-pays", "two or more payments in flight for the order"},
    {"all-failed", "failed", "unpaid, every payment so far failed, closed or cancelled"},
    {"order-paid", "paid", "the order PAID, another payment still in flight"},
    {"order-closed", "closed", "the order CLOSED, a payment still in flight"},
    {"settled", "settled", "the order final and every payment final, or the order retired"},
}};

}  // namespace

std::string_view to_string(OrderPhase phase) {
  return kPhaseTexts[static_cast<size_t>(phase)].name;
}
std::string_view describe(OrderPhase phase) {
  return kPhaseTexts[static_cast<size_t>(phase)].description;
}
std::string_view short_name(OrderPhase phase) {
  return kPhaseTexts[static_cast<size_t>(phase)].short_name;
}

std::optional<size_t> fault_row(uint64_t fault) {
  for (size_t i = 0; i < kFaultKinds.size(); ++i) {
    if (sim::FaultTap::fault(kFaultKinds[i].name) == fault) return i;
  }
  return std::nullopt;
}

// ---- CoverageMatrix ---------------------------------------------------------------------------

void CoverageMatrix::merge(const CoverageMatrix& other) {
  for (size_t f = 0; f < kFaultKindCount; ++f) {
    for (size_t p = 0; p < kOrderPhaseCount; ++p) counts_[f][p] += other.counts_[f][p];
  }
  unknown_ += other.unknown_;
}

bool CoverageMatrix::reachable(size_t fault, OrderPhase phase) {
  if (phase != OrderPhase::kNoPayment) return true;
  return kFaultKinds[fault].name.starts_with("payment.");
}

uint64_t CoverageMatrix::total(size_t fault) const {
  uint64_t sum = 0;
  for (uint64_t n : counts_[fault]) sum += n;
  return sum;
}

// ---- FaultCoverage ----------------------------------------------------------------------------

OrderPhase FaultCoverage::phase_of(const Order& order) {
  size_t paying = 0, inserted = 0, success = 0;
  for (const Payment& p : order.payments) {
    paying += p.state == sut::PaymentState::kPaying;
    inserted += p.state == sut::PaymentState::kUnpaid;
    success += p.state == sut::PaymentState::kSuccess;
  }
  const size_t flying = paying + inserted;
  if (order.state == sut::OrderState::kPaid) {
    return flying > 0 ? OrderPhase::kOrderPaid : OrderPhase::kSettled;
  }
  if (order.state == sut::OrderState::kClosed) {
    return flying > 0 ? OrderPhase::kOrderClosed : OrderPhase::kSettled;
  }
  if (success > 0) return OrderPhase::kSuccessUnpaid;
  if (flying >= 2) return OrderPhase::kConcurrent;
  if (order.charged) return OrderPhase::kCharged;
  if (paying > 0) return OrderPhase::kPaying;
  if (inserted > 0) return OrderPhase::kInserted;
  return order.payments.empty() ? OrderPhase::kNoPayment : OrderPhase::kAllFailed;
}

OrderPhase FaultCoverage::phase(sut::OrderId order) const {
  const auto it = orders_.find(order);
  return it == orders_.end() ? OrderPhase::kSettled : phase_of(it->second);
}

void FaultCoverage::struck(uint64_t fault, uint64_t entity) {
  const std::optional<size_t> row = fault_row(fault);
  if (!row) {
    matrix_.add_unknown();
    return;
  }
  if (entity == sim::FaultTap::kEverything) {
    for (const auto& [order, state] : orders_) matrix_.add(*row, phase_of(state));
    return;
  }
  matrix_.add(*row, phase(entity));
}

void FaultCoverage::on_order_created(sut::OrderId order, sim::Time) { orders_[order]; }

void FaultCoverage::on_order_state(sut::OrderId order, sut::OrderState, sut::OrderState to,
                                   sut::Resolution, sut::PaymentId, sim::Time) {
  orders_[order].state = to;
}

void FaultCoverage::on_user_paid(sut::OrderId order, bool charged, sim::Time) {
  if (charged) orders_[order].charged = true;
}

void FaultCoverage::on_payment_created(const sut::PaymentRecord& record) {
  orders_[record.order].payments.push_back({record.id, record.state});
}

void FaultCoverage::on_payment_state(const sut::PaymentRecord& record, sut::PaymentState,
                                     sut::Resolution, sim::Time) {
  std::vector<Payment>& payments = orders_[record.order].payments;
  const auto it = std::find_if(payments.begin(), payments.end(),
                               [&](const Payment& p) { return p.id == record.id; });
  if (it == payments.end()) {
    payments.push_back({record.id, record.state});
  } else {
    it->state = record.state;
  }
}

CoverageMatrix run_with_coverage(const Scenario& scenario) {
  FaultCoverage coverage;
  World world(scenario, nullptr, &coverage);
  world.set_fault_tap(&coverage);
  world.run();
  return coverage.matrix();
}

// ---- output -----------------------------------------------------------------------------------

std::string coverage_table(const CoverageMatrix& matrix, size_t runs, size_t files) {
  constexpr size_t kNameWidth = 33;
  std::string out = fmt::format("fault coverage: {} run{} of {} scenario file{}\n\n", runs,
                                runs == 1 ? "" : "s", files, files == 1 ? "" : "s");
  out += fmt::format("{:<{}}", "fault \\ order when struck", kNameWidth);
  for (size_t p = 0; p < kOrderPhaseCount; ++p) {
    out += fmt::format(" {:>8}", short_name(static_cast<OrderPhase>(p)));
  }
  out += '\n';
  for (size_t f = 0; f < kFaultKindCount; ++f) {
    out += fmt::format("{:<{}}", kFaultKinds[f].name, kNameWidth);
    for (size_t p = 0; p < kOrderPhaseCount; ++p) {
      const auto phase = static_cast<OrderPhase>(p);
      out += CoverageMatrix::reachable(f, phase) ? fmt::format(" {:>8}", matrix.count(f, phase))
                                                 : fmt::format(" {:>8}", "-");
    }
    out += '\n';
  }
  out +=
      "\ncolumns (the order's state when the fault struck it; \"-\": no run can hit the cell):\n";
  for (size_t p = 0; p < kOrderPhaseCount; ++p) {
    const auto phase = static_cast<OrderPhase>(p);
    out += fmt::format("  {:<8} {:<15} {}\n", short_name(phase), to_string(phase), describe(phase));
  }

  std::vector<size_t> never;
  size_t reachable = 0, hit = 0;
  for (size_t f = 0; f < kFaultKindCount; ++f) {
    if (matrix.total(f) == 0) never.push_back(f);
    for (size_t p = 0; p < kOrderPhaseCount; ++p) {
      const auto phase = static_cast<OrderPhase>(p);
      if (!CoverageMatrix::reachable(f, phase)) continue;
      ++reachable;
      hit += matrix.count(f, phase) > 0;
    }
  }
  out += fmt::format("\n{} of {} reachable cells hit; {} of {} faults struck\n", hit, reachable,
                     kFaultKindCount - never.size(), kFaultKindCount);
  if (!never.empty()) {
    out += "\nfaults never struck (the keys that switch them on):\n";
    for (size_t f : never) {
      out += fmt::format("  {:<33} {}\n", kFaultKinds[f].name, kFaultKinds[f].keys);
    }
  }
  bool header = false;
  for (size_t f = 0; f < kFaultKindCount; ++f) {
    if (matrix.total(f) == 0) continue;
    std::string missing;
    for (size_t p = 0; p < kOrderPhaseCount; ++p) {
      const auto phase = static_cast<OrderPhase>(p);
      if (!CoverageMatrix::reachable(f, phase) || matrix.count(f, phase) > 0) continue;
      missing += missing.empty() ? "" : ", ";
      missing += to_string(phase);
    }
    if (missing.empty()) continue;
    if (!header) out += "\ncells never hit, by fault struck elsewhere:\n";
    header = true;
    out += fmt::format("  {:<33} {}\n", kFaultKinds[f].name, missing);
  }
  return out;
}

std::string coverage_json(const CoverageMatrix& matrix, size_t runs, size_t files) {
  nlohmann::ordered_json phases = nlohmann::ordered_json::array();
  for (size_t p = 0; p < kOrderPhaseCount; ++p) {
    const auto phase = static_cast<OrderPhase>(p);
    phases.push_back({{"name", to_string(phase)}, {"description", describe(phase)}});
  }
  nlohmann::ordered_json faults = nlohmann::ordered_json::array();
  nlohmann::ordered_json never_hit = nlohmann::ordered_json::array();
  for (size_t f = 0; f < kFaultKindCount; ++f) {
    nlohmann::ordered_json cells = nlohmann::ordered_json::object();
    for (size_t p = 0; p < kOrderPhaseCount; ++p) {
      const auto phase = static_cast<OrderPhase>(p);
      if (!CoverageMatrix::reachable(f, phase)) {
        cells[std::string(to_string(phase))] = nullptr;
        continue;
      }
      cells[std::string(to_string(phase))] = matrix.count(f, phase);
      if (matrix.count(f, phase) == 0) {
        never_hit.push_back({{"fault", kFaultKinds[f].name}, {"phase", to_string(phase)}});
      }
    }
    faults.push_back({{"fault", kFaultKinds[f].name},
                      {"keys", kFaultKinds[f].keys},
                      {"struck", matrix.total(f)},
                      {"cells", std::move(cells)}});
  }
  const nlohmann::ordered_json doc = {{"runs", runs},
                                      {"files", files},
                                      {"phases", std::move(phases)},
                                      {"faults", std::move(faults)},
                                      {"never_hit", std::move(never_hit)}};
  return doc.dump(2) + "\n";
}

}  // namespace harness
