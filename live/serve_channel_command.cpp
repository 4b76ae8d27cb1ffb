// `paysim serve-channel SCENARIO --listen ADDR --notify-url URL`: loads the scenario, picks one of
// its channels and serves it until SIGINT or SIGTERM, then writes the ledger (--ledger-out) and
// exits 0. A bad scenario, address, URL or secret is a clear message and exit 2.
#include "live/serve_channel_command.h"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>

#include "harness/signing_secret.h"
#include "live/channel_server.h"
#include "live/internal/command_line.h"
#include "reports/atomic_file.h"

namespace live {
namespace {

using tcp = boost::asio::ip::tcp;

struct ServeChannelOptions {
  internal::SharedOptions shared;
  std::string listen;
  std::string notify_url;
  std::string channel;
  std::string ledger_out;
  std::string attacks;
  std::string transport_faults;
  std::string callback_faults;
  std::string outage_mode = "503";
  bool auto_pay = false;
};

int usage_error(const std::string& message) {
  std::fprintf(stderr, "paysim serve-channel: %s\n", message.c_str());
  return 2;
}

int serve_channel(const ServeChannelOptions& options) {
  std::string error;
  std::optional<internal::Loaded> loaded = internal::load_shared(options.shared, "", &error);
  if (!loaded) return error.empty() ? 2 : usage_error(error);
  const harness::Scenario* scenario = &loaded->scenario;
  const std::string& scenario_path = options.shared.scenario_path;
  if (scenario->channels.empty()) return usage_error(scenario_path + ": no channel to serve");
  uint32_t index = 0;
  if (!options.channel.empty()) {
    std::string names;
    for (const channels::ChannelConfig& channel : scenario->channels) {
      names += (names.empty() ? "" : ", ") + channel.name;
    }
    while (index < scenario->channels.size() && scenario->channels[index].name != options.channel) {
      ++index;
    }
    if (index == scenario->channels.size()) {
      return usage_error("--channel: no channel '" + options.channel + "' in " + scenario_path +
                         " (it has: " + names + ")");
    }
  }
  const std::optional<tcp::endpoint> listen =
      internal::listen_address(options.listen, "--listen", options.shared.allow_remote, &error);
  if (!listen) return usage_error(error);
  const std::optional<AttackProfile> attacks = parse_attacks(options.attacks, &error);
  if (!attacks) return usage_error("--attacks: " + error);
  const std::optional<TransportFaultProfile> transport =
      parse_transport_faults(options.transport_faults, &error);
  if (!transport) return usage_error("--transport-faults: " + error);
  const std::optional<TransportFaultProfile> callback_faults =
      parse_transport_faults(options.callback_faults, &error);
  if (!callback_faults) return usage_error("--callback-faults: " + error);
  const std::optional<NotifyUrl> notify = parse_notify_url(options.notify_url, &error);
  if (!notify) return usage_error("--notify-url: " + options.notify_url + " " + error);

  boost::asio::io_context io;
  const std::optional<tcp::endpoint> notify_endpoint = resolve_notify(io, *notify, &error);
  if (!notify_endpoint) return usage_error("--notify-url: " + error);
  ChannelServerOptions server_options;
  server_options.service.channel = scenario->channels[index];
  server_options.service.channel_index = index;
  server_options.service.secret = loaded->secret;
  server_options.service.attacks = *attacks;
  server_options.service.transport_faults = *transport;
  server_options.service.callback_faults = *callback_faults;
  server_options.service.outage_mode = options.outage_mode == "hang"     ? OutageMode::kHang
                                       : options.outage_mode == "refuse" ? OutageMode::kRefuse
                                                                         : OutageMode::kAnswer503;
  server_options.service.auto_pay = options.auto_pay;
  server_options.service.user = scenario->user;
  server_options.seed = scenario->seed;
  server_options.time_scale = options.shared.time_scale;
  server_options.listen = *listen;
  server_options.notify = *notify;
  server_options.limits.connections = options.shared.max_connections;
  ChannelServer server(io, server_options, *notify_endpoint);
  error = server.start();
  if (!error.empty()) return usage_error("cannot listen on " + options.listen + ": " + error);

  const tcp::endpoint bound = server.local_endpoint();
  const channels::ChannelConfig& channel = scenario->channels[index];
  std::fprintf(stderr,
               "paysim serve-channel: listening on %s:%u: channel %s (preset %s), seed %llu, "
               "time scale %g, callbacks to %s (ack: %s)%s\n",
               bound.address().to_string().c_str(), bound.port(), channel.name.c_str(),
               channel.preset.empty() ? "none" : channel.preset.c_str(),
               static_cast<unsigned long long>(scenario->seed), options.shared.time_scale,
               notify->text.c_str(), ack_rule_for(channel).describe().c_str(),
               options.auto_pay ? ", the wallet pays as the scenario's users decide" : "");
  std::fflush(stderr);

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    std::fprintf(stderr, "paysim serve-channel: signal %d, shutting down\n", signal_number);
    server.stop();
    io.stop();
  });
  io.run();

