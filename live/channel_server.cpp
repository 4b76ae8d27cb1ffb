#include "live/channel_server.h"

#include <fmt/format.h>

#include <boost/asio/ip/tcp.hpp>

namespace live {

using tcp = boost::asio::ip::tcp;

std::optional<tcp::endpoint> resolve_notify(boost::asio::io_context& io, const NotifyUrl& url,
                                            std::string* error) {
  boost::system::error_code ec;
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(url.host, std::to_string(url.port), ec);
  if (ec || results.empty()) {
    if (error != nullptr) *error = "cannot resolve " + url.host + ": " + ec.message();
    return std::nullopt;
  }
  return results.begin()->endpoint();
}

ChannelServer::ChannelServer(boost::asio::io_context& io, ChannelServerOptions options,
                             tcp::endpoint notify_endpoint)
    : ChannelServer(io, std::make_unique<RealTimeRuntime>(io, options.seed, options.time_scale),
                    nullptr, std::move(options), std::move(notify_endpoint)) {}

ChannelServer::ChannelServer(boost::asio::io_context& io, RealTimeRuntime& runtime,
                             ChannelServerOptions options, tcp::endpoint notify_endpoint)
    : ChannelServer(io, nullptr, &runtime, std::move(options), std::move(notify_endpoint)) {}

ChannelServer::ChannelServer(boost::asio::io_context& io, std::unique_ptr<RealTimeRuntime> own,
                             RealTimeRuntime* shared, ChannelServerOptions options,
                             tcp::endpoint notify_endpoint)
    : io_(io),
      options_(std::move(options)),
      own_runtime_(std::move(own)),
      runtime_(own_runtime_ ? *own_runtime_ : *shared),
      sender_(io, std::move(notify_endpoint), options_.notify),
      http_(io, options_.limits, [this](Request&& request, Responder responder) {
        service_->handle(std::move(request), std::move(responder));
      }) {}

ChannelServer::~ChannelServer() {
  http_.stop();
  // A shared runtime is cleared by its owner (LiveRun), before it destroys this server.
  if (own_runtime_) own_runtime_->clear();
}

std::string ChannelServer::start() {
  std::string error = http_.listen(options_.listen);
  if (!error.empty()) return error;
  const tcp::endpoint bound = http_.local_endpoint();
  // fmt, not operator+: g++ 12 flags a literal + std::string falsely at -O3 (-Wrestrict).
  const std::string address = bound.address().to_string();
  const std::string host = bound.address().is_v6() ? fmt::format("[{}]", address) : address;
  options_.service.base_url = fmt::format("http://{}:{}", host, bound.port());
  service_ = std::make_unique<ChannelService>(runtime_, sender_, options_.service);
  service_->set_server_stats(&http_.stats());
  return {};
}

}  // namespace live
