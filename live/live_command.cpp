// `paysim live SCENARIO --sut URL --channel-listen ADDR`: plays the scenario's users against a
// payment service over HTTP, with the scenario's channels served in this process, and writes the
// report `run` writes. Exit codes as `run`: 1 when an expectation fails or an invariant breaks,
// 2 for usage, scenario, address or secret errors.
#include "live/live_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <memory>

#include "harness/run.h"
#include "live/channel_server.h"
#include "live/internal/command_line.h"
#include "live/live_run.h"

namespace live {
namespace {

using tcp = boost::asio::ip::tcp;

// Lateness (p99, channel time) beyond which the run warns that its latencies are inflated.
constexpr double kLateWarningMs = 1000;

struct LiveCommandOptions {
  internal::SharedOptions shared;
  std::string sut_url;
  std::string channel_listen = "127.0.0.1:8080";
  std::string app_listen = "127.0.0.1:0";
  std::string notify_path = "/v1/channels/{channel}/notify";
  std::string variant;
  std::string attacks;
  double sut_timeout_s = 5.0;
  std::string out_dir;
  std::vector<std::string> formats;
};

int usage_error(const std::string& message) {
  std::fprintf(stderr, "paysim live: %s\n", message.c_str());
  return 2;
}

int live(const LiveCommandOptions& options) {
  if (!harness::check_formats(options.formats, options.out_dir)) return 2;
  std::string error;
  std::optional<internal::Loaded> loaded =
      internal::load_shared(options.shared, options.variant, &error);
  if (!loaded) return error.empty() ? 2 : usage_error(error);
  if (loaded->scenario.channels.empty())
    return usage_error(options.shared.scenario_path + ": the scenario has no channel");
  const std::optional<AttackProfile> attacks = parse_attacks(options.attacks, &error);
  if (!attacks) return usage_error("--attacks: " + error);
  const std::optional<tcp::endpoint> listen = internal::listen_address(
      options.channel_listen, "--channel-listen", options.shared.allow_remote, &error);
  if (!listen) return usage_error(error);
  const std::optional<tcp::endpoint> app_listen = internal::listen_address(
      options.app_listen, "--app-listen", options.shared.allow_remote, &error);
  if (!app_listen) return usage_error(error);
  const std::optional<NotifyUrl> sut = parse_notify_url(options.sut_url, &error);
  if (!sut) return usage_error("--sut: " + options.sut_url + " " + error);
  if (options.notify_path.empty() || options.notify_path.front() != '/')
    return usage_error("--notify-path: must start with /");

  boost::asio::io_context io;
  const std::optional<tcp::endpoint> sut_endpoint = resolve_notify(io, *sut, &error);
  if (!sut_endpoint) return usage_error("--sut: " + error);
  LiveOptions live_options;
  live_options.scenario = std::move(loaded->scenario);
  live_options.sut = *sut_endpoint;
  live_options.sut_host = sut->host + ":" + std::to_string(sut->port);
  live_options.channel_listen = *listen;
  live_options.app_listen = *app_listen;
  live_options.max_connections = options.shared.max_connections;
  live_options.notify_path = options.notify_path;
  live_options.secret = loaded->secret;
  live_options.time_scale = options.shared.time_scale;
  live_options.attacks = *attacks;
  live_options.sut_deadline =
      std::chrono::milliseconds(static_cast<int64_t>(options.sut_timeout_s * 1000));
  live_options.progress = isatty(STDERR_FILENO) != 0;
  const std::vector<harness::Expectation> expect = live_options.scenario.expect;
  const size_t channel_count = live_options.scenario.channels.size();
  const bool push = live_options.scenario.system.client.push_enabled;
  LiveRun run(io, std::move(live_options));
  error = run.start();
  if (!error.empty()) return usage_error("cannot listen: " + error);
  for (size_t i = 0; i < channel_count; ++i) {
    const tcp::endpoint bound = run.channel_endpoint(i);
    std::fprintf(stderr, "paysim live: channel %zu at http://%s:%u\n", i,
                 bound.address().to_string().c_str(), bound.port());
  }
  if (push) {
    const tcp::endpoint bound = run.app_endpoint();
    std::fprintf(stderr, "paysim live: the app hears pushes at http://%s:%u%s\n",
                 bound.address().to_string().c_str(), bound.port(),
                 LiveOptions{}.push_path.c_str());
  }
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  bool interrupted = false;
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    interrupted = true;
    io.stop();
  });
  reports::Report report = run.run();
  signals.cancel();
  if (interrupted) return usage_error("interrupted: no report written");
  const HttpShopStats& calls = run.shop_stats();
  std::fprintf(stderr,
               "paysim live: %llu calls to the service: %llu answered, %llu refused, %llu failed "
               "(down, slow or garbage)\n",
               static_cast<unsigned long long>(calls.calls),
               static_cast<unsigned long long>(calls.answered),
               static_cast<unsigned long long>(calls.refused),
               static_cast<unsigned long long>(calls.failed));
  if (push) {
    std::fprintf(stderr, "paysim live: %llu pushes heard\n",
                 static_cast<unsigned long long>(run.pushes_heard()));
  }
  // A machine that cannot keep up with K runs the scenario's events late, and every latency of
  // the report grows by as much: say so rather than let it pass for the service's slowness.
  if (const double p99_ms = run.lateness_us().quantile(0.99) / 1e3; p99_ms > kLateWarningMs) {
    std::fprintf(stderr,
                 "paysim live: warning: this process ran 1%% of its events more than %.0f ms of "
                 "channel time late (%.1f ms real at --time-scale %g); latencies are inflated by "
                 "up to that. A lower --time-scale gives the machine room\n",
                 p99_ms, p99_ms / options.shared.time_scale, options.shared.time_scale);
  }
  const bool expectations_passed = harness::evaluate_expectations(expect, report);
  if (const int written =
          harness::print_and_write_report(report, expect, options.formats, options.out_dir);
      written != 0)
    return written;
  return expectations_passed && report.invariants.violations == 0 ? 0 : 1;
}

}  // namespace

