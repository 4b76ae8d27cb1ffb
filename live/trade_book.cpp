#include "live/trade_book.h"

#include <charconv>

namespace live {

std::string trade_id(channels::PaymentId payment) { return "tr_" + std::to_string(payment); }

std::optional<channels::PaymentId> parse_trade_id(std::string_view text) {
  constexpr std::string_view kPrefix = "tr_";
  if (text.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  channels::PaymentId payment = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), payment);
  if (ec != std::errc() || end != text.data() + text.size() || payment == 0) return std::nullopt;
  return payment;
}

TradeRecord* TradeBook::add(const std::string& merchant_order_id, int64_t amount_minor,
                            int64_t created_ms) {
  if (trades_.size() >= max_trades_) return nullptr;
  OrderEntry& order = orders_[merchant_order_id];
  if (order.order == 0) order.order = orders_.size();
  TradeRecord& trade = trades_.emplace_back();
  trade.key = channels::PaymentKey{.order = order.order,
                                   .payment = trades_.size(),
                                   .attempt = order.trades++,
                                   .channel = channel_index_};
  trade.merchant_order_id = merchant_order_id;
  trade.amount_minor = amount_minor;
  trade.created_ms = created_ms;
  return &trade;
}

TradeRecord* TradeBook::find(channels::PaymentId payment) {
  return payment >= 1 && payment <= trades_.size() ? &trades_[payment - 1] : nullptr;
}

const TradeRecord* TradeBook::find(channels::PaymentId payment) const {
  return payment >= 1 && payment <= trades_.size() ? &trades_[payment - 1] : nullptr;
}

std::optional<TradeBook::KeyUse> TradeBook::find_key(const std::string& key,
                                                     const std::string& merchant_order_id,
                                                     int64_t amount_minor) const {
  const auto found = keys_.find(key);
  if (found == keys_.end()) return std::nullopt;
  const TradeRecord* trade = find(found->second);
  const bool same = trade != nullptr && trade->merchant_order_id == merchant_order_id &&
                    trade->amount_minor == amount_minor;
  return KeyUse{found->second, !same};
}

void TradeBook::remember_key(const std::string& key, channels::PaymentId payment) {
  keys_.emplace(key, payment);
}

}  // namespace live
