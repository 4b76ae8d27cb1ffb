#include "live/shop_server.h"

#include <cassert>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "live/internal/requests.h"
#include "live/internal/responses.h"
#include "live/signature.h"

namespace live {

using internal::body_object;
using internal::error_response;
using internal::json_response;
using internal::method_is;
using shop::ApplyPayReply;
using shop::CallStatus;

namespace {

constexpr uint64_t kMaxOrderId = uint64_t{1} << 53;  // exact in every JSON reader
constexpr uint32_t kMaxClick = 1'000'000;

std::optional<uint64_t> parse_id(std::string_view text) {
  uint64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id == 0 || id >= kMaxOrderId) {
    return std::nullopt;
  }
  return id;
}

std::string_view state_name(shop::OrderState state) {
  switch (state) {
    case shop::OrderState::kUnpaid:
      return "unpaid";
    case shop::OrderState::kPaid:
      return "paid";
    case shop::OrderState::kClosed:
      return "closed";
  }
  return "unknown";
}

std::string_view outcome_name(ApplyPayReply::Outcome outcome) {
  switch (outcome) {
    case ApplyPayReply::Outcome::kCreated:
      return "created";
    case ApplyPayReply::Outcome::kReused:
      return "reused";
    case ApplyPayReply::Outcome::kAlreadyPaid:
      return "already_paid";
    case ApplyPayReply::Outcome::kBusy:
      return "busy";
    case ApplyPayReply::Outcome::kError:
      return "error";
  }
  return "error";
}

Response unavailable() {
  return error_response(http::status::service_unavailable, "unavailable",
                        "the service did not answer in time; the call may or may not have taken "
                        "effect");
}

}  // namespace

ShopServer::ShopServer(RealTimeRuntime& runtime, links::Shop& shop,
                       std::vector<HttpChannel*> channels, std::vector<std::string> names,
                       const sim::Activity& activity, const ResolutionLog& resolutions,
                       ShopServerOptions options)
    : runtime_(runtime),
      shop_(shop),
      channels_(std::move(channels)),
      names_(std::move(names)),
      activity_(activity),
      resolutions_(resolutions),
      options_(std::move(options)),
      push_(runtime_.io(), options_.push) {
  assert(channels_.size() == names_.size());
  for (HttpChannel* channel : channels_) {
    channel->set_acknowledger(
        [this](const channels::CallbackNotice& notice) { acknowledge(notice); });
  }
}

void ShopServer::handle(Request&& request, Responder responder) {
  runtime_.advance();  // the model sees the time the request arrived
  const int64_t now_s = unix_seconds();
  if (journal_ != nullptr && !is_read_only(internal::split_target(request).path)) {
    JournalEntry entry;
    entry.kind = JournalEntry::Kind::kRequest;
    entry.time = runtime_.now();
    entry.unix_s = now_s;
    const boost::beast::string_view method = request.method_string();
    entry.method.assign(method.data(), method.size());
    entry.target.assign(request.target().data(), request.target().size());
    const boost::beast::string_view signature =
        request[boost::beast::string_view(kSignatureHeader.data(), kSignatureHeader.size())];
    entry.signature.assign(signature.data(), signature.size());
    entry.body = request.body();
    journal_->append(entry);
  }
  dispatch(request, responder, now_s);
}

bool ShopServer::replay(const JournalEntry& entry) {
  Request request;
  const http::verb method = http::string_to_verb(entry.method);
  if (method == http::verb::unknown) return false;
  request.method(method);
  request.target(entry.target);
  if (!entry.signature.empty()) {
    request.set(boost::beast::string_view(kSignatureHeader.data(), kSignatureHeader.size()),
                entry.signature);
  }
  request.body() = entry.body;
  Responder gone;  // the client of the request is long gone: its answer is dropped
  dispatch(request, gone, entry.unix_s);
  return true;
}

bool ShopServer::is_read_only(std::string_view path) {
  return path == "/health" || path == "/openapi.json" || path == "/v1/drain" || path == "/v1/stats";
}

