// ChannelService as the model's ChannelClient: each reply answers the HTTP request that made the
// call. A kTimeout reply (the channel is down: an outage window) comes after the channel's
// timeout and answers 503, or (--outage-mode hang) closes the connection without a word, so the
// merchant cannot tell whether the call took effect, as with a real outage.
#include <nlohmann/json.hpp>

#include "live/channel_service.h"
#include "live/internal/responses.h"
#include "live/real_time_runtime.h"

namespace live {

using internal::error_response;
using internal::json_response;

namespace {

Response unavailable_response() {
  return error_response(http::status::service_unavailable, "channel_unavailable",
                        "the channel did not answer (outage); the call may or may not have "
                        "taken effect: query before retrying");
}

}  // namespace

Response ChannelService::unavailable(Responder& responder) const {
  if (options_.outage_mode == OutageMode::kHang) responder.inject(TransportFault::kEmpty);
  return unavailable_response();
}

std::string ChannelService::trade_json(const TradeRecord& trade, channels::TradeState state,
                                       int64_t paid_at_us) const {
  const std::string id = trade_id(trade.key.payment);
  nlohmann::json body = {{"trade_id", id},
                         {"merchant_order_id", trade.merchant_order_id},
                         {"amount_minor", trade.amount_minor},
                         {"state", channels::to_string(state)},
                         {"created_ms", trade.created_ms},
                         {"pay_url", options_.base_url + "/v1/wallet/trades/" + id + "/pay"},
                         {"now_ms", runtime_.now().us() / 1000}};
  if (paid_at_us > 0) body["paid_at_ms"] = paid_at_us / 1000;
  return body.dump();
}

void ChannelService::on_create_reply(channels::CallId call, const channels::PaymentKey& key,
                                     const channels::CreateReply& reply) {
  Pending pending = end_call(call);
  const TradeRecord* trade = trades_.find(key.payment);
  Response response =
      reply.status == channels::CallStatus::kTimeout ? unavailable(pending.responder)
      : reply.status == channels::CallStatus::kError
          ? error_response(http::status::conflict, "create_refused",
                           "the channel refused the trade: it is " +
                               std::string(channels::to_string(reply.state)))
          : make_response(http::status::ok, trade_json(*trade, reply.state, reply.paid_at_us));
  if (options_.auto_pay && reply.status == channels::CallStatus::kOk &&
      reply.state == channels::TradeState::kPending) {
    decide_user(key);
  }
  if (!pending.idempotency_key.empty()) {
    StoredAnswer& stored = answers_[pending.idempotency_key];
    stored.in_flight = false;
    if (reply.status != channels::CallStatus::kTimeout) {  // an unknown outcome is not kept
      stored.status = response.result_int();
      stored.body = response.body();
    }
  }
  pending.responder(std::move(response));
}

void ChannelService::on_query_reply(channels::CallId call, const channels::PaymentKey& key,
                                    channels::QuerySource /*source*/,
                                    const channels::QueryReply& reply) {
  Pending pending = end_call(call);
  if (reply.status == channels::CallStatus::kTimeout)
    return pending.responder(unavailable(pending.responder));
  if (reply.status == channels::CallStatus::kError) {
    return pending.responder(error_response(http::status::internal_server_error, "query_failed",
                                            "the channel failed to answer the query; retry"));
  }
  pending.responder(make_response(
      http::status::ok, trade_json(*trades_.find(key.payment), reply.state, reply.paid_at_us)));
}

void ChannelService::on_close_reply(channels::CallId call, const channels::PaymentKey& key,
                                    const channels::CloseReply& reply) {
  Pending pending = end_call(call);
  if (reply.status == channels::CallStatus::kTimeout)
    return pending.responder(unavailable(pending.responder));
  if (reply.status == channels::CallStatus::kError) {
    return pending.responder(error_response(http::status::conflict, "close_failed",
                                            "the trade is not open at the channel"));
  }
  nlohmann::json body =
      nlohmann::json::parse(trade_json(*trades_.find(key.payment), reply.state, reply.paid_at_us));
  body["closed"] = reply.state == channels::TradeState::kClosed;
  pending.responder(json_response(http::status::ok, body));
}

void ChannelService::on_refund_reply(channels::CallId call, const channels::PaymentKey& key,
                                     const channels::RefundReply& reply) {
  Pending pending = end_call(call);
  const bool done = reply.status == channels::CallStatus::kOk && reply.refunded;
  if (!pending.refund_id.empty()) {
    RefundRecord& record = refunds_[pending.refund_id];
    // After a timeout the refund's fate is unknown to the merchant, but the channel knows: the
    // model never moves money for a call refused by an outage.
    record.state = done ? "succeeded" : "failed";
  }
  if (reply.status == channels::CallStatus::kTimeout)
    return pending.responder(unavailable(pending.responder));
  if (!done) {
    return pending.responder(error_response(
        http::status::conflict, "refund_refused",
        "the channel refused the refund (failure fault, unsupported, or more than the trade "
        "holds)"));
  }
  nlohmann::json body = {{"trade_id", trade_id(key.payment)}, {"state", "succeeded"}};
  if (!pending.refund_id.empty()) {
    body["refund_id"] = pending.refund_id;
    body["amount_minor"] = refunds_[pending.refund_id].amount_minor;
  }
  pending.responder(json_response(http::status::ok, body));
}

}  // namespace live