  const channels::ChannelStats& stats = server.service().channel().stats();
  std::fprintf(stderr,
               "paysim serve-channel: %llu creates, %llu charges, %llu callbacks sent "
               "(%llu dropped by fault), %llu acknowledged\n",
               static_cast<unsigned long long>(stats.creates),
               static_cast<unsigned long long>(stats.charges),
               static_cast<unsigned long long>(stats.callbacks_sent),
               static_cast<unsigned long long>(stats.callbacks_dropped),
               static_cast<unsigned long long>(server.service().notifier().stats().acknowledged));
  if (!options.ledger_out.empty()) {
    if (!reports::write_file_atomically(options.ledger_out, server.service().ledger_json_lines(),
                                        &error)) {
      std::fprintf(stderr, "paysim serve-channel: cannot write %s: %s\n",
                   options.ledger_out.c_str(), error.c_str());
      return 2;
    }
  }
  return 0;
}

}  // namespace

harness::CommandRunner add_serve_channel_command(CLI::App& app) {
  auto options = std::make_shared<ServeChannelOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve-channel",
      "Serve one channel of a scenario over HTTP: a stateful mock channel with signed, faulty "
      "callbacks (docs/live.md)");
  internal::add_shared_options(cmd, options->shared);
  cmd->add_option("--listen", options->listen,
                  "Address to serve, HOST:PORT (loopback; port 0: any)")
      ->required();
  cmd->add_option("--notify-url", options->notify_url,
                  "Where callbacks are POSTed: http://HOST:PORT/PATH")
      ->required();
  cmd->add_option("--channel", options->channel,
                  "The scenario's channel to serve (default: the first)");
  cmd->add_option("--ledger-out", options->ledger_out,
                  "Write the ledger (JSON lines) here at exit");
  cmd->add_option("--attacks", options->attacks,
                  "Attacks beside genuine callbacks, KIND=P,...: forged_signature, replay_old, "
                  "replay_same_event, tampered_amount, unknown_trade (docs/live.md)");
  cmd->add_option("--transport-faults", options->transport_faults,
                  "Merchant API answers lost on the wire, KIND=P,...: reset, empty, malformed, "
                  "slow_body (docs/live.md)");
  cmd->add_option("--callback-faults", options->callback_faults,
                  "Callback requests broken on the wire by the channel, KIND=P,...: reset, "
                  "empty, malformed (truncated), slow_body; each is a failed attempt, re-sent "
                  "on the schedule (docs/live.md)");
  cmd->add_option("--outage-mode", options->outage_mode,
                  "A call inside an outage window: 503 (after the channel's timeout), hang "
                  "(closed after it, no answer) or refuse (reset at once)")
      ->check(CLI::IsMember({"503", "hang", "refuse"}));
  cmd->add_flag("--auto-pay", options->auto_pay,
                "The wallet plays the scenario's users: each created trade is paid after "
                "user.pay_delay, if its user pays at all (user.pay_probability)");
  return {cmd, [options] { return serve_channel(*options); }};
}

}  // namespace live
