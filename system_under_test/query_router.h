// QueryRouter: where a question about a payment's fate goes. Two kinds arrive:
//  - the order service's active query about an order it still sees unpaid (query_order). The
//    records answer first: a success the order never heard of is notified again (an internal
//    drop, OrderNotifier::renotify); only payments the records still see in flight are queried
//    at their channel;
//  - compensation's queries of one payment (query_payment, PaymentQueries), counted as channel
//    queries.
// It only asks: the channels' answers come back to the payment service (on_query_reply), which
// applies them and tells compensation.
#pragma once

#include "contracts/channel_api.h"
#include "contracts/shop_api.h"
#include "sim/runtime.h"
#include "sim/trace.h"
#include "system_under_test/channel_calls.h"
#include "system_under_test/observer.h"
#include "system_under_test/order_notifier.h"
#include "system_under_test/payment_db.h"

namespace sut {

class QueryRouter {
 public:
  QueryRouter(const sim::Runtime& runtime, PaymentDb& db, ChannelCalls& calls,
              OrderNotifier& notifier, SystemObserver& observer, sim::Tracer* tracer)
      : runtime_(runtime),
        db_(db),
        calls_(calls),
        notifier_(notifier),
        observer_(observer),
        tracer_(tracer) {}

  // Where the answers to the order service go. REQUIRES: before the first query_order.
  void connect(shop::OrderReplies& order_replies) { order_replies_ = &order_replies; }

  // The order service's query (`call`) about `order`; answered at once, the channel queries it
  // starts answer later.
  void query_order(CallId call, OrderId order);
  // Queries the payment at its channel, for `source`.
  void query_payment(PaymentId payment, channels::QuerySource source);

 private:
  void answer_order_query(OrderId order);

  const sim::Runtime& runtime_;
  PaymentDb& db_;
  ChannelCalls& calls_;
  OrderNotifier& notifier_;
  SystemObserver& observer_;
  sim::Tracer* tracer_;
  shop::OrderReplies* order_replies_ = nullptr;
};

}  // namespace sut
