#include "live/internal/command_line.h"

#include <charconv>
#include <cstdlib>
#include <fstream>

#include "harness/signing_secret.h"

namespace live::internal {

using tcp = boost::asio::ip::tcp;

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