void ShopServer::dispatch(const Request& request, Responder& responder, int64_t now_s) {
  ++stats_.requests;
  const internal::Target target = internal::split_target(request);
  const std::vector<std::string_view> parts = internal::split_path(target.path);
  if (target.path == "/health") {
    if (method_is(request, http::verb::get, responder))
      responder(json_response(http::status::ok, {{"status", "ok"}}));
    return;
  }
  if (target.path == "/openapi.json") {
    if (method_is(request, http::verb::get, responder))
      responder(make_response(http::status::ok, std::string(shop_openapi_json())));
    return;
  }
  if (target.path == "/v1/drain") {
    // Clock-free "is anything still in flight": a harness polls it before it reads the orders.
    if (method_is(request, http::verb::get, responder)) {
      const size_t busy = activity_.busy_entities();
      responder(json_response(http::status::ok, {{"idle", busy == 0 && push_.in_flight() == 0},
                                                 {"orders_in_flight", busy},
                                                 {"pushes_in_flight", push_.in_flight()}}));
    }
    return;
  }
  if (target.path == "/v1/stats") {
    if (method_is(request, http::verb::get, responder)) stats(responder);
    return;
  }
  if (target.path == "/v1/orders") {
    if (method_is(request, http::verb::post, responder)) create_order(request, responder);
    return;
  }
  if (parts.size() == 4 && parts[0] == "v1" && parts[1] == "channels" && parts[3] == "notify") {
    if (!method_is(request, http::verb::post, responder)) return;
    for (uint32_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == parts[2]) return callback(i, request, responder, now_s);
    }
    return responder(error_response(http::status::not_found, "unknown_channel",
                                    "no channel " + std::string(parts[2])));
  }
  if (parts.size() >= 3 && parts.size() <= 4 && parts[0] == "v1" && parts[1] == "orders") {
    const std::optional<uint64_t> order = parse_id(parts[2]);
    if (!order) {
      return responder(error_response(http::status::bad_request, "invalid_order_id",
                                      "an order id is an integer in [1, 2^53)"));
    }
    if (parts.size() == 3) {
      if (method_is(request, http::verb::get, responder)) order_state(*order, responder);
      return;
    }
    if (parts[3] == "pay") {
      if (method_is(request, http::verb::post, responder)) apply_pay(*order, request, responder);
      return;
    }
  }
  responder(
      error_response(http::status::not_found, "not_found", "no route " + std::string(target.path)));
}

CallId ShopServer::begin_call(Responder& responder) {
  const CallId call = next_call_++;
  pending_.emplace(call, std::move(responder));
  return call;
}

Responder ShopServer::end_call(CallId call) {
  auto node = pending_.extract(call);
  // The model answers every call exactly once (contracts/ids.h).
  assert(!node.empty());
  return std::move(node.mapped());
}

// ---- the app's calls ----------------------------------------------------------------------------

void ShopServer::create_order(const Request& request, Responder& responder) {
  const std::optional<nlohmann::json> body = body_object(request, responder);
  if (!body) return;
  const auto id = body->find("order_id");
  if (id == body->end() || !id->is_number_unsigned() || id->get<uint64_t>() == 0 ||
      id->get<uint64_t>() >= kMaxOrderId) {
    return responder(error_response(http::status::bad_request, "invalid_order_id",
                                    "order_id must be an integer in [1, 2^53)"));
  }
  const std::optional<int64_t> amount = internal::amount_field(*body, 0, responder);
  if (!amount) return;
  std::optional<AppPush::Destination> push_to;
  if (const auto url = body->find("push_url"); url != body->end()) {
    std::string why = "push_url must be a string";
    if (url->is_string()) push_to = push_.destination(url->get_ref<const std::string&>(), &why);
    if (!push_to) {
      ++stats_.bad_push_url;
      return responder(error_response(http::status::bad_request, "invalid_push_url", why));
    }
  }
  const OrderId order = id->get<uint64_t>();
  if (orders_.contains(order)) {
    return responder(error_response(http::status::conflict, "order_exists",
                                    "order " + std::to_string(order) + " exists already"));
  }
  if (orders_.size() >= options_.max_orders) {
    return responder(error_response(http::status::insufficient_storage, "too_many_orders",
                                    "the service holds its maximum number of orders"));
  }
  orders_.emplace(order, *amount);
  if (push_to) push_to_.emplace(order, *push_to);
  ++stats_.orders_created;
  shop_.app_to_orders().create_order(begin_call(responder), order, /*purchase=*/order);
}

void ShopServer::order_state(OrderId order, Responder& responder) {
  if (!orders_.contains(order)) {
    return responder(error_response(http::status::not_found, "order_not_found",
                                    "no order " + std::to_string(order)));
  }
  shop_.app_to_orders().order_state(begin_call(responder), order);
}

