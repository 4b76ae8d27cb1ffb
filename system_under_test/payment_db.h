// PaymentDb: the payment service's database. Durable: it survives a payment-service crash.
//
// Holds the payments table (流水), an index of payments by order, the pending table (掉单表:
// only unresolved payments, rows deleted at a final state or when polling gives up), a count of
// rows created per second so a full-table scan can be costed without iterating a million rows,
// and, for a full scan, an index of the payments it may still query.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <span>

#include "sim/activity.h"
#include "sim/id_map.h"
#include "sim/inline_vector.h"
#include "system_under_test/internal/map_node_cache.h"
#include "system_under_test/records.h"

namespace sut {

// What scheduled polling keeps for each payment it re-queries, in either source: the row's
// query count (`UPDATE ... SET query_count = query_count + 1`) and the next point of the age
// schedule it waits for.
struct PollProgress {
  uint32_t attempts = 0;        // queries made for this payment
  uint32_t next_age_index = 0;  // decreasing-frequency polling: next age to wait for
};

struct PendingRow {
  sim::Time created_at;
  PollProgress progress;
  sim::Hold hold;  // the row keeps its order in flight
};

// A full scan's candidate: a payment that is not terminal and has not been given up.
struct ScanRow {
  sim::Time created_at;
  // Rows inserted into the payments table before this one: its place in a scan ordered by id,
  // which decides the page it is read in.
  uint64_t ordinal = 0;
  PollProgress progress;
};

class PaymentDb {
 public:
  explicit PaymentDb(sim::Activity& activity) : activity_(activity) {}

  // Whether to keep the index of full-scan candidates (only a full-scan poller reads it; it costs
  // an ordered-map insert and erase per payment).
  void set_index_scan_rows(bool on) { index_scan_rows_ = on; }

  // Inserts a new payment. REQUIRES: its id is new.
  PaymentRecord& insert(const PaymentRecord& record);
  PaymentRecord* find(PaymentId id) { return payments_.find(id); }
  const PaymentRecord* find(PaymentId id) const { return payments_.find(id); }

  // The payments of an order in creation order (empty if none). The view is valid until the next
  // insert or erase_order (of any order: the index moves its entries when it grows or shrinks).
  std::span<const PaymentId> payments_of(OrderId order) const;
  // Incremented by every insert for the order: the version a compare-and-set checks.
  uint64_t order_version(OrderId order) const;
  // The payment that pays the order: its first success, the one the order service is told of.
  // Any later success of the order is a duplicate. 0 while the order has none (or after that
  // payment was refunded). REQUIRES for set_paid_by: the order has payments.
  PaymentId paid_by(OrderId order) const;
  void set_paid_by(OrderId order, PaymentId payment);

  // The pending table, ordered by payment id (= creation order).
  void add_pending(const PaymentRecord& record);
  void remove_pending(PaymentId id) { pending_nodes_.erase(pending_, id); }
  std::map<PaymentId, PendingRow>& pending() { return pending_; }
  size_t pending_rows() const { return pending_.size(); }

  // Rows created since `since`, counted in whole seconds (what a full scan with that lookback
  // reads): the last rows_created_since(since) rows inserted.
  uint64_t rows_created_since(sim::Time since) const;
  // Rows ever inserted (erase_order forgets records, not that they were written).
  uint64_t rows_inserted() const { return rows_inserted_; }

  // A full scan's candidates, ordered by id (= creation order = ordinal): non-terminal payments
  // that polling has not given up. Kept only with set_index_scan_rows(true).
  std::map<PaymentId, ScanRow>& scan_rows() { return scan_rows_; }
  void remove_scan_row(PaymentId id) { scan_row_nodes_.erase(scan_rows_, id); }
  void note_state(const PaymentRecord& record);  // a terminal payment leaves scan_rows

  // Frees every record of a finished order.
  void erase_order(OrderId order);
  size_t payment_count() const { return payments_.size(); }

 private:
  struct OrderIndex {
    // Almost every order has one payment: kept inline, so the index costs no allocation.
    sim::InlineVector<PaymentId, 1> payments;
    uint64_t version = 0;
    PaymentId paid_by = 0;
  };

  sim::Activity& activity_;
  sim::IdMap<PaymentRecord> payments_;
  sim::IdMap<OrderIndex> by_order_;
  std::map<PaymentId, PendingRow> pending_;
  std::map<PaymentId, ScanRow> scan_rows_;
  // Rows come and go with every payment: their nodes are reused rather than freed.
  internal::MapNodeCache<std::map<PaymentId, PendingRow>> pending_nodes_;
  internal::MapNodeCache<std::map<PaymentId, ScanRow>> scan_row_nodes_;
  std::deque<std::pair<int64_t, uint64_t>> created_per_second_;  // (second, rows), oldest first
  uint64_t rows_inserted_ = 0;
  bool index_scan_rows_ = false;
};

}  // namespace sut
