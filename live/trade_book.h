// TradeBook: the names a merchant sees for the model's trades, and the idempotency keys of the
// create calls that made them.
//
// A merchant names its order (merchant_order_id, any string) and gets a trade id ("tr_<n>") per
// create. Underneath every trade is a channels::PaymentKey: the order id numbers the distinct
// merchant order ids in the order they first appear (1, 2, ...), the payment id numbers trades
// (1, 2, ...), and `attempt` counts the trades of that order. So a merchant that creates the same
// trades in the same order gets the same keys, and with the same seed the same faults, as the
// simulator would draw for them (the channel's draws are keyed by order and attempt).
//
// Idempotency follows Stripe: the first create with a key decides the trade; a repeat with the
// same parameters replays it, with other parameters it is refused.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contracts/channel_api.h"

namespace live {

struct TradeRecord {
  channels::PaymentKey key;
  std::string merchant_order_id;
  int64_t amount_minor = 0;
  int64_t created_ms = 0;       // channel time of the create request
  uint32_t callbacks_sent = 0;  // deliveries of this trade's callbacks to the merchant
  uint32_t last_sequence = 0;   // highest callback attempt delivered so far
  bool user_decided = false;    // --auto-pay: the user's pay decision was made for this trade
};

std::string trade_id(channels::PaymentId payment);  // "tr_<payment>"
std::optional<channels::PaymentId> parse_trade_id(std::string_view text);

class TradeBook {
 public:
  TradeBook(uint32_t channel_index, size_t max_trades)
      : channel_index_(channel_index), max_trades_(max_trades) {}

  // A new trade for the merchant's order; nullptr when the book holds max_trades already.
  TradeRecord* add(const std::string& merchant_order_id, int64_t amount_minor, int64_t created_ms);
  TradeRecord* find(channels::PaymentId payment);
  const TradeRecord* find(channels::PaymentId payment) const;
  size_t size() const { return trades_.size(); }

  // The idempotency key's trade, or nullopt the first time; `conflict` is set when the key was
  // first used with other parameters.
  struct KeyUse {
    channels::PaymentId payment = 0;
    bool conflict = false;
  };
  std::optional<KeyUse> find_key(const std::string& key, const std::string& merchant_order_id,
                                 int64_t amount_minor) const;
  void remember_key(const std::string& key, channels::PaymentId payment);

 private:
  uint32_t channel_index_;
  size_t max_trades_;
  // trades_[payment - 1]. A deque: growing never moves the trades, so a create never pays for
  // copying all earlier ones (a vector's reallocation stalled answers by 100+ ms at 600k trades),
  // and TradeRecord pointers stay valid.
  std::deque<TradeRecord> trades_;
  struct OrderEntry {
    channels::OrderId order = 0;
    uint32_t trades = 0;
  };
  std::map<std::string, OrderEntry, std::less<>> orders_;
  std::map<std::string, channels::PaymentId, std::less<>> keys_;
};

}  // namespace live
