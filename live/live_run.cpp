#include "live/live_run.h"

#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <utility>

#include "live/internal/requests.h"
#include "live/internal/responses.h"

namespace live {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr size_t kFinalQueriesInFlight = 64;
const sim::Duration kDrainStep = sim::Duration::seconds(1);

std::string notify_target(std::string path, const std::string& channel) {
  const std::string placeholder = "{channel}";
  if (const size_t at = path.find(placeholder); at != std::string::npos)
    path.replace(at, placeholder.size(), channel);
  return path;
}

}  // namespace

// The user's wallet at one channel, in process: pays the trade the service named for the
// payment, at this process's channel, and tells the recorder which trade took whose money.
class LiveRun::Wallet final : public channels::Wallet {
 public:
  Wallet(uint32_t channel, HttpShop& shop, ChannelService& service, LiveRecorder& recorder)
      : channel_(channel), shop_(shop), service_(service), recorder_(recorder) {}

  channels::PayOutcome user_pays(const channels::PaymentKey& key) override {
    const std::string trade_id = shop_.trade_id(channel_, key.payment);
    channels::PayOutcome outcome = channels::PayOutcome::kUnavailable;
    const TradeRecord* trade = trade_id.empty() ? nullptr : service_.user_pays(trade_id, &outcome);
    if (trade != nullptr) recorder_.on_trade_paid(key.order, channel_, trade->key);
    return outcome;
  }

 private:
  const uint32_t channel_;
  HttpShop& shop_;
  ChannelService& service_;
  LiveRecorder& recorder_;
};

LiveRun::LiveRun(boost::asio::io_context& io, LiveOptions options)
    : io_(io),
      options_(std::move(options)),
      runtime_(io, options_.scenario.seed, options_.time_scale),
      client_(runtime_, options_.scenario.system.client, activity_, recorder_, nullptr),
      progress_timer_(io) {
  const harness::Scenario& scenario = options_.scenario;
  std::vector<std::string> names;
  for (size_t i = 0; i < scenario.channels.size(); ++i) {
    ChannelServerOptions channel;
    channel.service.channel = scenario.channels[i];
    channel.service.channel_index = static_cast<uint32_t>(i);
    channel.service.secret = options_.secret;
    channel.service.attacks = options_.attacks;
    channel.time_scale = options_.time_scale;
    channel.seed = scenario.seed;
    channel.limits.connections = options_.max_connections;
    const uint16_t base = options_.channel_listen.port();
    channel.listen = tcp::endpoint(options_.channel_listen.address(),
                                   base == 0 ? 0 : static_cast<uint16_t>(base + i));
    channel.notify.host = options_.sut.address().to_string();
    channel.notify.port = options_.sut.port();
    channel.notify.target = notify_target(options_.notify_path, scenario.channels[i].name);
    channel.notify.text = "http://" + options_.sut_host + channel.notify.target;
    channels_.push_back(
        std::make_unique<ChannelServer>(io, runtime_, std::move(channel), options_.sut));
    names.push_back(scenario.channels[i].name);
  }
  http_ = std::make_unique<HttpClient>(io, options_.sut, options_.sut_host);
  shop_ = std::make_unique<HttpShop>(runtime_, *http_, activity_, recorder_, std::move(names),
                                     scenario.traffic.amount_minor, options_.sut_deadline);
  shop_->connect(client_);
  client_.connect(*shop_, *shop_);
  if (scenario.system.client.push_enabled) {
    ServerLimits limits;
    limits.body_bytes = 4096;
    limits.connections = options_.max_connections;
    push_server_ = std::make_unique<HttpServer>(
        io, limits,
        [this](Request&& request, Responder responder) { on_push(request, responder); });
  }
}

LiveRun::~LiveRun() {
  activity_.set_idle_handler(nullptr);
  runtime_.clear();  // while the channels, wallets and users its callbacks point at still live
}

