#include "live/app_push.h"

#include <boost/asio/ip/address.hpp>
#include <nlohmann/json.hpp>
#include <utility>

namespace live {

namespace http = boost::beast::http;

namespace {
constexpr size_t kMaxUrlBytes = 2048;  // as live/openapi/shop.json says
}  // namespace

AppPush::AppPush(boost::asio::io_context& io, AppPushOptions options)
    : io_(io), options_(options) {}

std::optional<AppPush::Destination> AppPush::destination(std::string_view url, std::string* error) {
  if (const auto known = by_url_.find(url); known != by_url_.end()) return known->second;
  if (url.size() > kMaxUrlBytes) {
    *error = "push_url is longer than " + std::to_string(kMaxUrlBytes) + " bytes";
    return std::nullopt;
  }
  std::string why;
  const std::optional<NotifyUrl> parsed = parse_notify_url(url, &why);
  if (!parsed) {
    *error = "push_url " + why;
    return std::nullopt;
  }
  boost::system::error_code ec;
  const boost::asio::ip::address address = boost::asio::ip::make_address(parsed->host, ec);
  if (ec) {
    *error = "push_url must name its host by IP address (no name lookup while serving)";
    return std::nullopt;
  }
  if (!address.is_loopback() && !options_.allow_remote) {
    *error = "push_url " + parsed->host +
             " is not a loopback address; the service was not started with --allow-remote";
    return std::nullopt;
  }
  if (targets_.size() >= options_.max_destinations) {
    *error = "the service pushes to at most " + std::to_string(options_.max_destinations) +
             " distinct push_url values";
    return std::nullopt;
  }
  const std::string authority = address.is_v6()
                                    ? "[" + parsed->host + "]:" + std::to_string(parsed->port)
                                    : parsed->host + ":" + std::to_string(parsed->port);
  HttpClientLimits limits;
  limits.max_in_flight = 64;
  limits.max_queued = 10'000;
  limits.max_answer_bytes = 4096;
  targets_.push_back(
      {std::make_unique<HttpClient>(io_, boost::asio::ip::tcp::endpoint(address, parsed->port),
                                    authority, limits),
       parsed->target});
  const auto index = static_cast<Destination>(targets_.size() - 1);
  by_url_.emplace(std::string(url), index);
  return index;
}

void AppPush::paid(Destination to, contracts::OrderId order) {
  Target& target = targets_.at(to);
  ++stats_.sent;
  const nlohmann::json body = {{"order_id", order}, {"state", "paid"}};
  target.client->request(http::verb::post, target.path, body.dump(), {}, options_.deadline,
                         [this](DeliveryResult&& result) {
                           const bool ok = result.outcome == DeliveryOutcome::kAnswered &&
                                           result.status >= 200 && result.status < 300;
                           ++(ok ? stats_.delivered : stats_.failed);
                         });
}

size_t AppPush::in_flight() const {
  size_t total = 0;
  for (const Target& target : targets_)
    total += target.client->in_flight() + target.client->queued();
  return total;
}

}  // namespace live
