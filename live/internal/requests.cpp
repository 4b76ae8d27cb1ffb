#include "live/internal/requests.h"

#include <charconv>

#include "live/internal/responses.h"

namespace live::internal {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    if (slash != 0) parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

Target split_target(const Request& request) {
  const std::string_view target(request.target().data(), request.target().size());
  const size_t question = target.find('?');
  return {target.substr(0, question),
          question == std::string_view::npos ? std::string_view() : target.substr(question + 1)};
}

std::optional<int64_t> query_integer(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const size_t equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      const std::string_view value = pair.substr(equals + 1);
      int64_t parsed = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
      if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
      return parsed;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::optional<nlohmann::json> body_object(const Request& request, Responder& responder) {
  if (request.body().empty()) return nlohmann::json::object();
  nlohmann::json body = nlohmann::json::parse(request.body(), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    responder(error_response(http::status::bad_request, "invalid_json", "the body is not JSON"));
    return std::nullopt;
  }
  if (!body.is_object()) {
    responder(error_response(http::status::bad_request, "invalid_json",
                             "the body must be a JSON object"));
    return std::nullopt;
  }
  return body;
}

std::optional<int64_t> amount_field(const nlohmann::json& body, int64_t fallback,
                                    Responder& responder) {
  const auto found = body.find("amount_minor");
  if (found == body.end() && fallback > 0) return fallback;
  if (found == body.end() || !found->is_number_integer() || found->get<int64_t>() <= 0 ||
      found->get<int64_t>() > kMaxAmountMinor) {
    responder(error_response(http::status::bad_request, "invalid_amount",
                             "amount_minor must be an integer in [1, 10^12]"));
    return std::nullopt;
  }
  return found->get<int64_t>();
}

std::optional<std::string> id_field(const nlohmann::json& body, const char* name, bool required,
                                    Responder& responder) {
  const auto found = body.find(name);
  if (found == body.end() && !required) return std::string();
  if (found == body.end() || !found->is_string() || found->get<std::string>().empty() ||
      found->get<std::string>().size() > kMaxIdText) {
    responder(error_response(http::status::bad_request, "invalid_" + std::string(name),
                             std::string(name) + " must be a string of 1 to 64 characters"));
    return std::nullopt;
  }
  return found->get<std::string>();
}

bool method_is(const Request& request, http::verb expected, Responder& responder) {
  if (request.method() == expected) return true;
  const std::string_view path = split_target(request).path;
  responder(error_response(http::status::method_not_allowed, "method_not_allowed",
                           std::string(path) + " takes " + std::string(http::to_string(expected))));
  return false;
}

}  // namespace live::internal
