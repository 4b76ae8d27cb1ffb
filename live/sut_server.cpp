#include "live/sut_server.h"

#include <chrono>

namespace live {

using tcp = boost::asio::ip::tcp;

std::string unsupported_by_serve_sut(const harness::Scenario& scenario) {
  if (scenario.channels.empty()) return "the scenario has no channel";
  if (scenario.system.compensation.reconciliation.enabled) {
    return "system.compensation.reconciliation is not served by serve-sut yet (the statement "
           "source of the contract is synchronous); switch it off with --set "
           "system.compensation.reconciliation.enabled=false";
  }
  return {};
}

namespace {

// How long an HTTP call to a channel may take: the channel's own timeout (channel time, so
// scaled), and a second of real time for the network and the machine.
std::chrono::nanoseconds channel_deadline(const channels::ChannelConfig& channel,
                                          double time_scale) {
  const double scaled_us = static_cast<double>(channel.timeout.us()) / time_scale;
  return std::chrono::microseconds(static_cast<int64_t>(scaled_us)) + std::chrono::seconds(1);
}

}  // namespace

SutServer::SutServer(boost::asio::io_context& io, SutServerOptions options)
    : options_([&] {
        options.scenario = harness::with_merchant_view(std::move(options.scenario));
        return std::move(options);
      }()),
      runtime_(io, options_.scenario.seed, options_.time_scale),
      shop_(runtime_, options_.scenario.system, statements_, activity_, observer_, nullptr),
      http_(io, options_.limits, [this](Request&& request, Responder responder) {
        server_->handle(std::move(request), std::move(responder));
      }) {
  std::vector<channels::Channel*> channel_api;
  std::vector<HttpChannel*> http_channels;
  std::vector<std::string> names;
  for (size_t i = 0; i < options_.scenario.channels.size(); ++i) {
    const tcp::endpoint& endpoint = options_.channels.at(i);
    const std::string address = endpoint.address().to_string();
    const std::string host = (endpoint.address().is_v6() ? "[" + address + "]" : address) + ":" +
                             std::to_string(endpoint.port());
    clients_.push_back(std::make_unique<HttpClient>(io, endpoint, host));
    channels_.push_back(std::make_unique<HttpChannel>(
        runtime_, *clients_.back(), shop_.channel_client(),
        channel_deadline(options_.scenario.channels[i], options_.time_scale),
        options_.shop.max_orders));
    channel_api.push_back(channels_.back().get());
    http_channels.push_back(channels_.back().get());
    names.push_back(options_.scenario.channels[i].name);
  }
  shop_.set_channels(std::move(channel_api));
  server_ = std::make_unique<ShopServer>(runtime_, shop_, std::move(http_channels),
                                         std::move(names), activity_, options_.shop);
  shop_.connect_app(*server_);
}

SutServer::~SutServer() {
  http_.stop();
  activity_.set_idle_handler(nullptr);
}

std::string SutServer::start() {
  std::string error = http_.listen(options_.listen);
  if (!error.empty()) return error;
  shop_.start();
  return {};
}

}  // namespace live
