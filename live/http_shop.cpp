#include "live/http_shop.h"

#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>

namespace live {

namespace http = boost::beast::http;
using shop::ApplyPayReply;
using shop::CallStatus;

namespace {

std::optional<ApplyPayReply::Outcome> parse_outcome(const std::string& text) {
  if (text == "created") return ApplyPayReply::Outcome::kCreated;
  if (text == "reused") return ApplyPayReply::Outcome::kReused;
  if (text == "already_paid") return ApplyPayReply::Outcome::kAlreadyPaid;
  if (text == "busy") return ApplyPayReply::Outcome::kBusy;
  if (text == "error") return ApplyPayReply::Outcome::kError;
  return std::nullopt;
}

[[noreturn]] void not_an_app_call(const char* call) {
  std::fprintf(stderr, "paysim: HttpShop::%s is a service-to-service call, not the app's\n", call);
  std::abort();
}

}  // namespace

// What came back, read once for every call.
struct HttpShop::Answer {
  CallStatus status = CallStatus::kTimeout;
  unsigned http_status = 0;
  nlohmann::json body;  // a JSON object, or null
};

HttpShop::HttpShop(RealTimeRuntime& runtime, HttpClient& http, sim::Activity& activity,
                   sut::SystemObserver& observer, std::vector<std::string> names,
                   int64_t amount_minor, std::chrono::nanoseconds deadline)
    : runtime_(runtime),
      http_(http),
      activity_(activity),
      observer_(observer),
      names_(std::move(names)),
      amount_minor_(amount_minor),
      deadline_(deadline) {}

template <class OnAnswer>
void HttpShop::send(OrderId order, http::verb method, std::string target, std::string body,
                    OnAnswer on_answer) {
  assert(app_ != nullptr && "connect() before the first call");
  ++stats_.calls;
  http_.request(
      method, std::move(target), std::move(body), {}, deadline_,
      // The hold is shared: std::function copies its target.
      [this, on_answer = std::move(on_answer),
       hold = std::make_shared<sim::Hold>(activity_, order)](DeliveryResult&& result) mutable {
        runtime_.advance();  // the app sees the time the answer arrived
        Answer answer;
        if (result.outcome == DeliveryOutcome::kAnswered) {
          answer.http_status = result.status;
          nlohmann::json parsed = nlohmann::json::parse(result.body, nullptr, false);
          if (parsed.is_object()) answer.body = std::move(parsed);
          if (result.status < 300 && answer.body.is_object()) {
            answer.status = CallStatus::kOk;
          } else if (result.status >= 400 && result.status < 500) {
            answer.status = CallStatus::kError;
          }
        }
        ++(answer.status == CallStatus::kOk      ? stats_.answered
           : answer.status == CallStatus::kError ? stats_.refused
                                                 : stats_.failed);
        on_answer(answer);
      });
}

void HttpShop::create_order(CallId call, OrderId order, OrderId /*purchase*/) {
  nlohmann::json body = {{"order_id", order}, {"amount_minor", amount_minor_}};
  if (!push_url_.empty()) body["push_url"] = push_url_;
  send(order, http::verb::post, "/v1/orders", body.dump(),
       [this, call, order](const Answer& answer) {
         if (answer.status == CallStatus::kOk) observer_.on_order_created(order, runtime_.now());
         app_->on_create_order_reply(call, order, answer.status);
       });
}

void HttpShop::order_state(CallId call, OrderId order) {
  send(order, http::verb::get, "/v1/orders/" + std::to_string(order), {},
       [this, call, order](const Answer& answer) {
         const std::string state = answer.body.is_object() ? answer.body.value("state", "") : "";
         const shop::OrderState parsed = state == "paid"     ? shop::OrderState::kPaid
                                         : state == "closed" ? shop::OrderState::kClosed
                                                             : shop::OrderState::kUnpaid;
         CallStatus status = answer.status;
         // An answer without a state the app knows is as good as none.
         if (status == CallStatus::kOk && state != "paid" && state != "closed" && state != "unpaid")
           status = CallStatus::kTimeout;
         app_->on_order_state_reply(call, order, status, parsed);
       });
}

void HttpShop::apply_pay(CallId call, const shop::ApplyPayRequest& request) {
  nlohmann::json body = {{"click", request.click}};
  if (request.channel < names_.size()) body["channel"] = names_[request.channel];
  send(request.order, http::verb::post, "/v1/orders/" + std::to_string(request.order) + "/pay",
       body.dump(), [this, call, request](const Answer& answer) {
         ApplyPayReply reply;
         reply.key.order = request.order;
         reply.key.channel = request.channel;
         const std::optional<ApplyPayReply::Outcome> outcome =
             answer.body.is_object() ? parse_outcome(answer.body.value("outcome", ""))
                                     : std::nullopt;
         if (outcome) reply.outcome = *outcome;  // 409 busy and 502 error carry one too
         const auto payment =
             answer.body.is_object() ? answer.body.find("payment_id") : answer.body.end();
         if (payment != answer.body.end() && payment->is_number_unsigned()) {
           reply.key.payment = payment->get<PaymentId>();
           const std::string trade = answer.body.value("trade_id", "");
           if (!trade.empty()) trades_[{request.channel, reply.key.payment}] = trade;
         }
         // A payment to make without a trade to pay is no payment for the user.
         const bool payable = reply.outcome == ApplyPayReply::Outcome::kCreated ||
                              reply.outcome == ApplyPayReply::Outcome::kReused;
         if (payable && trade_id(request.channel, reply.key.payment).empty())
           reply.outcome = ApplyPayReply::Outcome::kError;
         app_->on_apply_pay_reply(call, request, reply);
       });
}

std::string HttpShop::trade_id(uint32_t channel, PaymentId payment) const {
  const auto found = trades_.find({channel, payment});
  return found == trades_.end() ? std::string() : found->second;
}

void HttpShop::notify_paid(CallId, OrderId, PaymentId, shop::Resolution, int64_t, uint32_t) {
  not_an_app_call("notify_paid");
}
void HttpShop::close_order_payments(CallId, OrderId) { not_an_app_call("close_order_payments"); }
void HttpShop::query_order(CallId, OrderId) { not_an_app_call("query_order"); }
void HttpShop::payment_refused(CallId, OrderId, PaymentId, shop::Resolution, shop::NotifyResult) {
  not_an_app_call("payment_refused");
}

}  // namespace live