void ShopServer::apply_pay(OrderId order, const Request& request, Responder& responder) {
  const auto known = orders_.find(order);
  if (known == orders_.end()) {
    return responder(error_response(http::status::not_found, "order_not_found",
                                    "no order " + std::to_string(order)));
  }
  const std::optional<nlohmann::json> body = body_object(request, responder);
  if (!body) return;
  const std::optional<std::string> name = internal::id_field(*body, "channel", false, responder);
  if (!name) return;
  uint32_t channel = 0;
  if (!name->empty()) {
    while (channel < names_.size() && names_[channel] != *name) ++channel;
    if (channel == names_.size()) {
      return responder(
          error_response(http::status::bad_request, "unknown_channel", "no channel " + *name));
    }
  }
  const auto click = body->find("click");
  if (click != body->end() &&
      (!click->is_number_unsigned() || click->get<uint64_t>() > kMaxClick)) {
    return responder(error_response(http::status::bad_request, "invalid_click",
                                    "click counts the user's presses: an integer in [0, 10^6]"));
  }
  shop::ApplyPayRequest pay;
  pay.order = order;
  pay.channel = channel;
  pay.click = click == body->end() ? 0 : static_cast<uint32_t>(click->get<uint64_t>());
  pay.amount_minor = known->second;
  shop_.app_to_payments().apply_pay(begin_call(responder), pay);
}

void ShopServer::on_create_order_reply(CallId call, OrderId order, CallStatus status) {
  Responder responder = end_call(call);
  if (status != CallStatus::kOk) return responder(unavailable());
  responder(json_response(http::status::created, {{"order_id", order}, {"state", "unpaid"}}));
}

void ShopServer::on_order_state_reply(CallId call, OrderId order, CallStatus status,
                                      shop::OrderState state) {
  Responder responder = end_call(call);
  if (status != CallStatus::kOk) return responder(unavailable());
  nlohmann::json body = {{"order_id", order}, {"state", state_name(state)}};
  if (state == shop::OrderState::kPaid) {
    if (const std::optional<ResolutionLog::Paid> paid = resolutions_.of(order)) {
      body["resolved_by"] = shop::to_string(paid->how);
      body["paid_at_ms"] = paid->at.us() / 1000;
      body["now_ms"] = runtime_.now().us() / 1000;
    }
  }
  responder(json_response(http::status::ok, body));
}

void ShopServer::on_apply_pay_reply(CallId call, const shop::ApplyPayRequest& request,
                                    const ApplyPayReply& reply) {
  Responder responder = end_call(call);
  nlohmann::json body = {{"order_id", request.order}, {"outcome", outcome_name(reply.outcome)}};
  const bool payable = reply.outcome == ApplyPayReply::Outcome::kCreated ||
                       reply.outcome == ApplyPayReply::Outcome::kReused;
  if (payable) {
    body["payment_id"] = reply.key.payment;
    body["channel"] = names_[reply.key.channel];
    if (const ChannelTrade* trade = channels_[reply.key.channel]->trade(reply.key.payment)) {
      body["trade_id"] = trade->trade_id;
      body["pay_url"] = trade->pay_url;
    }
  }
  const http::status status =
      reply.outcome == ApplyPayReply::Outcome::kError  ? http::status::bad_gateway
      : reply.outcome == ApplyPayReply::Outcome::kBusy ? http::status::conflict
                                                       : http::status::ok;
  responder(json_response(status, body));
}

void ShopServer::on_push_paid(OrderId order) {
  ++stats_.pushes;
  const auto to = push_to_.find(order);
  if (to == push_to_.end()) {
    ++stats_.pushes_unaddressed;
    return;
  }
  // A replayed push was sent (or lost) before the crash.
  if (!runtime_.replaying()) push_.paid(to->second, order);
}

// ---- callbacks ----------------------------------------------------------------------------------

