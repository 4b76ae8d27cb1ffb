// ChannelService: routing and the merchant API. The model's replies are turned into responses in
// channel_service_replies.cpp.
#include "live/channel_service.h"

#include <cassert>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "live/internal/requests.h"
#include "live/internal/responses.h"
#include "live/metrics.h"
#include "live/real_time_runtime.h"
#include "workload/user_decisions.h"

namespace live {

using internal::amount_field;
using internal::body_object;
using internal::error_response;
using internal::id_field;
using internal::json_response;
using internal::kMaxAmountMinor;
using internal::query_integer;
using internal::split_path;

namespace {

constexpr size_t kMaxIdempotencyKey = 255;  // Stripe's limit

}  // namespace

ChannelService::ChannelService(RealTimeRuntime& runtime, CallbackSender& sender,
                               const ServiceOptions& options)
    : runtime_(runtime),
      options_(options),
      trades_(options.channel_index, options.max_trades),
      channel_(runtime, options_.channel, options.channel_index, ledger_, *this),
      notifier_(runtime, channel_, trades_, sender, ack_rule_for(options_.channel), options_.secret,
                options_.attacks, options_.callback_faults) {
  ledger_.set_observer(&journal_);
}

ChannelService::~ChannelService() { ledger_.set_observer(nullptr); }

void ChannelService::handle(Request&& request, Responder responder) {
  runtime_.advance();  // the model sees the time the request arrived
  const std::string_view target(request.target().data(), request.target().size());
  const size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query_string =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  const std::vector<std::string_view> parts = split_path(path);
  const http::verb method = request.method();
  const auto allowed = [&](http::verb expected) {
    if (method == expected) return true;
    responder(
        error_response(http::status::method_not_allowed, "method_not_allowed",
                       std::string(path) + " takes " + std::string(http::to_string(expected))));
    return false;
  };

  if (!parts.empty() && parts[0] == "v1") {
    if (options_.outage_mode == OutageMode::kRefuse && channel_.in_outage(runtime_.now())) {
      responder.inject(TransportFault::kReset);
      responder(make_response(http::status::service_unavailable, ""));
      return;
    }
    responder.inject(choose_transport_fault(options_.transport_faults, runtime_,
                                            ++merchant_requests_, sim::purpose("live.transport")));
  }
  if (path == "/openapi.json") {
    if (allowed(http::verb::get))
      responder(make_response(http::status::ok, std::string(openapi_json())));
    return;
  }
  if (path == "/v1/trades") {
    if (allowed(http::verb::post)) create(request, responder);
    return;
  }
  if (path == "/v1/statement") {
    if (allowed(http::verb::get)) statement(query_string, responder);
    return;
  }
  if (path == "/admin/ledger" || path == "/admin/callbacks") {
    if (!allowed(http::verb::get)) return;
    responder(make_response(
        http::status::ok,
        path == "/admin/ledger" ? ledger_json_lines() : notifier_.journal_json_lines(),
        "application/x-ndjson"));
    return;
  }
  if (path == "/admin/stats") {
    if (allowed(http::verb::get)) stats(responder);
    return;
  }
  if (path == "/metrics") {
    if (allowed(http::verb::get)) metrics(responder);
    return;
  }
  const bool trade_route = parts.size() >= 3 && parts[0] == "v1" && parts[1] == "trades";
  const bool wallet_route = parts.size() == 5 && parts[0] == "v1" && parts[1] == "wallet" &&
                            parts[2] == "trades" && (parts[4] == "pay" || parts[4] == "decline");
  if (!trade_route && !wallet_route) {
    responder(
        error_response(http::status::not_found, "not_found", "no route " + std::string(path)));
    return;
  }
  const std::optional<channels::PaymentId> payment = parse_trade_id(parts[wallet_route ? 3 : 2]);
  const TradeRecord* trade = payment ? trades_.find(*payment) : nullptr;
  if (trade == nullptr) {
    responder(error_response(http::status::not_found, "trade_not_found",
                             "no trade " + std::string(parts[wallet_route ? 3 : 2])));
    return;
  }
  if (wallet_route) {
    if (allowed(http::verb::post)) {
      wallet(*trade, parts[4] == "pay" ? WalletAction::kPay : WalletAction::kDecline, responder);
    }
  } else if (parts.size() == 3) {
    if (allowed(http::verb::get)) query(*trade, responder);
  } else if (parts.size() == 4 && parts[3] == "close") {
    if (allowed(http::verb::post)) close(*trade, responder);
  } else if (parts.size() == 4 && parts[3] == "refunds") {
    if (allowed(http::verb::post)) refund(*trade, request, responder);
  } else if (parts.size() == 5 && parts[3] == "refunds") {
    if (allowed(http::verb::get)) refund_query(*trade, std::string(parts[4]), responder);
  } else {
    responder(
        error_response(http::status::not_found, "not_found", "no route " + std::string(path)));
  }
}

channels::CallId ChannelService::begin_call(Responder& responder, std::string idempotency_key,
                                            std::string refund_id) {
  const channels::CallId call = next_call_++;
  pending_.emplace(call,
                   Pending{std::move(responder), std::move(idempotency_key), std::move(refund_id)});
  return call;
}

ChannelService::Pending ChannelService::end_call(channels::CallId call) {
  auto node = pending_.extract(call);
  // The model answers every call exactly once (contracts/ids.h): a reply without its call is a
  // bug in the model or here.
  assert(!node.empty());
  return std::move(node.mapped());
}

void ChannelService::create(Request& request, Responder& responder) {
  const std::optional<nlohmann::json> body = body_object(request, responder);
  if (!body) return;
  const std::optional<std::string> order = id_field(*body, "merchant_order_id", true, responder);
  if (!order) return;
  const std::optional<int64_t> amount = amount_field(*body, 0, responder);
  if (!amount) return;
  const boost::beast::string_view key_header = request["Idempotency-Key"];
  const std::string key(key_header.data(), key_header.size());
  if (key.size() > kMaxIdempotencyKey) {
    responder(error_response(http::status::bad_request, "invalid_idempotency_key",
                             "Idempotency-Key is longer than 255 characters"));
    return;
  }
  TradeRecord* trade = nullptr;
  if (!key.empty()) {
    if (const std::optional<TradeBook::KeyUse> use = trades_.find_key(key, *order, *amount)) {
      if (use->conflict) {
        responder(error_response(http::status::unprocessable_entity, "idempotency_key_reused",
                                 "this Idempotency-Key was used with other parameters"));
        return;
      }
      StoredAnswer& stored = answers_[key];
      if (stored.in_flight) {
        responder(error_response(http::status::conflict, "idempotency_key_in_use",
                                 "a create with this Idempotency-Key is in progress"));
        return;
      }
      if (stored.status != 0) {
        Response replay = make_response(static_cast<http::status>(stored.status), stored.body);
        replay.set("Idempotent-Replayed", "true");
        responder(std::move(replay));
        return;
      }
      // The first create timed out (an outage): its effect is unknown, so it is sent again for
      // the same trade, which the channel treats as a repeat.
      stored.in_flight = true;
      trade = trades_.find(use->payment);
    }
  }
  if (trade == nullptr) {
    trade = trades_.add(*order, *amount, runtime_.now().us() / 1000);
    if (trade == nullptr) {
      responder(error_response(http::status::insufficient_storage, "too_many_trades",
                               "the server holds its maximum number of trades"));
      return;
    }
    if (!key.empty()) {
      trades_.remember_key(key, trade->key.payment);
      answers_[key] = StoredAnswer{};
    }
  }
  channel_.create(begin_call(responder, key), trade->key, trade->amount_minor);
}

void ChannelService::query(const TradeRecord& trade, Responder& responder) {
  channel_.query(begin_call(responder), trade.key, channels::QuerySource::kOrderQuery);
}

void ChannelService::close(const TradeRecord& trade, Responder& responder) {
  channel_.close(begin_call(responder), trade.key);
}

void ChannelService::refund(const TradeRecord& trade, Request& request, Responder& responder) {
  const std::optional<nlohmann::json> body = body_object(request, responder);
  if (!body) return;
  const std::optional<int64_t> amount = amount_field(*body, trade.amount_minor, responder);
  if (!amount) return;
  const std::optional<std::string> refund_id = id_field(*body, "refund_id", false, responder);
  if (!refund_id) return;
  if (!refund_id->empty()) {
    const auto found = refunds_.find(*refund_id);
    if (found != refunds_.end() && found->second.payment != trade.key.payment) {
      responder(error_response(http::status::unprocessable_entity, "refund_id_reused",
                               "this refund_id belongs to another trade"));
      return;
    }
    if (found != refunds_.end() && found->second.state != "failed") {
      // A retry with the same refund number never moves money twice.
      nlohmann::json answer = {{"refund_id", *refund_id},
                               {"trade_id", trade_id(trade.key.payment)},
                               {"amount_minor", found->second.amount_minor},
                               {"state", found->second.state}};
      responder(json_response(http::status::ok, answer));
      return;
    }
    if (found == refunds_.end() && refunds_.size() >= options_.max_trades) {
      responder(error_response(http::status::insufficient_storage, "too_many_refunds",
                               "the server holds its maximum number of refund ids"));
      return;
    }
    refunds_[*refund_id] = RefundRecord{trade.key.payment, *amount, "processing"};
  }
  channel_.refund(begin_call(responder, {}, *refund_id), trade.key, *amount);
}

void ChannelService::refund_query(const TradeRecord& trade, const std::string& refund_id,
                                  Responder& responder) {
  const auto found = refunds_.find(refund_id);
  if (found == refunds_.end() || found->second.payment != trade.key.payment) {
    responder(
        error_response(http::status::not_found, "refund_not_found", "no refund " + refund_id));
    return;
  }
  responder(json_response(http::status::ok, {{"refund_id", refund_id},
                                             {"trade_id", trade_id(trade.key.payment)},
                                             {"amount_minor", found->second.amount_minor},
                                             {"state", found->second.state}}));
}

void ChannelService::statement(std::string_view query, Responder& responder) {
  const std::optional<int64_t> from_ms = query_integer(query, "from_ms");
  const std::optional<int64_t> to_ms = query_integer(query, "to_ms");
  if (!from_ms || !to_ms || *from_ms < 0 || *to_ms < *from_ms || *to_ms > kMaxAmountMinor) {
    responder(error_response(http::status::bad_request, "invalid_window",
                             "from_ms and to_ms are required integers, 0 <= from_ms <= to_ms"));
    return;
  }
  const std::vector<channels::StatementLine> lines =
      journal_.statement(ledger_, *from_ms * 1000, *to_ms * 1000);
  Response response =
      make_response(http::status::ok, LedgerJournal::statement_csv(lines, trades_), "text/csv");
  response.set(http::field::content_disposition, "attachment; filename=\"statement-" +
                                                     std::to_string(*from_ms) + "-" +
                                                     std::to_string(*to_ms) + ".csv\"");
  responder(std::move(response));
}

const TradeRecord* ChannelService::user_pays(std::string_view trade_id,
                                             channels::PayOutcome* outcome) {
  runtime_.advance();
  const std::optional<channels::PaymentId> payment = parse_trade_id(trade_id);
  const TradeRecord* trade = payment ? trades_.find(*payment) : nullptr;
  if (trade != nullptr) *outcome = channel_.user_pays(trade->key);
  return trade;
}

void ChannelService::wallet(const TradeRecord& trade, WalletAction action, Responder& responder) {
  const bool pays = action == WalletAction::kPay;
  ++(pays ? wallet_stats_.pays : wallet_stats_.declines);
  const channels::PayOutcome outcome =
      pays ? channel_.user_pays(trade.key) : channel_.user_declines(trade.key);
  const char* name = outcome == channels::PayOutcome::kCharged    ? "charged"
                     : outcome == channels::PayOutcome::kDeclined ? "declined"
                     : outcome == channels::PayOutcome::kClosed   ? "closed"
                                                                  : "unavailable";
  responder(json_response(http::status::ok,
                          {{"trade_id", trade_id(trade.key.payment)}, {"outcome", name}}));
}

void ChannelService::decide_user(const channels::PaymentKey& key) {
  TradeRecord* trade = trades_.find(key.payment);
  if (trade == nullptr || trade->user_decided) return;  // a repeated create of the same trade
  trade->user_decided = true;
  if (!workload::user_will_pay(runtime_, options_.user, key.order)) {
    ++wallet_stats_.auto_abandoned;  // leaves the wallet; the trade expires or is closed
    return;
  }
  // The trade's attempt tells the order's visits to the wallet apart, as a click does in the
  // simulator: the first trade of an order waits exactly as the simulated user's first click.
  const sim::Duration delay =
      workload::user_pay_delay(runtime_, options_.user, options_.channel, key.order, key.attempt);
  runtime_.schedule_after_inline(delay, [this, key] {
    ++wallet_stats_.auto_pays;
    channel_.user_pays(key);
  });
}

void ChannelService::stats(Responder& responder) const {
  nlohmann::json answer = {{"channel", options_.channel.name},
                           {"preset", options_.channel.preset},
                           {"now_ms", runtime_.now().us() / 1000},
                           {"time_scale", runtime_.time_scale()},
                           {"trades", trades_.size()},
                           {"ack_rule", notifier_.rule().describe()}};
  for (const Counter& counter :
       counters(channel_.stats(), notifier_.stats(), wallet_stats_, server_stats_)) {
    answer[std::string(counter.group)][std::string(counter.name)] = counter.value;
  }
  responder(json_response(http::status::ok, answer));
}

void ChannelService::metrics(Responder& responder) const {
  responder(make_response(
      http::status::ok,
      prometheus_text(counters(channel_.stats(), notifier_.stats(), wallet_stats_, server_stats_),
                      options_.channel.name),
      "text/plain; version=0.0.4"));
}

}  // namespace live
