// `paysim serve-sut SCENARIO --listen ADDR --channel URL`: serves the scenario's design (its
// `system:` block, run by the model's own services) as a payment service over HTTP, calling the
// channels' merchant APIs, until SIGINT or SIGTERM; then prints its counters and exits 0. A bad
// scenario, address, URL or secret is a clear message and exit 2.
#include "live/serve_sut_command.h"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>

#include "live/channel_server.h"
#include "live/internal/command_line.h"
#include "live/sut_server.h"

namespace live {
namespace {

using tcp = boost::asio::ip::tcp;

struct ServeSutOptions {
  internal::SharedOptions shared;
  std::string listen;
  std::vector<std::string> channels;  // URL, or NAME=URL
  std::string db;
  bool db_full_sync = false;
};

// What a journal must have been written by to be replayed here: the scenario's text, the
// overrides and the seed (live/journal.h).
std::string scenario_fingerprint(const ServeSutOptions& options, uint64_t seed) {
  std::ifstream in(options.shared.scenario_path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const std::string& set : options.shared.set) text += "\n--set " + set;
  return fingerprint_of(text + "\n--seed " + std::to_string(seed));
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "paysim serve-sut: %s\n", message.c_str());
  return 2;
}

// The channel endpoints by scenario index, from `--channel URL` (a scenario with one channel) or
// `--channel NAME=URL` for each channel.
std::optional<std::vector<tcp::endpoint>> channel_endpoints(boost::asio::io_context& io,
                                                            const harness::Scenario& scenario,
                                                            const std::vector<std::string>& given,
                                                            std::string* error) {
  std::vector<std::optional<tcp::endpoint>> endpoints(scenario.channels.size());
  for (const std::string& text : given) {
    std::string name;
    std::string url_text = text;
    const size_t equals = text.find('=');
    if (equals != std::string::npos && text.compare(0, 7, "http://") != 0) {
      name = text.substr(0, equals);
      url_text = text.substr(equals + 1);
    }
    size_t index = 0;
    if (name.empty()) {
      if (scenario.channels.size() != 1) {
        *error = "--channel: the scenario has " + std::to_string(scenario.channels.size()) +
                 " channels: give each as --channel NAME=URL";
        return std::nullopt;
      }
    } else {
      while (index < scenario.channels.size() && scenario.channels[index].name != name) ++index;
      if (index == scenario.channels.size()) {
        *error = "--channel: no channel '" + name + "' in the scenario";
        return std::nullopt;
      }
    }
    std::string why;
    const std::optional<NotifyUrl> url = parse_notify_url(url_text, &why);
    if (!url) {
      *error = "--channel: " + url_text + " " + why;
      return std::nullopt;
    }
    const std::optional<tcp::endpoint> endpoint = resolve_notify(io, *url, &why);
    if (!endpoint) {
      *error = "--channel: " + why;
      return std::nullopt;
    }
    endpoints[index] = *endpoint;
  }
  std::vector<tcp::endpoint> all;
  for (size_t i = 0; i < endpoints.size(); ++i) {
    if (!endpoints[i]) {
      *error = "--channel: no URL for channel '" + scenario.channels[i].name + "'";
      return std::nullopt;
    }
    all.push_back(*endpoints[i]);
  }
  return all;
}

int serve_sut(const ServeSutOptions& options) {
  std::string error;
  std::optional<internal::Loaded> loaded = internal::load_shared(options.shared, "", &error);
  if (!loaded) return error.empty() ? 2 : usage_error(error);
  const harness::Scenario* scenario = &loaded->scenario;
  if (const std::string why = unsupported_by_serve_sut(*scenario); !why.empty())
    return usage_error(options.shared.scenario_path + ": " + why);
  const std::optional<tcp::endpoint> listen =
      internal::listen_address(options.listen, "--listen", options.shared.allow_remote, &error);
  if (!listen) return usage_error(error);
  boost::asio::io_context io;
  std::optional<std::vector<tcp::endpoint>> channels =
      channel_endpoints(io, *scenario, options.channels, &error);
  if (!channels) return usage_error(error);

  SutServerOptions server_options;
  server_options.scenario = *scenario;
  server_options.channels = std::move(*channels);
  server_options.shop.secret = loaded->secret;
  server_options.shop.push.allow_remote = options.shared.allow_remote;
  server_options.time_scale = options.shared.time_scale;
  server_options.listen = *listen;
  server_options.limits.connections = options.shared.max_connections;
  server_options.db_path = options.db;
  server_options.db_fingerprint = scenario_fingerprint(options, scenario->seed);
  server_options.db_full_sync = options.db_full_sync;
  server_options.on_replay = [&options](uint64_t entries) {
    std::fprintf(stderr, "paysim serve-sut: replaying %llu journal entries from %s\n",
                 static_cast<unsigned long long>(entries), options.db.c_str());
    std::fflush(stderr);
  };
  SutServer server(io, std::move(server_options));
  error = server.start();
  if (!error.empty()) return usage_error(error);
  if (const RecoveryStats& recovered = server.recovery(); recovered.entries > 0) {
    std::fprintf(stderr,
                 "paysim serve-sut: recovered from %s: %llu journal entries (%llu earlier "
                 "restarts), up to %.3f s of channel time; the clock resumes at %.3f s\n",
                 options.db.c_str(), static_cast<unsigned long long>(recovered.entries),
                 static_cast<unsigned long long>(recovered.restarts),
                 static_cast<double>(recovered.reached.us()) / 1e6,
                 static_cast<double>(recovered.resumed.us()) / 1e6);
  }

  const tcp::endpoint bound = server.local_endpoint();
  std::fprintf(stderr,
               "paysim serve-sut: listening on %s:%u: scenario %s, seed %llu, time scale %g; "
               "callbacks at /v1/channels/NAME/notify\n",
               bound.address().to_string().c_str(), bound.port(), scenario->name.c_str(),
               static_cast<unsigned long long>(scenario->seed), options.shared.time_scale);
  std::fflush(stderr);

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    std::fprintf(stderr, "paysim serve-sut: signal %d, shutting down\n", signal_number);
    server.stop();
    io.stop();
  });
  io.run();

  const ShopServerStats& stats = server.server().stats();
  std::fprintf(stderr,
               "paysim serve-sut: %llu orders, %llu callbacks (%llu accepted, %llu refused as "
               "forged, replayed, tampered or unknown)\n",
               static_cast<unsigned long long>(stats.orders_created),
               static_cast<unsigned long long>(stats.callbacks),
               static_cast<unsigned long long>(stats.callbacks_accepted),
               static_cast<unsigned long long>(stats.bad_signature + stats.outside_tolerance +
                                               stats.unknown_trade + stats.amount_mismatch +
                                               stats.malformed_callback));
  return 0;
}

}  // namespace

harness::CommandRunner add_serve_sut_command(CLI::App& app) {
  auto options = std::make_shared<ServeSutOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve-sut",
      "Serve the scenario's design as a payment service over HTTP: the model's own order and "
      "payment services, calling serve-channel (docs/live.md)");
  internal::add_shared_options(cmd, options->shared);
  cmd->add_option("--listen", options->listen,
                  "Address to serve, HOST:PORT (loopback; port 0: any)")
      ->required();
  cmd->add_option("--channel", options->channels,
                  "A channel's merchant API: URL (one channel) or NAME=URL for each channel")
      ->required();
  cmd->add_option("--db", options->db,
                  "Durable storage: an SQLite journal (WAL) replayed at a restart, so a killed "
                  "service loses only what the scenario's crashes lose (docs/live.md)");
  cmd->add_flag("--db-full-sync", options->db_full_sync,
                "fsync the journal at every commit: survive a power loss, not only a kill");
  return {cmd, [options] { return serve_sut(*options); }};
}

}  // namespace live
