// LedgerJournal: every movement of money the channel's Ledger records, kept for live mode's
// ground truth: the ledger as JSON lines (at exit and at /admin/ledger) and statements (对账单)
// for any window a merchant asks, in any order.
//
// The model's Ledger::statement forgets movements once a later window is asked (the simulator
// asks windows in increasing order); a live merchant may ask any window again, so the journal
// keeps its own list, bounded like the trades it belongs to.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mock_channels/ledger.h"

namespace live {

class TradeBook;

struct Movement {
  enum class Kind : uint8_t { kCharge, kRefund, kRefundRefused };
  Kind kind = Kind::kCharge;
  channels::PaymentKey key;
  int64_t amount_minor = 0;
  int64_t at_us = 0;  // channel time
};

class LedgerJournal final : public channels::LedgerObserver {
 public:
  void on_charge(const channels::PaymentKey& key, int64_t amount_minor, sim::Time at) override;
  void on_refund(const channels::PaymentKey& key, int64_t amount_minor, sim::Time at) override;
  void on_refund_refused(const channels::PaymentKey& key, int64_t amount_minor,
                         sim::Time at) override;

  const std::vector<Movement>& movements() const { return movements_; }

  // One JSON object per line and movement, in the order the money moved.
  std::string json_lines(const TradeBook& trades) const;

  // The statement for [from_us, to_us): one line per payment whose money moved then (refusals
  // move nothing), with the payment's totals now, ordered by order then payment, as
  // channels::StatementSource::statement(from, to) defines it.
  std::vector<channels::StatementLine> statement(const channels::Ledger& ledger, int64_t from_us,
                                                 int64_t to_us) const;
  // The same as CSV with a header row, trade ids and merchant order ids.
  static std::string statement_csv(const std::vector<channels::StatementLine>& lines,
                                   const TradeBook& trades);

 private:
  std::vector<Movement> movements_;
};

}  // namespace live
