#include "live/http_channel.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "live/internal/remote_clock.h"

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
  const std::optional<sim::Time> paid = internal::local_time(trade, "paid_at_ms", runtime_.now());
  // 0 means "unpaid" in the contract: a payment made before this process started is at 1 µs.
  return paid ? std::max<int64_t>(1, paid->us()) : 0;
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
      outcome.text = &result.body;
      parsed = nlohmann::json::parse(result.body, nullptr, false);
      // A 2xx that is not a JSON object is as good as no answer (a statement reads the text).
      if (parsed.is_object()) {
        outcome.status = CallStatus::kOk;
        outcome.body = &parsed;
        if (const auto now = parsed.find("now_ms"); now != parsed.end() && now->is_number_integer())
          channel_clock_.sample(now->get<int64_t>(), runtime_.now());
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

void HttpChannel::download_statement(sim::Time to, StatementDone done) {
  // Before any answer the offset is unknown, and no trade of ours has moved money yet.
  const int64_t to_ms = std::max(statement_until_ms_, channel_clock_.to_remote_ms(to).value_or(0));
  const std::string target = "/v1/statement?from_ms=" + std::to_string(statement_until_ms_) +
                             "&to_ms=" + std::to_string(to_ms);
  send(http::verb::get, target, {}, {},
       [this, to_ms, done = std::move(done)](const Outcome& outcome) {
         std::optional<std::vector<channels::StatementLine>> lines;
         if (outcome.text != nullptr && outcome.http_status == 200)
           lines = parse_statement(*outcome.text);
         if (lines) statement_until_ms_ = to_ms;
         done(std::move(lines));
       });
}

std::optional<std::vector<channels::StatementLine>> HttpChannel::parse_statement(
    std::string_view csv) const {
  // trade_id,merchant_order_id,charges,charged_minor,refunded_minor,first_charge_ms
  std::vector<channels::StatementLine> lines;
  size_t at = csv.find('\n');
  if (at == std::string_view::npos || !csv.starts_with("trade_id,")) return std::nullopt;
  for (++at; at < csv.size();) {
    size_t end = csv.find('\n', at);
    if (end == std::string_view::npos) end = csv.size();
    const std::string_view row = csv.substr(at, end - at);
    at = end + 1;
    if (row.empty()) continue;
    // The trade id first, the four numbers last: the merchant's order id between them is text.
    const size_t first_comma = row.find(',');
    std::array<int64_t, 4> numbers{};
    size_t right = row.size();
    for (size_t k = numbers.size(); k-- > 0;) {
      const size_t comma = row.rfind(',', right - 1);
      if (comma == std::string_view::npos || comma <= first_comma) return std::nullopt;
      const std::string_view field = row.substr(comma + 1, right - comma - 1);
      const auto [end_of_number, error] =
          std::from_chars(field.data(), field.data() + field.size(), numbers[k]);
      if (error != std::errc() || end_of_number != field.data() + field.size() || numbers[k] < 0)
        return std::nullopt;
      right = comma;
    }
    const ChannelTrade* ours = find_trade(row.substr(0, first_comma));
    if (ours == nullptr) continue;
    channels::StatementLine line;
    line.key = ours->key;
    line.charges =
        static_cast<uint32_t>(std::min<int64_t>(numbers[0], std::numeric_limits<uint32_t>::max()));
    line.charged_minor = numbers[1];
    line.refunded_minor = numbers[2];
    line.first_charge_us = channel_clock_.to_local(numbers[3]).value_or(sim::Time()).us();
    lines.push_back(line);
  }
  return lines;
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
