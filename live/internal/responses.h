// JSON responses of the channel's HTTP API. Private to live/.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "live/http_server.h"

namespace live::internal {

inline Response json_response(http::status status, const nlohmann::json& body) {
  return make_response(status, body.dump());
}

// {"error": code, "detail": detail}: `code` is stable for programs, `detail` is for people.
inline Response error_response(http::status status, std::string_view code, std::string detail) {
  return json_response(status, {{"error", code}, {"detail", std::move(detail)}});
}

}  // namespace live::internal