harness::CommandRunner add_live_command(CLI::App& app) {
  auto options = std::make_shared<LiveCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "live",
      "Play a scenario's users against a payment service over HTTP, serve its channels, and "
      "write the report `run` writes (docs/live.md)");
  internal::add_shared_options(cmd, options->shared);
  cmd->add_option("--sut", options->sut_url,
                  "The payment service's base URL (it serves live/openapi/shop.json)")
      ->required();
  cmd->add_option("--channel-listen", options->channel_listen,
                  "Where the first channel's merchant API listens (loopback); channel i at the "
                  "next port i (default 127.0.0.1:8080)");
  cmd->add_option("--app-listen", options->app_listen,
                  "Where the app hears the service's pushes when the scenario's client has push "
                  "on; each order names it as push_url (default 127.0.0.1:0, any free port)");
  cmd->add_option("--notify-path", options->notify_path,
                  "The service's callback path; {channel} is the channel's name (default "
                  "/v1/channels/{channel}/notify)");
  cmd->add_option("--variant", options->variant, "Apply one of the scenario's variants");
  cmd->add_option("--attacks", options->attacks,
                  "Attacks beside genuine callbacks, KIND=P,... (as serve-channel)");
  cmd->add_option("--sut-timeout", options->sut_timeout_s,
                  "Seconds one call to the service may take (default 5)")
      ->check(CLI::Range(0.01, 600.0));
  cmd->add_option("--out", options->out_dir,
                  "Write reports into this directory (each file whole or not at all)");
  cmd->add_option("--format", options->formats,
                  "Formats to write with --out: table,json,csv,junit,html (default json)")
      ->delimiter(',');
  return {cmd, [options] { return live(*options); }};
}

}  // namespace live