std::string LiveRun::start() {
  for (size_t i = 0; i < channels_.size(); ++i) {
    if (std::string error = channels_[i]->start(); !error.empty())
      return "channel " + options_.scenario.channels[i].name + ": " + error;
  }
  if (push_server_) {
    if (std::string error = push_server_->listen(options_.app_listen); !error.empty())
      return "the app's push address: " + error;
    const tcp::endpoint heard = push_server_->local_endpoint();
    const std::string host = heard.address().is_v6() ? "[" + heard.address().to_string() + "]"
                                                     : heard.address().to_string();
    shop_->set_push_url("http://" + host + ":" + std::to_string(heard.port()) + options_.push_path);
  }
  const harness::Scenario& scenario = options_.scenario;
  std::vector<channels::Wallet*> wallets;
  for (size_t i = 0; i < channels_.size(); ++i) {
    wallets_.push_back(std::make_unique<Wallet>(static_cast<uint32_t>(i), *shop_,
                                                channels_[i]->service(), recorder_));
    wallets.push_back(wallets_.back().get());
  }
  users_ = std::make_unique<workload::Users>(runtime_, scenario.user, scenario.traffic,
                                             scenario.channels, std::move(wallets), client_,
                                             activity_, recorder_, nullptr);
  client_.set_listener(users_.get());
  traffic_ =
      std::make_unique<workload::Traffic>(runtime_, scenario.traffic, scenario.duration,
                                          [this](uint64_t order) { users_->on_arrival(order); });
  // The app forgets an order once nothing is pending for it; the recorder keeps its tally. With
  // push on it cannot know that: the service may push at any time (the simulator keeps the
  // app's session while a push is on its way), so it keeps every session, as the recorder does.
  if (!push_server_) {
    activity_.set_idle_handler([this](uint64_t order) {
      client_.erase(order);
      users_->erase(order);
    });
  }
  return {};
}

const reports::Report& LiveRun::run() {
  started_ = std::chrono::steady_clock::now();
  traffic_->start();
  runtime_.schedule_after(options_.scenario.duration, [this] { drain_step(); });
  if (options_.progress) print_progress();
  io_.run();
  return report_;
}

void LiveRun::drain_step() {
  if (done_) return;
  const sim::Time hard_end = sim::Time() + options_.scenario.duration + options_.scenario.drain;
  const bool local_idle = traffic_->finished() && activity_.busy_entities() == 0;
  if (runtime_.now() >= hard_end) return ask_final_states();
  if (!local_idle) {
    runtime_.schedule_after(kDrainStep, [this] { drain_step(); });
    return;
  }
  // The service's drain hook is optional: no such route (404) counts as idle.
  http_->request(
      http::verb::get, "/v1/drain", {}, {}, options_.sut_deadline, [this](DeliveryResult&& result) {
        runtime_.advance();
        const nlohmann::json body = nlohmann::json::parse(result.body, nullptr, false);
        const bool idle = result.outcome == DeliveryOutcome::kAnswered &&
                          (result.status == 404 ||
                           (result.status == 200 && body.is_object() && body.value("idle", false)));
        if (idle) return ask_final_states();
        runtime_.schedule_after(kDrainStep, [this] { drain_step(); });
      });
}

void LiveRun::ask_final_states() {
  if (done_) return;
  done_ = true;
  final_orders_ = recorder_.created_orders();
  final_pending_ = final_orders_.size();
  if (final_orders_.empty()) return finish();
  for (size_t i = 0; i < kFinalQueriesInFlight; ++i) ask_next_final_state();
}

void LiveRun::ask_next_final_state() {
  if (final_next_ >= final_orders_.size()) return;
  const sut::OrderId order = final_orders_[final_next_++];
  http_->request(http::verb::get, "/v1/orders/" + std::to_string(order), {}, {},
                 options_.sut_deadline, [this, order](DeliveryResult&& result) {
                   runtime_.advance();  // paid_at_ms is placed on the clock of the answer
                   const nlohmann::json body = nlohmann::json::parse(result.body, nullptr, false);
                   const std::string state = result.outcome == DeliveryOutcome::kAnswered &&
                                                     result.status == 200 && body.is_object()
                                                 ? body.value("state", "")
                                                 : "";
                   std::optional<shop::OrderState> final_state;
                   if (state == "paid") final_state = shop::OrderState::kPaid;
                   if (state == "unpaid") final_state = shop::OrderState::kUnpaid;
                   if (state == "closed") final_state = shop::OrderState::kClosed;
                   const auto how = body.is_object() ? body.find("resolved_by") : body.end();
                   recorder_.set_final_state(order, final_state,
                                             how != body.end() && how->is_string()
                                                 ? shop::parse_resolution(how->get<std::string>())
                                                 : std::nullopt);
                   const auto paid_at = body.is_object() ? body.find("paid_at_ms") : body.end();
                   const auto now = body.is_object() ? body.find("now_ms") : body.end();
                   if (final_state == shop::OrderState::kPaid && paid_at != body.end() &&
                       paid_at->is_number_integer() && now != body.end() &&
                       now->is_number_integer()) {
                     sut_clock_.sample(now->get<int64_t>(), runtime_.now());
                     final_paid_at_ms_.emplace_back(order, paid_at->get<int64_t>());
                   }
                   ask_next_final_state();
                   if (--final_pending_ == 0) finish();
                 });
}