void ShopServer::callback(uint32_t channel, const Request& request, Responder& responder,
                          int64_t now_s) {
  ++stats_.callbacks;
  const auto refuse = [&](uint64_t& counter, http::status status, std::string_view code,
                          std::string detail) {
    ++counter;
    responder(error_response(status, code, std::move(detail)));
  };
  const boost::beast::string_view header =
      request[boost::beast::string_view(kSignatureHeader.data(), kSignatureHeader.size())];
  switch (verify_signature(options_.secret, std::string_view(header.data(), header.size()),
                           request.body(), now_s, options_.tolerance_s)) {
    case SignatureCheck::kValid:
      break;
    case SignatureCheck::kOutsideTolerance:
      return refuse(stats_.outside_tolerance, http::status::bad_request, "outside_tolerance",
                    "the signature's timestamp is outside the tolerance (a replay?)");
    case SignatureCheck::kMalformed:
    case SignatureCheck::kMismatch:
      return refuse(stats_.bad_signature, http::status::bad_request, "bad_signature",
                    "the signature does not match the body");
  }
  const nlohmann::json event = nlohmann::json::parse(request.body(), nullptr, false);
  const nlohmann::json* data =
      event.is_object() && event.contains("data") && event["data"].is_object() ? &event["data"]
                                                                               : nullptr;
  if (data == nullptr || !event.value("id", nlohmann::json()).is_string() ||
      !event.value("sequence", nlohmann::json()).is_number_unsigned() ||
      !data->value("trade_id", nlohmann::json()).is_string() ||
      !data->value("amount_minor", nlohmann::json()).is_number_integer()) {
    return refuse(stats_.malformed_callback, http::status::bad_request, "malformed_callback",
                  "a callback is {id, sequence, data: {trade_id, amount_minor, state, ...}}");
  }
  const std::optional<channels::TradeState> state =
      channels::parse_trade_state(data->value("state", std::string()));
  if (!state) {
    return refuse(stats_.malformed_callback, http::status::bad_request, "malformed_callback",
                  "unknown trade state");
  }
  const ChannelTrade* trade =
      channels_[channel]->find_trade((*data)["trade_id"].get<std::string>());
  if (trade == nullptr) {
    return refuse(stats_.unknown_trade, http::status::not_found, "unknown_trade",
                  "this shop created no such trade at " + names_[channel]);
  }
  if ((*data)["amount_minor"].get<int64_t>() != trade->amount_minor) {
    return refuse(stats_.amount_mismatch, http::status::bad_request, "amount_mismatch",
                  "the amount differs from the trade this shop created");
  }
  const std::string event_id = event["id"].get<std::string>();
  if (acknowledged_events_.contains(event_id)) {
    // Handled before: a channel's re-send of an event whose answer it did not see.
    ++stats_.callbacks_repeated;
    return responder(make_response(http::status::ok, "success", "text/plain"));
  }
  channels::CallbackNotice notice;
  notice.key = trade->key;
  notice.state = *state;
  notice.sequence = static_cast<uint32_t>(event["sequence"].get<uint64_t>());
  notice.paid_at_us = channels_[channel]->local_paid_at_us(*data);
  const AckKey key{notice.key.payment, notice.sequence, notice.state};
  WaitingAck& waiting = waiting_acks_[key];
  waiting.event_id = event_id;
  waiting.responders.push_back(std::move(responder));
  ++stats_.callbacks_accepted;
  // Unanswered by the model within ack_wait: 503, and the channel sends it again.
  runtime_.schedule_after(options_.ack_wait, [this, key] {
    const auto found = waiting_acks_.find(key);
    if (found == waiting_acks_.end()) return;
    for (Responder& waiter : found->second.responders) {
      ++stats_.callbacks_unacknowledged;
      waiter(error_response(http::status::service_unavailable, "not_acknowledged",
                            "the payment service did not handle the callback in time"));
    }
    waiting_acks_.erase(found);
  });
  shop_.channel_client().on_callback(notice);
}

void ShopServer::acknowledge(const channels::CallbackNotice& notice) {
  const auto found = waiting_acks_.find(AckKey{notice.key.payment, notice.sequence, notice.state});
  if (found == waiting_acks_.end()) return;  // answered already (503 after ack_wait)
  if (acknowledged_events_.size() < options_.max_event_ids)
    acknowledged_events_.insert(found->second.event_id);
  for (Responder& waiter : found->second.responders) {
    ++stats_.callbacks_acknowledged;
    waiter(make_response(http::status::ok, "success", "text/plain"));
  }
  waiting_acks_.erase(found);
}

void ShopServer::stats(Responder& responder) const {
  responder(
      json_response(http::status::ok, {{"now_ms", runtime_.now().us() / 1000},
                                       {"orders", orders_.size()},
                                       {"orders_in_flight", activity_.busy_entities()},
                                       {"requests", stats_.requests},
                                       {"callbacks",
                                        {{"received", stats_.callbacks},
                                         {"accepted", stats_.callbacks_accepted},
                                         {"acknowledged", stats_.callbacks_acknowledged},
                                         {"repeated", stats_.callbacks_repeated},
                                         {"unacknowledged", stats_.callbacks_unacknowledged}}},
                                       {"refused",
                                        {{"bad_signature", stats_.bad_signature},
                                         {"outside_tolerance", stats_.outside_tolerance},
                                         {"unknown_trade", stats_.unknown_trade},
                                         {"amount_mismatch", stats_.amount_mismatch},
                                         {"malformed", stats_.malformed_callback}}},
                                       {"pushes", stats_.pushes},
                                       {"push",
                                        {{"unaddressed", stats_.pushes_unaddressed},
                                         {"bad_push_url", stats_.bad_push_url},
                                         {"sent", push_.stats().sent},
                                         {"delivered", push_.stats().delivered},
                                         {"failed", push_.stats().failed}}}}));
}

}  // namespace live
