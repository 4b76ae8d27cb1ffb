// JSON responses of the channel's HTTP API. Private to live/.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "live/http_server.h"

namespace live::internal {

// Text a client sent (a request's target in a 404's detail) need not be UTF-8, which JSON must
// be: such bytes are written as U+FFFD rather than thrown on (nlohmann's default), which would end
// the server (found by fuzz/fuzz_http_channel.cpp and fuzz_http_shop.cpp).
inline Response json_response(http::status status, const nlohmann::json& body) {
  return make_response(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// {"error": code, "detail": detail}: `code` is stable for programs, `detail` is for people.
inline Response error_response(http::status status, std::string_view code, std::string detail) {
  return json_response(status, {{"error", code}, {"detail", std::move(detail)}});
}

}  // namespace live::internal
