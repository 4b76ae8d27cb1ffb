// Reading HTTP requests of live mode's APIs: paths, query strings, JSON bodies and their fields.
// Each reader that can fail answers the 400 itself and returns nullopt. Private to live/.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "live/http_server.h"

namespace live::internal {

inline constexpr int64_t kMaxAmountMinor = 1'000'000'000'000;  // ten billion in major units
inline constexpr size_t kMaxIdText = 64;  // merchant order ids, refund ids, channel names

// "/v1/trades/tr_1" -> {"v1", "trades", "tr_1"}.
std::vector<std::string_view> split_path(std::string_view path);

// The path and the query string of a request target.
struct Target {
  std::string_view path;
  std::string_view query;
};
Target split_target(const Request& request);

// The integer value of `name` in a query string ("from_ms=0&to_ms=60000"), if present and valid.
std::optional<int64_t> query_integer(std::string_view query, std::string_view name);

// The request body as a JSON object; an empty body is an empty object. On failure answers 400.
std::optional<nlohmann::json> body_object(const Request& request, Responder& responder);

// An optional positive amount field; `fallback` when absent and positive. Answers 400 when
// present but invalid, or absent without a fallback.
std::optional<int64_t> amount_field(const nlohmann::json& body, int64_t fallback,
                                    Responder& responder);

// An optional short id text field ("" when absent); nullopt with a 400 answered when invalid.
std::optional<std::string> id_field(const nlohmann::json& body, const char* name, bool required,
                                    Responder& responder);

// Whether the request uses `expected`; answers 405 otherwise.
bool method_is(const Request& request, http::verb expected, Responder& responder);

}  // namespace live::internal
