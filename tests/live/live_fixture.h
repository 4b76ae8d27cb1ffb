// Loopback fixtures for the live tests: a ChannelServer on its own thread, a merchant that
// receives callbacks (on live::HttpServer, on another thread), and small HTTP clients. Every wait
// has a deadline, so a broken server fails a test instead of hanging it.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "live/channel_server.h"
#include "live/http_server.h"
#include "mock_channels/channel_config.h"

namespace live::testing {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using tcp = boost::asio::ip::tcp;

inline constexpr const char* kSecret = "whsec_test_secret";

// The users and the channel of the live-vs-service tests (scenario YAML): 90% of users pay after
// 10 s on average; one wallet with short fixed latencies that loses 30% of its callbacks and
// never re-sends them.
inline constexpr const char* kLossyWalletUsers = R"(user:
  pay_probability: 0.9
  pay_delay: {dist: exponential, mean: 10s}
channels:
  - name: wallet
    accept_latency: {dist: fixed, value: 50ms}
    query: {latency: {dist: fixed, value: 50ms}}
    callback: {delay: {dist: fixed, value: 200ms}, drop_probability: 0.3, retries: []}
)";

struct HttpAnswer {
  unsigned status = 0;  // 0: no answer (connection failed or timed out)
  std::string body;
  std::map<std::string, std::string> headers;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

// A port free now on 127.0.0.1, for a server that must be named before it exists (the channel
// needs the shop's notify URL before the shop starts, and the shop the channel's address).
uint16_t free_port();

// One request on a fresh connection, with a deadline on the whole exchange.
HttpAnswer http_call(uint16_t port, http::verb method, const std::string& target,
                     const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {},
                     std::chrono::milliseconds deadline = 5s);

// Writes `bytes` as they are and reads until the server closes or the deadline: what came back.
std::string raw_exchange(uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds deadline = 3s);

// A transport fault profile from its command-line text ("reset=0.3,slow_body=1"); a test failure
// and no fault when the text is invalid.
TransportFaultProfile fault_profile(const std::string& spec);

// A channel of one simple async wallet: no faults, fixed short latencies; tests turn on theirs.
channels::ChannelConfig quiet_channel();

// An io_context run by its own thread until stop(), which first runs `before_stop` on it.
class IoThread {
 public:
  boost::asio::io_context& io() { return io_; }
  void start();
  void stop(std::function<void()> before_stop);

 private:
  boost::asio::io_context io_;
  std::thread thread_;
};

// A ChannelServer on 127.0.0.1 (any port) run by its own thread; stopped and joined on
// destruction.
class LiveChannel {
 public:
  // What a test may set beside the channel; the rest of ServiceOptions is the fixture's.
  struct Options {
    uint64_t seed = 7;
    ServerLimits limits;
    AttackProfile attacks;
    TransportFaultProfile transport_faults;
    TransportFaultProfile callback_faults;
    OutageMode outage_mode = OutageMode::kAnswer503;
    std::string notify_target = "/notify";  // the path callbacks are POSTed to
    bool auto_pay = false;
    workload::UserConfig user;

    Options& with_seed(uint64_t value) { return set(seed, value); }
    Options& with_limits(const ServerLimits& value) { return set(limits, value); }
    Options& with_attacks(const AttackProfile& value) { return set(attacks, value); }
    Options& with_transport_faults(const TransportFaultProfile& value) {
      return set(transport_faults, value);
    }
    Options& with_callback_faults(const TransportFaultProfile& value) {
      return set(callback_faults, value);
    }
    Options& with_outage_mode(OutageMode value) { return set(outage_mode, value); }
    Options& with_notify_target(const std::string& value) { return set(notify_target, value); }
    // The wallet plays `value`'s users (--auto-pay).
    Options& with_auto_pay(const workload::UserConfig& value) {
      auto_pay = true;
      return set(user, value);
    }

   private:
    template <class T>
    Options& set(T& field, const T& value) {
      field = value;
      return *this;
    }
  };

  LiveChannel(const channels::ChannelConfig& channel, uint16_t notify_port, double time_scale,
              const Options& options);
  LiveChannel(const channels::ChannelConfig& channel, uint16_t notify_port, double time_scale)
      : LiveChannel(channel, notify_port, time_scale, Options{}) {}
  ~LiveChannel();

  uint16_t port() const { return port_; }
  HttpAnswer get(const std::string& target) { return http_call(port_, http::verb::get, target); }
  HttpAnswer post(const std::string& target, const std::string& body = "",
                  const std::map<std::string, std::string>& headers = {}) {
    return http_call(port_, http::verb::post, target, body, headers);
  }
  // Creates a trade and returns its id ("" on failure, with a test failure recorded).
  std::string create(const std::string& merchant_order_id, int64_t amount_minor);
  // Creates a trade and pays it in the wallet; its id.
  std::string create_paid(const std::string& merchant_order_id, int64_t amount_minor);
  nlohmann::json stats() { return get("/admin/stats").json(); }
  std::vector<nlohmann::json> json_lines(const std::string& target);

 private:
  IoThread thread_;
  std::unique_ptr<ChannelServer> server_;
  uint16_t port_ = 0;
};

// The merchant's notify endpoint. `reply` decides the answer to the n-th callback (0-based) and
// how long to wait before sending it.
class Merchant {
 public:
  struct Received {
    std::string body;
    std::string signature;
    nlohmann::json event;
    Clock::time_point at;
  };
  struct Reply {
    unsigned status = 200;
    std::string body = "success";
    std::chrono::milliseconds wait{0};
  };
  using Policy = std::function<Reply(size_t index, const Received& received)>;

  explicit Merchant(Policy policy = {});
  ~Merchant();

  uint16_t port() const { return port_; }
  std::vector<Received> received() const;
  // Waits until at least `count` callbacks arrived; false at the deadline.
  bool wait_for(size_t count, std::chrono::milliseconds deadline = 10s) const;

 private:
  void on_request(Request&& request, Responder responder);

  Policy policy_;
  IoThread thread_;
  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<Received> received_;
};

}  // namespace live::testing
