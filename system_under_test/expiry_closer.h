// ExpiryCloser: the payment service's side of an order's expiry (close_order_payments). It closes
// every payment of the order still in flight (PAYING) at its channel, waits until each close has
// been answered, and then answers the order service with the payment that pays the order, if one
// turned up: a close that raced the user's payment (or a success whose notify has not landed)
// leaves the order a payment, and the order service settles the order by it rather than closing
// it.
//
// What a close answer does to the payment itself (closed, or succeeded after all) is the payment
// service's business, applied before it tells the closer (on_close_answered). Expiries in
// progress are durable: a close answer that arrives across a crash still completes its expiry.
#pragma once

#include <cstdint>

#include "contracts/shop_api.h"
#include "sim/id_map.h"
#include "system_under_test/channel_calls.h"
#include "system_under_test/payment_db.h"

namespace sut {

class ExpiryCloser {
 public:
  ExpiryCloser(PaymentDb& db, ChannelCalls& calls) : db_(db), calls_(calls) {}

  // Where the answers go. REQUIRES: before the first expiry; it outlives the closer.
  void connect(shop::OrderReplies& order_replies) { order_replies_ = &order_replies; }

  // The order expired (the order service's `call`): close its payments in flight.
  void close_order_payments(CallId call, OrderId order);
  // A close of one of the order's payments was answered, whoever asked for it.
  void on_close_answered(OrderId order);

 private:
  // Every in-flight payment of an expiring order has answered its close: hands the order back.
  void finish_closing(CallId call, OrderId order);

  struct Expiring {
    CallId call = 0;           // the order service's close_order_payments call
    uint32_t outstanding = 0;  // closes not yet answered
  };
  PaymentDb& db_;
  ChannelCalls& calls_;
  shop::OrderReplies* order_replies_ = nullptr;
  sim::IdMap<Expiring> expiring_;  // order id -> its expiry close in progress
};

}  // namespace sut
