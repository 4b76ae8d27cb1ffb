// ChannelService: the model's MockChannel, Ledger and fault profile behind HTTP, unchanged.
//
// It is the MockChannel's ChannelClient: each merchant request becomes a Channel call with a
// fresh CallId, and the model's reply to that call (after the channel's latency, an outage's
// timeout, or a fault) becomes the HTTP response. Callbacks go out through the Notifier. The
// routes (docs/live.md; live/openapi/channel.json is the contract):
//
//   POST /v1/trades                        create (Idempotency-Key header, Stripe's rules)
//   GET  /v1/trades/{id}                   query
//   POST /v1/trades/{id}/close             close an unpaid trade
//   POST /v1/trades/{id}/refunds           refund (refund_id makes a retry safe)
//   GET  /v1/trades/{id}/refunds/{rid}     refund query
//   GET  /v1/statement?from_ms=&to_ms=     the statement (对账单) as CSV
//   POST /v1/wallet/trades/{id}/pay        the user pays (the wallet)
//   POST /v1/wallet/trades/{id}/decline    the user declines: the trade fails, as the model's
//                                          declined payments do (failure callback per preset)
//   GET  /openapi.json, /admin/ledger, /admin/callbacks, /admin/stats, /metrics (Prometheus)
//
// Times in the API are channel time in milliseconds since the server started (`*_ms`); the
// ledger's are microseconds (`at_us`), exactly as the model recorded them.
//
// With ServiceOptions::auto_pay the wallet plays the scenario's users itself: each trade the
// channel creates pending is paid after the user's pay delay, if the order's user pays at all,
// with the simulator's own keyed decisions (workload/user_decisions.h).
//
// Single-threaded: everything runs on the io_context's thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "contracts/channel_api.h"
#include "live/http_server.h"
#include "live/ledger_journal.h"
#include "live/notifier.h"
#include "live/trade_book.h"
#include "live/transport_faults.h"
#include "mock_channels/ledger.h"
#include "mock_channels/mock_channel.h"
#include "workload/config.h"

namespace live {

class RealTimeRuntime;

// What a merchant sees of an outage window (the scenario's `outages`): the model refuses every
// call made inside one, and the HTTP answer is
enum class OutageMode : uint8_t {
  kAnswer503,  // 503 after the channel's timeout (config.timeout)
  kHang,       // nothing: the connection is closed after the channel's timeout
  kRefuse,     // the connection is reset at once; the model is not called
};

struct ServiceOptions {
  channels::ChannelConfig channel;
  uint32_t channel_index = 0;
  std::string secret;
  std::string base_url;  // "http://127.0.0.1:8080", for pay URLs
  size_t max_trades = 1'000'000;
  AttackProfile attacks;                   // none unless asked for
  TransportFaultProfile transport_faults;  // on /v1 responses; none unless asked for
  TransportFaultProfile callback_faults;   // on callback requests; none unless asked for
  OutageMode outage_mode = OutageMode::kAnswer503;
  bool auto_pay = false;      // the wallet pays created trades as `user` decides
  workload::UserConfig user;  // the scenario's `user` block (pay_probability, pay_delay)
};

// What the wallet did: requests to its endpoints, and the users --auto-pay played.
struct WalletStats {
  uint64_t pays = 0;            // POST .../pay
  uint64_t declines = 0;        // POST .../decline
  uint64_t auto_pays = 0;       // payments the scenario's users made (--auto-pay)
  uint64_t auto_abandoned = 0;  // trades whose user never pays (--auto-pay)
};

class ChannelService final : public channels::ChannelClient {
 public:
  ChannelService(RealTimeRuntime& runtime, CallbackSender& sender, const ServiceOptions& options);
  ChannelService(const ChannelService&) = delete;
  ChannelService& operator=(const ChannelService&) = delete;
  ~ChannelService() override;

  // The HttpServer's Handler.
  void handle(Request&& request, Responder responder);

  std::string ledger_json_lines() const { return journal_.json_lines(trades_); }
  const channels::Ledger& ledger() const { return ledger_; }
  // The user pays a trade in the wallet, in process (`paysim live`'s users), as the wallet
  // endpoint does; nullptr when there is no such trade.
  const TradeRecord* user_pays(std::string_view trade_id, channels::PayOutcome* outcome);
  const channels::MockChannel& channel() const { return channel_; }
  const Notifier& notifier() const { return notifier_; }
  const WalletStats& wallet_stats() const { return wallet_stats_; }
  // Extra counters for /admin/stats, filled by the owner (the HTTP server's).
  void set_server_stats(const ServerStats* stats) { server_stats_ = stats; }

  // channels::ChannelClient: the model's replies.
  void on_create_reply(channels::CallId call, const channels::PaymentKey& key,
                       const channels::CreateReply& reply) override;
  void on_query_reply(channels::CallId call, const channels::PaymentKey& key,
                      channels::QuerySource source, const channels::QueryReply& reply) override;
  void on_close_reply(channels::CallId call, const channels::PaymentKey& key,
                      const channels::CloseReply& reply) override;
  void on_refund_reply(channels::CallId call, const channels::PaymentKey& key,
                       const channels::RefundReply& reply) override;
  void on_callback(const channels::CallbackNotice& notice) override { notifier_.send(notice); }

 private:
  struct Route;
  struct Pending {
    Responder responder;
    std::string idempotency_key;  // create
    std::string refund_id;        // refund
  };
  struct RefundRecord {
    channels::PaymentId payment = 0;
    int64_t amount_minor = 0;
    std::string state = "processing";  // processing, succeeded, failed
  };
  struct StoredAnswer {
    bool in_flight = true;
    unsigned status = 0;
    std::string body;
  };

  void create(Request& request, Responder& responder);
  void query(const TradeRecord& trade, Responder& responder);
  void close(const TradeRecord& trade, Responder& responder);
  void refund(const TradeRecord& trade, Request& request, Responder& responder);
  void refund_query(const TradeRecord& trade, const std::string& refund_id, Responder& responder);
  void statement(std::string_view query, Responder& responder);
  enum class WalletAction : uint8_t { kPay, kDecline };
  void wallet(const TradeRecord& trade, WalletAction action, Responder& responder);
  // --auto-pay: decides, once per trade created pending, whether and when its user pays.
  void decide_user(const channels::PaymentKey& key);
  void stats(Responder& responder) const;
  void metrics(Responder& responder) const;  // Prometheus

  channels::CallId begin_call(Responder& responder, std::string idempotency_key = {},
                              std::string refund_id = {});
  Pending end_call(channels::CallId call);
  // The 503 of a call the channel did not answer; with OutageMode::kHang its answer is a close.
  Response unavailable(Responder& responder) const;
  std::string trade_json(const TradeRecord& trade, channels::TradeState state,
                         int64_t paid_at_us) const;

  RealTimeRuntime& runtime_;
  const ServiceOptions options_;
  channels::Ledger ledger_;
  LedgerJournal journal_;
  TradeBook trades_;
  channels::MockChannel channel_;
  Notifier notifier_;
  const ServerStats* server_stats_ = nullptr;
  WalletStats wallet_stats_;
  channels::CallId next_call_ = 1;
  uint64_t merchant_requests_ = 0;  // /v1 requests so far: the key of their transport faults
  std::map<channels::CallId, Pending> pending_;
  std::map<std::string, StoredAnswer, std::less<>> answers_;  // by idempotency key
  std::map<std::string, RefundRecord, std::less<>> refunds_;  // by refund id
};

// The OpenAPI 3 description of these routes (live/openapi/channel.json, built in).
std::string_view openapi_json();

}  // namespace live
