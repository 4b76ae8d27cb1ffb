// ChannelServer: one `serve-channel` process without its command line: the real-time runtime,
// the callback sender, the ChannelService and the HTTP server, wired on one io_context. The
// command (serve_channel_command.cpp) and the loopback tests both build it.
//
// Ownership: the server owns everything it wires; the io_context must outlive it. Start it
// before running the io_context; stop it (or stop the io_context) to shut down.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "live/callback_sender.h"
#include "live/channel_service.h"
#include "live/http_server.h"
#include "live/real_time_runtime.h"

namespace live {

struct ChannelServerOptions {
  ServiceOptions service;  // base_url is set by start()
  uint64_t seed = 1;
  double time_scale = 1.0;
  boost::asio::ip::tcp::endpoint listen;  // port 0: any free port (see local_endpoint)
  NotifyUrl notify;
  ServerLimits limits;
};

// Resolves the notify URL's host once; on failure returns nullopt with the reason in `error`.
std::optional<boost::asio::ip::tcp::endpoint> resolve_notify(boost::asio::io_context& io,
                                                             const NotifyUrl& url,
                                                             std::string* error);

class ChannelServer {
 public:
  // With its own real-time runtime (options.seed, options.time_scale).
  ChannelServer(boost::asio::io_context& io, ChannelServerOptions options,
                boost::asio::ip::tcp::endpoint notify_endpoint);
  // On a runtime shared with other parts of the process (`paysim live`: the users, the app and
  // the channels on one clock). REQUIRES: `runtime` runs on `io` and outlives the server.
  ChannelServer(boost::asio::io_context& io, RealTimeRuntime& runtime, ChannelServerOptions options,
                boost::asio::ip::tcp::endpoint notify_endpoint);
  ChannelServer(const ChannelServer&) = delete;
  ChannelServer& operator=(const ChannelServer&) = delete;
  ~ChannelServer();

  // Binds and starts serving; returns "" or what went wrong ("Address already in use").
  std::string start();
  boost::asio::ip::tcp::endpoint local_endpoint() const { return http_.local_endpoint(); }
  // Stops accepting connections; what is in flight may finish while the io_context runs.
  void stop() { http_.stop(); }

  // REQUIRES: started.
  ChannelService& service() { return *service_; }
  const ChannelService& service() const { return *service_; }
  RealTimeRuntime& runtime() { return runtime_; }

 private:
  ChannelServer(boost::asio::io_context& io, std::unique_ptr<RealTimeRuntime> own,
                RealTimeRuntime* shared, ChannelServerOptions options,
                boost::asio::ip::tcp::endpoint notify_endpoint);

  boost::asio::io_context& io_;
  ChannelServerOptions options_;
  std::unique_ptr<RealTimeRuntime> own_runtime_;  // unless shared
  RealTimeRuntime& runtime_;
  CallbackSender sender_;
  std::unique_ptr<ChannelService> service_;  // made by start(), once the port is known
  HttpServer http_;
};

}  // namespace live
