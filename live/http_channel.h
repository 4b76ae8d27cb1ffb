// HttpChannel: the channel contract (contracts/channel_api.h) spoken over a channel's merchant
// API (live/openapi/channel.json): how the reference payment service (`paysim serve-sut`) calls
// `serve-channel`, or any channel that speaks the same API.
//
//   create  -> POST /v1/trades {merchant_order_id, amount_minor}, Idempotency-Key: pay_<payment>
//   query   -> GET  /v1/trades/{trade_id}
//   close   -> POST /v1/trades/{trade_id}/close
//   refund  -> POST /v1/trades/{trade_id}/refunds {amount_minor}
//   (reconciliation) GET /v1/statement?from_ms&to_ms: CSV lines (download_statement)
//
// How an HTTP answer becomes the contract's reply: 2xx is kOk with the trade's state; 404 to a
// query is kOk / kNotFound; any other 4xx is kError (the channel refused); 5xx, a broken or
// missing answer and the deadline are kTimeout — the caller cannot know whether the call took
// effect, exactly the case the model's strategies exist for. A trade whose create was never
// answered has no trade id: a query of it answers kNotFound, a close kClosed (the user never got
// its pay URL, so nobody can pay it) and a refund kError, without a request.
//
// Times: the channel stamps its answers and callbacks with its own clock (`now_ms`); a paid time
// is carried over as "that long before now" on the runtime's clock, so the two processes need no
// common epoch.
//
// Durable storage (serve-sut --db, live/journal.h): each answer is journaled before the model sees
// it, and the journal's barrier runs before each request leaves. While the runtime replays the
// journal nothing is sent: each call waits for its journaled answer (replay_answer), and the
// calls left unanswered were in flight when the process died (fail_unanswered).
//
// Callbacks arrive at the shop's HTTP server (live/shop_server.h), which finds the trade here;
// the model's acknowledge() is handed to the acknowledger the server installs, which answers the
// channel's HTTP request.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contracts/channel_api.h"
#include "live/http_client.h"
#include "live/internal/remote_clock.h"
#include "live/journal.h"
#include "live/real_time_runtime.h"

namespace live {

struct ChannelTrade {
  channels::PaymentKey key;
  int64_t amount_minor = 0;
  std::string trade_id;  // empty until the create is answered
  std::string pay_url;
};

struct HttpChannelStats {
  uint64_t calls = 0;
  uint64_t ok = 0;
  uint64_t refused = 0;   // 4xx
  uint64_t timeouts = 0;  // 5xx, broken, deadline
  uint64_t unknown = 0;   // answered without a request: the trade has no id
};

class HttpChannel final : public channels::Channel {
 public:
  using Acknowledger = std::function<void(const channels::CallbackNotice&)>;

  // `deadline`: real time an HTTP call may take before it is a timeout. At most `max_trades`
  // trades are remembered; creates beyond are answered kError. REQUIRES: all outlive the channel.
  HttpChannel(RealTimeRuntime& runtime, HttpClient& http, channels::ChannelClient& client,
              std::chrono::nanoseconds deadline, size_t max_trades = 1'000'000);
  HttpChannel(const HttpChannel&) = delete;
  HttpChannel& operator=(const HttpChannel&) = delete;

  // The Idempotency-Key header is sent unless `idempotency` is kNone.
  void create(channels::CallId call, const channels::PaymentKey& key, int64_t amount_minor,
              channels::IdempotencyKey idempotency = channels::IdempotencyKey::kSent) override;
  void query(channels::CallId call, const channels::PaymentKey& key,
             channels::QuerySource source) override;
  void close(channels::CallId call, const channels::PaymentKey& key) override;
  void refund(channels::CallId call, const channels::PaymentKey& key,
              int64_t amount_minor) override;
  void acknowledge(const channels::CallbackNotice& notice) override;

  void set_acknowledger(Acknowledger acknowledger) { acknowledger_ = std::move(acknowledger); }

  // Journals this channel's answers as channel number `index`. REQUIRES: before any call.
  void set_journal(Journal* journal, uint32_t index) {
    journal_ = journal;
    index_ = index;
  }
  // Replay: the journaled answer to this channel's request number `request`. False if no such
  // request is waiting (the journal does not belong to this design).
  bool replay_answer(uint64_t request, DeliveryResult&& result);
  // Recovery: the requests of the replay that have no answer were cut off by the crash; each is
  // answered as a broken connection (kTimeout), as the model's crash answers them.
  void fail_unanswered();

  // The channel's statement (对账单: GET /v1/statement, CSV) of the money that moved since the end
  // of the last statement downloaded, up to `to` on this runtime's clock: one line per trade of
  // this process whose money moved (others are not ours), with its totals and its first charge on
  // this clock; nullopt when the download failed (the next one covers the window too). Windows
  // follow each other on the channel's clock, so every movement is in exactly one statement; the
  // clocks' offset is the least-delayed answer's (internal::RemoteClock over every `now_ms`).
  using StatementDone = std::function<void(std::optional<std::vector<channels::StatementLine>>)>;
  void download_statement(sim::Time to, StatementDone done);

  const ChannelTrade* trade(channels::PaymentId payment) const;
  const ChannelTrade* find_trade(std::string_view trade_id) const;
  // A paid time the channel reported (`paid_at_ms` at its clock `now_ms`) on the runtime's clock;
  // 0 when the answer carries none.
  int64_t local_paid_at_us(const nlohmann::json& trade) const;
  const HttpChannelStats& stats() const { return stats_; }

 private:
  enum class Kind : uint8_t { kCreate, kQuery, kClose, kRefund };
  // How an answer ended, seen from the contract.
  struct Outcome {
    channels::CallStatus status = channels::CallStatus::kTimeout;
    int http_status = 0;
    nlohmann::json* body = nullptr;     // the parsed body of a 2xx answer
    const std::string* text = nullptr;  // the raw body of a 2xx answer (JSON or not)
  };
  template <class OnAnswer>
  void send(boost::beast::http::verb method, std::string target, std::string body,
            HttpClient::Headers headers, OnAnswer on_answer);
  // Answers later, as an event of the runtime: never on the caller's stack.
  template <class Reply>
  void answer_later(Reply reply);

  // The lines of a statement's CSV for the trades of this process; nullopt if it is malformed.
  std::optional<std::vector<channels::StatementLine>> parse_statement(std::string_view csv) const;
  // What to do with an answer once it is the model's to see.
  void on_answered(DeliveryResult&& result, const std::function<void(const Outcome&)>& on_answer);

  RealTimeRuntime& runtime_;
  HttpClient& http_;
  channels::ChannelClient& client_;
  const std::chrono::nanoseconds deadline_;
  const size_t max_trades_;
  Acknowledger acknowledger_;
  std::map<channels::PaymentId, ChannelTrade> trades_;
  std::map<std::string, channels::PaymentId, std::less<>> by_trade_id_;
  HttpChannelStats stats_;
  Journal* journal_ = nullptr;
  uint32_t index_ = 0;
  uint64_t next_request_ = 1;
  std::map<uint64_t, std::function<void(DeliveryResult&&)>> replayed_;  // waiting in a replay
  internal::RemoteClock channel_clock_;
  int64_t statement_until_ms_ = 0;  // channel time: the end of the last statement downloaded
};

}  // namespace live
