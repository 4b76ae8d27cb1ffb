#include "live/ledger_journal.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "live/trade_book.h"

namespace live {
namespace {

const char* kind_name(Movement::Kind kind) {
  switch (kind) {
    case Movement::Kind::kCharge:
      return "charge";
    case Movement::Kind::kRefund:
      return "refund";
    case Movement::Kind::kRefundRefused:
      return "refund_refused";
  }
  return "unknown";
}

// A merchant order id may contain a comma or a quote: quote every text field (RFC 4180).
std::string csv_text(const std::string& text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

}  // namespace

void LedgerJournal::on_charge(const channels::PaymentKey& key, int64_t amount_minor, sim::Time at) {
  movements_.push_back({Movement::Kind::kCharge, key, amount_minor, at.us()});
}

void LedgerJournal::on_refund(const channels::PaymentKey& key, int64_t amount_minor, sim::Time at) {
  movements_.push_back({Movement::Kind::kRefund, key, amount_minor, at.us()});
}

void LedgerJournal::on_refund_refused(const channels::PaymentKey& key, int64_t amount_minor,
                                      sim::Time at) {
  movements_.push_back({Movement::Kind::kRefundRefused, key, amount_minor, at.us()});
}

std::string LedgerJournal::json_lines(const TradeBook& trades) const {
  std::string out;
  for (const Movement& m : movements_) {
    const TradeRecord* trade = trades.find(m.key.payment);
    nlohmann::json line = {{"kind", kind_name(m.kind)},
                           {"trade_id", trade_id(m.key.payment)},
                           {"merchant_order_id", trade ? trade->merchant_order_id : ""},
                           {"order", m.key.order},
                           {"payment", m.key.payment},
                           {"attempt", m.key.attempt},
                           {"amount_minor", m.amount_minor},
                           {"at_us", m.at_us}};
    out += line.dump();
    out.push_back('\n');
  }
  return out;
}

std::vector<channels::StatementLine> LedgerJournal::statement(const channels::Ledger& ledger,
                                                              int64_t from_us,
                                                              int64_t to_us) const {
  std::vector<std::pair<channels::OrderId, channels::PaymentId>> moved;
  for (const Movement& m : movements_) {
    if (m.kind != Movement::Kind::kRefundRefused && m.at_us >= from_us && m.at_us < to_us) {
      moved.emplace_back(m.key.order, m.key.payment);
    }
  }
  std::sort(moved.begin(), moved.end());
  moved.erase(std::unique(moved.begin(), moved.end()), moved.end());
  std::vector<channels::StatementLine> lines;
  for (const auto& [order, payment] : moved) {
    for (const channels::StatementLine& line : ledger.statement(order)) {
      if (line.key.payment == payment) lines.push_back(line);
    }
  }
  return lines;
}

std::string LedgerJournal::statement_csv(const std::vector<channels::StatementLine>& lines,
                                         const TradeBook& trades) {
  std::string out =
      "trade_id,merchant_order_id,charges,charged_minor,refunded_minor,first_charge_ms\n";
  for (const channels::StatementLine& line : lines) {
    const TradeRecord* trade = trades.find(line.key.payment);
    out += trade_id(line.key.payment) + "," + csv_text(trade ? trade->merchant_order_id : "") +
           "," + std::to_string(line.charges) + "," + std::to_string(line.charged_minor) + "," +
           std::to_string(line.refunded_minor) + "," + std::to_string(line.first_charge_us / 1000) +
           "\n";
  }
  return out;
}

}  // namespace live
