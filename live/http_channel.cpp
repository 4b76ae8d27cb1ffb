#include "live/http_channel.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

namespace live {

namespace http = boost::beast::http;
using channels::CallStatus;
using channels::TradeState;

namespace {

constexpr std::string_view kTradesPath = "/v1/trades";

// The trade state of a 2xx answer; kPending when it names none we know (the caller then asks
// again, as it would for a trade still in progress).
TradeState state_of(const nlohmann::json& body) {
  const auto found = body.find("state");
  if (found == body.end() || !found->is_string()) return TradeState::kPending;
  return channels::parse_trade_state(found->get<std::string>()).value_or(TradeState::kPending);
}

}  // namespace

HttpChannel::HttpChannel(RealTimeRuntime& runtime, HttpClient& http,
                         channels::ChannelClient& client, std::chrono::nanoseconds deadline,
                         size_t max_trades)
    : runtime_(runtime),
      http_(http),
      client_(client),
      deadline_(deadline),
      max_trades_(max_trades) {}

const ChannelTrade* HttpChannel::trade(channels::PaymentId payment) const {
  const auto found = trades_.find(payment);
  return found == trades_.end() ? nullptr : &found->second;
}

const ChannelTrade* HttpChannel::find_trade(std::string_view trade_id) const {
  const auto found = by_trade_id_.find(trade_id);
  return found == by_trade_id_.end() ? nullptr : trade(found->second);
}

int64_t HttpChannel::local_paid_at_us(const nlohmann::json& trade) const {
  const auto paid = trade.find("paid_at_ms");
  if (paid == trade.end() || !paid->is_number_integer()) return 0;
  const auto now = trade.find("now_ms");
  const int64_t ago_ms = now != trade.end() && now->is_number_integer()
                             ? std::max<int64_t>(0, now->get<int64_t>() - paid->get<int64_t>())
                             : 0;
  // 0 means "unpaid" in the contract: a payment made before this process started is at 1 µs.
  return std::max<int64_t>(1, runtime_.now().us() - ago_ms * 1000);
}

template <class OnAnswer>
void HttpChannel::send(http::verb method, std::string target, std::string body,
                       HttpClient::Headers headers, OnAnswer on_answer) {
  ++stats_.calls;
  const uint64_t request = next_request_++;
  auto answered = [this, on_answer = std::move(on_answer)](DeliveryResult&& result) {
    on_answered(std::move(result), on_answer);
  };
  if (runtime_.replaying()) {
    replayed_.emplace(request, std::move(answered));
    return;
  }
  if (journal_ != nullptr) journal_->barrier(runtime_.now());
  http_.request(method, std::move(target), std::move(body), std::move(headers), deadline_,
                [this, request, answered = std::move(answered)](DeliveryResult&& result) mutable {
                  runtime_.advance();  // the model sees the time the answer arrived
                  if (journal_ != nullptr) {
                    JournalEntry entry;
                    entry.kind = JournalEntry::Kind::kAnswer;
                    entry.time = runtime_.now();
                    entry.channel = index_;
                    entry.call = request;
                    entry.outcome = static_cast<int>(result.outcome);
                    entry.status = static_cast<int>(result.status);
                    entry.body = result.body;
                    journal_->append(entry);
                  }
                  answered(std::move(result));
                });
}

void HttpChannel::on_answered(DeliveryResult&& result,
                              const std::function<void(const Outcome&)>& on_answer) {
  Outcome outcome;
  nlohmann::json parsed;
  if (result.outcome == DeliveryOutcome::kAnswered) {
    outcome.http_status = static_cast<int>(result.status);
    if (result.status >= 200 && result.status < 300) {
      parsed = nlohmann::json::parse(result.body, nullptr, false);
      // A 2xx that is not a JSON object is as good as no answer.
      if (parsed.is_object()) {
        outcome.status = CallStatus::kOk;
        outcome.body = &parsed;
      }
    } else if (result.status >= 400 && result.status < 500) {
      outcome.status = CallStatus::kError;
    }
  }
  ++(outcome.status == CallStatus::kOk      ? stats_.ok
     : outcome.status == CallStatus::kError ? stats_.refused
                                            : stats_.timeouts);
  on_answer(outcome);
}

bool HttpChannel::replay_answer(uint64_t request, DeliveryResult&& result) {
  auto node = replayed_.extract(request);
  if (node.empty()) return false;
  node.mapped()(std::move(result));
  return true;
}

void HttpChannel::fail_unanswered() {
  while (!replayed_.empty()) {
    auto node = replayed_.extract(replayed_.begin());
    DeliveryResult cut;
    cut.outcome = DeliveryOutcome::kBroken;
    cut.error = "the process died with the request in flight";
    node.mapped()(std::move(cut));
  }
}

template <class Reply>
void HttpChannel::answer_later(Reply reply) {
  ++stats_.unknown;
  runtime_.schedule_after(sim::Duration::zero(), std::move(reply));
}

void HttpChannel::create(channels::CallId call, const channels::PaymentKey& key,
                         int64_t amount_minor, channels::IdempotencyKey idempotency) {
  if (trades_.size() >= max_trades_ && !trades_.contains(key.payment)) {
    return answer_later([this, call, key] {
      client_.on_create_reply(call, key, {CallStatus::kError, TradeState::kNotFound, 0});
    });
  }
  ChannelTrade& trade = trades_[key.payment];
  trade.key = key;
  trade.amount_minor = amount_minor;
  const nlohmann::json body = {{"merchant_order_id", std::to_string(key.order)},
                               {"amount_minor", amount_minor}};
  // A create repeated after a lost answer names the same trade (Stripe's idempotency keys);
  // without the header the channel takes every create for a new trade.
  HttpClient::Headers headers;
  if (idempotency == channels::IdempotencyKey::kSent) {
    headers.push_back({"Idempotency-Key", "pay_" + std::to_string(key.payment)});
  }
  send(http::verb::post, std::string(kTradesPath), body.dump(), std::move(headers),
       [this, call, key](const Outcome& outcome) {
         channels::CreateReply reply{outcome.status, TradeState::kPending, 0};
         if (outcome.body != nullptr) {
           const nlohmann::json& answer = *outcome.body;
           ChannelTrade& trade = trades_[key.payment];
           if (trade.trade_id.empty()) {
             trade.trade_id = answer.value("trade_id", std::string());
             trade.pay_url = answer.value("pay_url", std::string());
             if (!trade.trade_id.empty()) by_trade_id_[trade.trade_id] = key.payment;
           }
           reply.state = state_of(answer);
           reply.paid_at_us = local_paid_at_us(answer);
         }
         client_.on_create_reply(call, key, reply);
       });
}

void HttpChannel::query(channels::CallId call, const channels::PaymentKey& key,
                        channels::QuerySource source) {
  const ChannelTrade* known = trade(key.payment);
  if (known == nullptr || known->trade_id.empty()) {
    return answer_later([this, call, key, source] {
      client_.on_query_reply(call, key, source, {CallStatus::kOk, TradeState::kNotFound, 0});
    });
  }
  send(http::verb::get, std::string(kTradesPath) + "/" + known->trade_id, {}, {},
       [this, call, key, source](const Outcome& outcome) {
         channels::QueryReply reply{outcome.status, TradeState::kPending, 0};
         if (outcome.http_status == 404) reply = {CallStatus::kOk, TradeState::kNotFound, 0};
         if (outcome.body != nullptr) {
           reply.state = state_of(*outcome.body);
           reply.paid_at_us = local_paid_at_us(*outcome.body);
         }
         client_.on_query_reply(call, key, source, reply);
       });
}

void HttpChannel::close(channels::CallId call, const channels::PaymentKey& key) {
  const ChannelTrade* known = trade(key.payment);
  if (known == nullptr || known->trade_id.empty()) {
    return answer_later([this, call, key] {
      client_.on_close_reply(call, key, {CallStatus::kOk, TradeState::kClosed, 0});
    });
  }
  send(http::verb::post, std::string(kTradesPath) + "/" + known->trade_id + "/close", {}, {},
       [this, call, key](const Outcome& outcome) {
         channels::CloseReply reply{outcome.status, TradeState::kPending, 0};
         if (outcome.body != nullptr) {
           reply.state = state_of(*outcome.body);
           reply.paid_at_us = local_paid_at_us(*outcome.body);
         }
         client_.on_close_reply(call, key, reply);
       });
}

void HttpChannel::refund(channels::CallId call, const channels::PaymentKey& key,
                         int64_t amount_minor) {
  const ChannelTrade* known = trade(key.payment);
  if (known == nullptr || known->trade_id.empty()) {
    return answer_later([this, call, key] {
      client_.on_refund_reply(call, key, {CallStatus::kError, false});
    });
  }
  const nlohmann::json body = {{"amount_minor", amount_minor}};
  send(http::verb::post, std::string(kTradesPath) + "/" + known->trade_id + "/refunds", body.dump(),
       {}, [this, call, key](const Outcome& outcome) {
         const bool refunded =
             outcome.body != nullptr && outcome.body->value("state", std::string()) == "succeeded";
         client_.on_refund_reply(call, key, {outcome.status, refunded});
       });
}

void HttpChannel::acknowledge(const channels::CallbackNotice& notice) {
  if (acknowledger_) acknowledger_(notice);
}

}  // namespace live
