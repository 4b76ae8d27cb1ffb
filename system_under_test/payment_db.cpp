#include "system_under_test/payment_db.h"

#include <cassert>

namespace sut {

namespace {
// The per-second creation counts are kept this long; longer lookbacks are clamped to it.
constexpr int64_t kCreationHistorySeconds = 7 * 24 * 3600;
}  // namespace

PaymentRecord& PaymentDb::insert(const PaymentRecord& record) {
  PaymentRecord& stored = payments_.insert(record.id, record);
  OrderIndex& index = by_order_.find_or_insert(record.order);
  index.payments.push_back(record.id);
  ++index.version;
  if (index_scan_rows_ && !is_terminal(record.state)) {
    scan_row_nodes_.try_emplace(scan_rows_, record.id,
                                ScanRow{record.created_at, rows_inserted_, {}});
  }
  ++rows_inserted_;

  const int64_t second = record.created_at.us() / 1'000'000;
  if (created_per_second_.empty() || created_per_second_.back().first != second) {
    created_per_second_.emplace_back(second, 0);
  }
  ++created_per_second_.back().second;
  while (!created_per_second_.empty() &&
         created_per_second_.front().first < second - kCreationHistorySeconds) {
    created_per_second_.pop_front();
  }
  return stored;
}

std::span<const PaymentId> PaymentDb::payments_of(OrderId order) const {
  const OrderIndex* index = by_order_.find(order);
  if (index == nullptr) return {};
  return index->payments;
}

uint64_t PaymentDb::order_version(OrderId order) const {
  const OrderIndex* index = by_order_.find(order);
  return index ? index->version : 0;
}

PaymentId PaymentDb::paid_by(OrderId order) const {
  const OrderIndex* index = by_order_.find(order);
  return index ? index->paid_by : 0;
}

void PaymentDb::set_paid_by(OrderId order, PaymentId payment) {
  OrderIndex* index = by_order_.find(order);
  assert(index != nullptr);
  index->paid_by = payment;
}

void PaymentDb::add_pending(const PaymentRecord& record) {
  if (pending_.count(record.id)) return;
  pending_nodes_.try_emplace(pending_, record.id,
                             PendingRow{record.created_at, {}, sim::Hold(activity_, record.order)});
}

uint64_t PaymentDb::rows_created_since(sim::Time since) const {
  const int64_t first_second = since.us() / 1'000'000;
  uint64_t rows = 0;
  for (auto it = created_per_second_.rbegin();
       it != created_per_second_.rend() && it->first >= first_second; ++it) {
    rows += it->second;
  }
  return rows;
}

void PaymentDb::note_state(const PaymentRecord& record) {
  if (index_scan_rows_ && is_terminal(record.state)) scan_row_nodes_.erase(scan_rows_, record.id);
}

void PaymentDb::erase_order(OrderId order) {
  OrderIndex* index = by_order_.find(order);
  if (index == nullptr) return;
  for (PaymentId id : index->payments) {
    assert(!pending_.count(id) && "a pending row keeps its order busy");
    if (index_scan_rows_) scan_row_nodes_.erase(scan_rows_, id);
    payments_.erase(id);
  }
  by_order_.erase(order);
}

}  // namespace sut
