// ShopServer: the shop contract (live/openapi/shop.json) over HTTP in front of the model's own
// services (links::Shop) on the real-time runtime — what `paysim serve-sut` serves, and the
// reference a team's payment service is measured against. The routes:
//
//   POST /v1/orders                       {"order_id": N, "amount_minor": A, "push_url": U}: a
//                                         new UNPAID order; the optional push_url is where the
//                                         app hears "PAID" pushed (live/app_push.h)
//   GET  /v1/orders/{id}                  {"order_id", "state", "resolved_by", "paid_at_ms",
//                                         "now_ms"}: what the app polls
//   POST /v1/orders/{id}/pay              {"channel": NAME, "click": n}: apply pay; answers the
//                                         outcome and, for a payment to make, the trade and its
//                                         pay URL at the channel
//   POST /v1/channels/{name}/notify       a channel's callback (signed, live/signature.h)
//   GET  /health, /v1/drain, /v1/stats, /openapi.json
//
// Each app request becomes one contract call with a fresh CallId; the model's one reply to it
// becomes the HTTP answer. A callback is checked before the model sees it — signature and
// timestamp (Stripe's scheme, 300 s tolerance), a trade this shop created, the amount it asked
// for — and refused with a 4xx otherwise (counted by reason, never a crash). An accepted callback
// goes to the payment host; the HTTP answer waits for the model's acknowledge() (the channel's
// ack rule is met by `200 success`), and is a 503 when the model does not acknowledge within
// `ack_wait` (the host is down, or the service chose not to), so the channel sends it again.
//
// Single-threaded: everything runs on the io_context's thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "contracts/shop_api.h"
#include "links/shop.h"
#include "live/app_push.h"
#include "live/http_channel.h"
#include "live/http_server.h"
#include "live/journal.h"
#include "live/real_time_runtime.h"
#include "sim/activity.h"
#include "system_under_test/observer.h"

namespace live {

using contracts::CallId;
using contracts::OrderId;

struct ShopServerOptions {
  std::string secret;  // the channels' signing secret
  int64_t tolerance_s = 300;
  size_t max_orders = 1'000'000;
  size_t max_event_ids = 1'000'000;  // acknowledged callback event ids remembered
  sim::Duration ack_wait = sim::Duration::seconds(10);  // channel time
  AppPushOptions push;
};

// What the server refused or counted, for /v1/stats and the tests.
struct ShopServerStats {
  uint64_t requests = 0;
  uint64_t orders_created = 0;
  uint64_t callbacks = 0;           // POSTs to a notify route
  uint64_t callbacks_accepted = 0;  // handed to the model
  uint64_t callbacks_acknowledged = 0;
  uint64_t callbacks_repeated = 0;        // an event id already acknowledged: acknowledged again
  uint64_t callbacks_unacknowledged = 0;  // 503 after ack_wait
  uint64_t bad_signature = 0;
  uint64_t outside_tolerance = 0;
  uint64_t unknown_trade = 0;
  uint64_t amount_mismatch = 0;
  uint64_t malformed_callback = 0;
  uint64_t pushes = 0;              // the order service's pushes, after the link's loss
  uint64_t pushes_unaddressed = 0;  // of those: the order named no push_url
  uint64_t bad_push_url = 0;        // orders refused for their push_url
};

// How and when each PAID order learned of its payment, as the model reports it: answered with the
// order's state (`resolved_by`, `paid_at_ms`), so that `live` can fill the report's resolved_by
// group and measure charge → PAID at the service rather than at the app's next poll. At most one
// entry per order the server holds.
class ResolutionLog final : public sut::SystemObserver {
 public:
  struct Paid {
    shop::Resolution how;
    sim::Time at;
  };
  void on_order_state(OrderId order, shop::OrderState /*from*/, shop::OrderState to,
                      shop::Resolution how, contracts::PaymentId /*payment*/,
                      sim::Time at) override {
    if (to == shop::OrderState::kPaid) paid_[order] = {how, at};
  }
  std::optional<Paid> of(OrderId order) const {
    const auto found = paid_.find(order);
    return found == paid_.end() ? std::nullopt : std::optional(found->second);
  }

 private:
  std::map<OrderId, Paid> paid_;
};

class ShopServer final : public shop::AppReplies {
 public:
  // `channels[i]` is the scenario's channel i, named `names[i]`. REQUIRES: all outlive the server.
  ShopServer(RealTimeRuntime& runtime, links::Shop& shop, std::vector<HttpChannel*> channels,
             std::vector<std::string> names, const sim::Activity& activity,
             const ResolutionLog& resolutions, ShopServerOptions options);
  ShopServer(const ShopServer&) = delete;
  ShopServer& operator=(const ShopServer&) = delete;

  // The HttpServer's Handler.
  void handle(Request&& request, Responder responder);

  // Durable storage (serve-sut --db): every request that reaches the model is journaled (with
  // the wall-clock second its signature is checked against) before the model sees it.
  void set_journal(Journal* journal) { journal_ = journal; }
  // Replays a journaled request, its answer dropped; false if it is not a request this server
  // could have journaled.
  bool replay(const JournalEntry& entry);

  const ShopServerStats& stats() const { return stats_; }
  const AppPushStats& push_stats() const { return push_.stats(); }
  // Pushes sent and not yet answered (the drain hook waits for them).
  size_t pushes_in_flight() const { return push_.in_flight(); }

  // shop::AppReplies: the model's answers to the app's calls.
  void on_create_order_reply(CallId call, OrderId order, shop::CallStatus status) override;
  void on_order_state_reply(CallId call, OrderId order, shop::CallStatus status,
                            shop::OrderState state) override;
  void on_apply_pay_reply(CallId call, const shop::ApplyPayRequest& request,
                          const shop::ApplyPayReply& reply) override;
  void on_push_paid(OrderId order) override;

 private:
  using AckKey = std::tuple<contracts::PaymentId, uint32_t, channels::TradeState>;
  struct WaitingAck {
    std::vector<Responder> responders;  // a duplicated callback waits with the first
    std::string event_id;
  };

  // The routes that neither change nor read the model's state: never journaled.
  static bool is_read_only(std::string_view path);
  // `now_s`: the wall clock's second, for the signature's timestamp.
  void dispatch(const Request& request, Responder& responder, int64_t now_s);
  void create_order(const Request& request, Responder& responder);
  void order_state(OrderId order, Responder& responder);
  void apply_pay(OrderId order, const Request& request, Responder& responder);
  void callback(uint32_t channel, const Request& request, Responder& responder, int64_t now_s);
  void acknowledge(const channels::CallbackNotice& notice);
  void stats(Responder& responder) const;
  CallId begin_call(Responder& responder);
  Responder end_call(CallId call);

  RealTimeRuntime& runtime_;
  links::Shop& shop_;
  const std::vector<HttpChannel*> channels_;
  const std::vector<std::string> names_;
  const sim::Activity& activity_;
  const ResolutionLog& resolutions_;
  const ShopServerOptions options_;
  ShopServerStats stats_;
  CallId next_call_ = 1;
  std::map<CallId, Responder> pending_;
  std::map<OrderId, int64_t> orders_;                // the amount of every order the app created
  std::map<OrderId, AppPush::Destination> push_to_;  // the orders that named a push_url
  AppPush push_;
  std::map<AckKey, WaitingAck> waiting_acks_;
  std::set<std::string, std::less<>> acknowledged_events_;
  Journal* journal_ = nullptr;
};

// The OpenAPI 3 description of these routes (live/openapi/shop.json, built in).
std::string_view shop_openapi_json();

}  // namespace live
