// What live mode's commands read from their command lines: the options the three commands share
// (serve-channel, serve-sut, live: one definition, so that a flag means the same in each), listen
// addresses, channel URLs and the signing secret. Private to live/.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/scenario.h"

namespace CLI {
class App;
}  // namespace CLI

namespace live::internal {

// The options every live-mode command takes, with the same names, defaults and help.
struct SharedOptions {
  std::string scenario_path;
  double time_scale = 1.0;
  bool has_seed = false;
  uint64_t seed = 0;
  std::vector<std::string> set;
  std::string secret_file;
  size_t max_connections = 256;  // per HTTP server the command runs
  bool allow_remote = false;
};

// Adds the scenario positional and the shared options to `command`, the options under one
// "Live mode" group of its help.
void add_shared_options(CLI::App* command, SharedOptions& options);

// What a command starts from: the scenario (with `variant` applied, "" for none) and the secret.
struct Loaded {
  harness::Scenario scenario;
  std::string secret;
};
// nullopt when either is missing or wrong: a scenario error is printed by the loader, a secret
// error is put in `error` for the command to print.
std::optional<Loaded> load_shared(const SharedOptions& options, const std::string& variant,
                                  std::string* error);

// `text` as a listen address for `option`, refused when it is not loopback unless remote
// connections are allowed.
std::optional<boost::asio::ip::tcp::endpoint> listen_address(const std::string& text,
                                                             const std::string& option,
                                                             bool allow_remote, std::string* error);

// "127.0.0.1:8080" or "[::1]:8080"; `option` names the flag in the error ("--listen: ...").
std::optional<boost::asio::ip::tcp::endpoint> parse_listen(const std::string& text,
                                                           const std::string& option,
                                                           std::string* error);

// The signing secret, first found of: PAYSIM_CHANNEL_SECRET, the file named by --secret-file,
// the file the scenario names (live.signing_secret_file, checked when the scenario loaded).
// Never the scenario's text, which is shared and checked in.
std::optional<std::string> read_secret(const std::string& secret_file,
                                       const std::string& scenario_secret_file, std::string* error);

}  // namespace live::internal
