// The HTTP messages a fuzz input holds, for the live-mode handler targets: the input is read as
// raw HTTP/1.1, one message after another, by Beast's parser under the limits the live servers
// apply (live::ServerLimits), so what reaches a handler is exactly what a server would hand it.
// A message that starts with "HTTP/" is a response, any other a request. Reading stops at the
// first message that is malformed or cut short, or after kMaxMessages.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "live/http_server.h"

namespace fuzz {

inline constexpr size_t kMaxMessages = 16;

using Message = std::variant<live::Request, live::Response>;

namespace internal {

// Parses one message of type `Parser` off the front of `bytes`; false if there is none whole.
template <class Parser>
bool parse_one(std::string_view& bytes, std::vector<Message>& messages) {
  const live::ServerLimits limits;
  Parser parser;
  parser.header_limit(static_cast<uint32_t>(limits.header_bytes));
  parser.body_limit(limits.body_bytes);
  parser.eager(true);
  size_t used = 0;
  while (!parser.is_done()) {
    boost::beast::error_code ec;
    if (used == bytes.size()) {
      parser.put_eof(ec);  // a body that runs to the end of the input
      if (ec || !parser.is_done()) return false;
      break;
    }
    const size_t n = parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == boost::beast::http::error::need_more && n > 0) continue;
    if (ec) return false;
  }
  messages.emplace_back(parser.release());
  bytes.remove_prefix(used);
  return true;
}

}  // namespace internal

inline std::vector<Message> http_messages(std::string_view bytes) {
  namespace http = boost::beast::http;
  std::vector<Message> messages;
  while (!bytes.empty() && messages.size() < kMaxMessages) {
    const bool parsed =
        bytes.starts_with("HTTP/")
            ? internal::parse_one<http::response_parser<http::string_body>>(bytes, messages)
            : internal::parse_one<http::request_parser<http::string_body>>(bytes, messages);
    if (!parsed) break;
  }
  return messages;
}

}  // namespace fuzz