void LiveRun::finish() {
  runtime_.advance();
  for (const auto& [order, paid_at_ms] : final_paid_at_ms_)
    recorder_.set_paid_at(order, *sut_clock_.to_local(paid_at_ms));
  const harness::Scenario& scenario = options_.scenario;
  report_.scenario = scenario.name;
  report_.variant = scenario.variant;
  report_.seed = scenario.seed;
  std::vector<const channels::Ledger*> ledgers;
  for (const auto& channel : channels_) {
    const ChannelService& service = std::as_const(*channel).service();
    ledgers.push_back(&service.ledger());
    report_.dropped.callbacks_lost += service.channel().stats().callbacks_dropped;
    report_.cost.late_acks += service.channel().stats().acks_late;
    report_.cost.channel_queries += service.channel().stats().queries;
    const NotifierStats& notifier = service.notifier().stats();
    for (size_t k = 0; k < kAttackKinds; ++k) {
      // A replay with the genuine event id inside the tolerance is the genuine callback again.
      if (static_cast<AttackKind>(k) == AttackKind::kReplaySameEvent) continue;
      report_.security.attacks_sent += notifier.attacks_sent[k];
      report_.security.attacks_accepted += notifier.attacks_accepted[k];
    }
    reports::SecurityCounts& security = report_.security;
    security.forged_signature_accepted +=
        notifier.attacks_accepted[static_cast<size_t>(AttackKind::kForgedSignature)];
    security.replay_old_accepted +=
        notifier.attacks_accepted[static_cast<size_t>(AttackKind::kReplayOld)];
    security.tampered_amount_accepted +=
        notifier.attacks_accepted[static_cast<size_t>(AttackKind::kTamperedAmount)];
    security.unknown_trade_accepted +=
        notifier.attacks_accepted[static_cast<size_t>(AttackKind::kUnknownTrade)];
  }
  recorder_.fill(ledgers, report_);
  report_.sim.simulated_us = runtime_.now().us();
  report_.sim.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_)
          .count();
  for (const auto& channel : channels_) channel->stop();
  if (push_server_) push_server_->stop();
  progress_timer_.cancel();
  io_.stop();
}

void LiveRun::on_push(const Request& request, Responder& responder) {
  using internal::error_response;
  if (internal::split_target(request).path != options_.push_path) {
    return responder(
        error_response(http::status::not_found, "not_found", "pushes go to " + options_.push_path));
  }
  if (!internal::method_is(request, http::verb::post, responder)) return;
  const std::optional<nlohmann::json> body = internal::body_object(request, responder);
  if (!body) return;
  const auto id = body->find("order_id");
  const auto state = body->find("state");
  if (id == body->end() || !id->is_number_unsigned() || state == body->end() ||
      !state->is_string() || *state != "paid") {
    return responder(error_response(http::status::bad_request, "invalid_push",
                                    R"(a push is {"order_id": N, "state": "paid"})"));
  }
  const sut::OrderId order = id->get<uint64_t>();
  if (!recorder_.created(order)) {
    return responder(error_response(http::status::not_found, "unknown_order",
                                    "the app created no order " + std::to_string(order)));
  }
  if (!done_) {
    runtime_.advance();  // the app sees the push at the time it arrived
    ++pushes_heard_;
    client_.on_push_paid(order);
  }
  responder(make_response(http::status::no_content, ""));
}

void LiveRun::print_progress() {
  progress_timer_.expires_after(std::chrono::seconds(2));
  progress_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || done_) return;
    const double window_s = static_cast<double>(options_.scenario.duration.us()) / 1e6;
    std::fprintf(stderr,
                 "paysim live: %.0f s of %.0f s (channel time), %zu orders, %zu in flight, "
                 "%llu service calls failed\n",
                 static_cast<double>(runtime_.clock().us()) / 1e6, window_s, recorder_.orders(),
                 activity_.busy_entities(), static_cast<unsigned long long>(shop_->stats().failed));
    print_progress();
  });
}

}  // namespace live
