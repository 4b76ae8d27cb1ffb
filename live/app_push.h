// AppPush: serve-sut's push of "the order is PAID" to the app, over HTTP — the one one-way
// message of the shop contract (contracts/shop_api.h, live/openapi/shop.json's `orderPaid`
// callback). The app names where it hears pushes when it creates the order (`push_url`, as a
// merchant names its notify URL to a channel); the push is
//
//   POST {push_url}   {"order_id": N, "state": "paid"}     answered 2xx
//
// sent once, with a deadline and no retry: a push may be lost, and the environment's push loss
// and latency were applied before it gets here (links::ShopLinks, as in the simulator). Nothing
// is sent while serve-sut replays its journal: those pushes were sent (or lost) before the crash.
//
// Bounded: at most `max_destinations` distinct hosts (one HttpClient each, its own bounded queue);
// a destination is an IP literal (no name lookup on the serving thread), on loopback unless
// remote destinations are allowed (a service that POSTs wherever a client says is an SSRF hole).
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contracts/ids.h"
#include "live/http_client.h"

namespace live {

struct AppPushOptions {
  bool allow_remote = false;
  size_t max_destinations = 64;
  std::chrono::milliseconds deadline{2000};  // real time, per push
};

struct AppPushStats {
  uint64_t sent = 0;
  uint64_t delivered = 0;  // answered 2xx
  uint64_t failed = 0;     // another status, no answer, or the deadline
};

class AppPush {
 public:
  // A destination, by index into the pusher's table.
  using Destination = uint32_t;

  AppPush(boost::asio::io_context& io, AppPushOptions options);
  AppPush(const AppPush&) = delete;
  AppPush& operator=(const AppPush&) = delete;

  // The destination of `url`, added if new; nullopt with the reason in `error` when the URL is
  // not one this service pushes to.
  std::optional<Destination> destination(std::string_view url, std::string* error);
  // Sends the push; the answer is counted, never waited for.
  void paid(Destination to, contracts::OrderId order);

  const AppPushStats& stats() const { return stats_; }
  size_t in_flight() const;

 private:
  struct Target {
    std::unique_ptr<HttpClient> client;
    std::string path;
  };

  boost::asio::io_context& io_;
  const AppPushOptions options_;
  std::map<std::string, Destination, std::less<>> by_url_;
  std::vector<Target> targets_;
  AppPushStats stats_;
};

}  // namespace live
