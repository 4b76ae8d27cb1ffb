#include "live/internal/command_line.h"

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdlib>
#include <fstream>

#include "harness/commands.h"
#include "harness/signing_secret.h"

namespace live::internal {

using tcp = boost::asio::ip::tcp;

void add_shared_options(CLI::App* command, SharedOptions& options) {
  // One help section, the same in the three commands; the options stay the command's own (the man
  // page and the completions list them with the rest).
  constexpr const char* kGroup = "Live-mode options (the same in serve-channel, serve-sut, live)";
  command->add_option("scenario", options.scenario_path, "Scenario file (YAML)")->required();
  command
      ->add_option("--time-scale", options.time_scale,
                   "Time runs K times faster than real time (every delay divided by K); give "
                   "every process of one run the same K")
      ->check(CLI::Range(1e-3, 1e6))
      ->group(kGroup);
  harness::add_seed_option(command, options.seed, options.has_seed)->group(kGroup);
  command
      ->add_option("--set", options.set,
                   "Override a key: KEY=VALUE (dotted path; a channel by its name)")
      ->group(kGroup);
  command
      ->add_option("--secret-file", options.secret_file,
                   "File holding the channels' signing secret (PAYSIM_CHANNEL_SECRET wins when "
                   "set; this wins over the scenario's live.signing_secret_file)")
      ->group(kGroup);
  command
      ->add_option("--max-connections", options.max_connections,
                   "Open connections at most per server; more are closed at once (default 256)")
      ->check(CLI::Range(1, 100'000))
      ->group(kGroup);
  command
      ->add_flag("--allow-remote", options.allow_remote,
                 "Allow listening on, and pushing to, addresses other than loopback")
      ->group(kGroup);
}

std::optional<Loaded> load_shared(const SharedOptions& options, const std::string& variant,
                                  std::string* error) {
  std::optional<harness::Scenario> scenario = harness::load_for_command(
      options.scenario_path, options.set, options.has_seed, options.seed, variant);
  if (!scenario) return std::nullopt;
  std::optional<std::string> secret =
      read_secret(options.secret_file, scenario->live.signing_secret_file, error);
  if (!secret) return std::nullopt;
  return Loaded{std::move(*scenario), std::move(*secret)};
}

std::optional<tcp::endpoint> listen_address(const std::string& text, const std::string& option,
                                            bool allow_remote, std::string* error) {
  std::optional<tcp::endpoint> endpoint = parse_listen(text, option, error);
  if (endpoint && !endpoint->address().is_loopback() && !allow_remote) {
    *error = option + ": " + text +
             " is not a loopback address; pass --allow-remote to serve other hosts";
    return std::nullopt;
  }
  return endpoint;
}

std::optional<tcp::endpoint> parse_listen(const std::string& text, const std::string& option,
                                          std::string* error) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    *error = option + ": expected HOST:PORT, got '" + text + "'";
    return std::nullopt;
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    *error = option + ": invalid port '" + port_text + "'";
    return std::nullopt;
  }
  boost::system::error_code address_error;
  const auto address = boost::asio::ip::make_address(host, address_error);
  if (address_error) {
    *error = option + ": '" + host + "' is not an IP address";
    return std::nullopt;
  }
  return tcp::endpoint(address, static_cast<uint16_t>(port));
}

std::optional<std::string> read_secret(const std::string& secret_file,
                                       const std::string& scenario_secret_file,
                                       std::string* error) {
  if (const char* env = std::getenv("PAYSIM_CHANNEL_SECRET"); env != nullptr && *env != '\0') {
    return std::string(env);
  }
  const std::string& file = secret_file.empty() ? scenario_secret_file : secret_file;
  if (file.empty()) {
    *error =
        "no signing secret: set PAYSIM_CHANNEL_SECRET, pass --secret-file FILE, or name a file "
        "in the scenario (live.signing_secret_file)";
    return std::nullopt;
  }
  std::optional<std::string> secret = harness::read_signing_secret(file, error);
  if (!secret) {
    *error = (secret_file.empty() ? "live.signing_secret_file: " : "--secret-file: ") + *error;
  }
  return secret;
}

}  // namespace live::internal
