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

// The signing secret: PAYSIM_CHANNEL_SECRET, else the file named by --secret-file (one line).
// Never from the scenario, which is shared and checked in.
std::optional<std::string> read_secret(const std::string& secret_file, std::string* error);

}  // namespace live::internal
