#include "live/internal/command_line.h"

#include <charconv>
#include <cstdlib>
#include <fstream>

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

std::optional<std::string> read_secret(const std::string& secret_file, std::string* error) {
  if (const char* env = std::getenv("PAYSIM_CHANNEL_SECRET"); env != nullptr && *env != '\0') {
    return std::string(env);
  }
  if (secret_file.empty()) {
    *error = "no signing secret: set PAYSIM_CHANNEL_SECRET or pass --secret-file FILE";
    return std::nullopt;
  }
  std::ifstream in(secret_file);
  std::string secret;
  if (!in || !std::getline(in, secret)) {
    *error = "--secret-file: cannot read " + secret_file;
    return std::nullopt;
  }
  while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
  if (secret.empty()) {
    *error = "--secret-file: " + secret_file + " holds an empty secret";
    return std::nullopt;
  }
  return secret;
}

}  // namespace live::internal
