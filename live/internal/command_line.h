// What live mode's commands read from their command lines: listen addresses, channel URLs and the
// signing secret. Private to live/.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <optional>
#include <string>

namespace live::internal {

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
