// HttpShop: the app's side of the shop contract (contracts/shop_api.h) spoken over HTTP to a
// payment service that serves live/openapi/shop.json — `paysim serve-sut`, or a team's own. It
// is what `paysim live`'s app (sut::Client, unchanged) calls instead of the simulated links.
//
//   create_order -> POST /v1/orders {order_id, amount_minor, push_url when the app hears pushes}
//   order_state  -> GET  /v1/orders/{id}
//   apply_pay    -> POST /v1/orders/{id}/pay {channel, click}
//
// A 2xx (and the 409 "busy" / 502 "error" answers of apply pay, which carry an outcome) is an
// answer; another 4xx is kError; a 5xx, a broken connection, garbage or the deadline is kTimeout,
// counted, never a crash of the harness. The trade each payment is to be paid at (apply pay's
// `trade_id`) is kept for the wallet (live/live_wallet.h).
//
// The order-service / payment-service calls of the contract (notify, close, query, late payment)
// are the service's own business and never made by an app: calling them is a programming error.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "contracts/shop_api.h"
#include "live/http_client.h"
#include "live/real_time_runtime.h"
#include "sim/activity.h"
#include "system_under_test/observer.h"

namespace live {

using contracts::CallId;
using contracts::OrderId;
using contracts::PaymentId;

struct HttpShopStats {
  uint64_t calls = 0;
  uint64_t answered = 0;
  uint64_t refused = 0;  // 4xx without an outcome
  uint64_t failed = 0;   // 5xx, broken, garbage, deadline
};

class HttpShop final : public shop::OrderFront, public shop::PaymentFront {
 public:
  // `names[i]` is the scenario's channel i. The app's orders all cost `amount_minor`.
  // REQUIRES: all outlive the shop; connect() before the first call.
  // Every call in flight holds its order's activity, as the simulated links do.
  HttpShop(RealTimeRuntime& runtime, HttpClient& http, sim::Activity& activity,
           sut::SystemObserver& observer, std::vector<std::string> names, int64_t amount_minor,
           std::chrono::nanoseconds deadline);
  HttpShop(const HttpShop&) = delete;
  HttpShop& operator=(const HttpShop&) = delete;

  void connect(shop::AppReplies& app) { app_ = &app; }
  // Where the app hears "PAID" pushed (live/app_push.h): named in every order created after.
  void set_push_url(std::string url) { push_url_ = std::move(url); }

  // OrderFront, as the app calls it.
  // The shop's HTTP contract has no purchase key (live/openapi/shop.json): `purchase` is not sent.
  void create_order(CallId call, OrderId order, OrderId purchase) override;
  void order_state(CallId call, OrderId order) override;
  // PaymentFront, as the app calls it.
  void apply_pay(CallId call, const shop::ApplyPayRequest& request) override;

  // Not the app's calls (see the header comment).
  void notify_paid(CallId call, OrderId order, PaymentId payment, shop::Resolution how,
                   int64_t paid_at_us, uint32_t attempt) override;
  void close_order_payments(CallId call, OrderId order) override;
  void query_order(CallId call, OrderId order) override;
  void payment_refused(CallId call, OrderId order, PaymentId payment, shop::Resolution how,
                       shop::NotifyResult why) override;

  // The channel's trade the service named for `payment` at `channel`; "" when none.
  std::string trade_id(uint32_t channel, PaymentId payment) const;
  const HttpShopStats& stats() const { return stats_; }

 private:
  struct Answer;
  template <class OnAnswer>
  void send(OrderId order, boost::beast::http::verb method, std::string target, std::string body,
            OnAnswer on_answer);

  RealTimeRuntime& runtime_;
  HttpClient& http_;
  sim::Activity& activity_;
  sut::SystemObserver& observer_;
  const std::vector<std::string> names_;
  const int64_t amount_minor_;
  const std::chrono::nanoseconds deadline_;
  shop::AppReplies* app_ = nullptr;
  std::string push_url_;
  std::map<std::pair<uint32_t, PaymentId>, std::string> trades_;
  HttpShopStats stats_;
};

}  // namespace live
