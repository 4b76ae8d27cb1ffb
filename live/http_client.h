// HttpClient: asynchronous HTTP/1.1 requests to one server — live mode's own calls: a channel's
// callbacks to the merchant (CallbackSender), the reference payment service calling a channel's
// merchant API (HttpChannel), `paysim live`'s app calling the shop (HttpShop).
//
// One TCP connection per request (real channels do not keep connections to merchants open) and
// a deadline on the whole exchange (connect, write, read); bounded: at most `max_in_flight`
// requests at once, then a queue of at most `max_queued`, beyond which a request is answered
// kOverloaded at once. An answer larger than `max_answer_bytes` is kBroken.
//
// A request may be sent with a transport fault (the caller's side of the wire breaking, as
// Toxiproxy's toxics do it), the kinds of TransportFault on a request:
//   kReset      the headers and half the body are written, then the connection is reset (RST);
//   kEmpty      the connection is opened and closed without a byte;
//   kMalformed  the headers and half the body are written, then the caller half-closes: a
//               truncated request (Content-Length promises more); the answer is read;
//   kSlowBody   the headers, then the body in 10 pieces a ninth of the deadline apart, so the
//               request is whole only after the deadline has passed.
//
// Single-threaded: `done` runs on the io_context's thread, exactly once per request, never on the
// caller's stack. Destroying the client drops the answers still to come.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "live/http_server.h"

namespace live {

// http://HOST:PORT/PATH; HOST an IPv4/IPv6 literal or a name resolved once at start.
struct NotifyUrl {
  std::string host;
  uint16_t port = 80;
  std::string target = "/";  // path and query
  std::string text;          // as given
};
// Parses and checks the URL; on failure returns nullopt with the reason in `error`.
std::optional<NotifyUrl> parse_notify_url(std::string_view text, std::string* error);

enum class DeliveryOutcome : uint8_t {
  kAnswered,       // an HTTP response arrived within the deadline (any status)
  kTimeout,        // no complete response within the deadline
  kConnectFailed,  // refused or unreachable
  kBroken,         // the connection failed, the response was not valid HTTP, or a fault
  kOverloaded,     // not sent: too many requests in flight and queued
};
std::string_view to_string(DeliveryOutcome outcome);

struct DeliveryResult {
  DeliveryOutcome outcome = DeliveryOutcome::kAnswered;
  unsigned status = 0;  // when kAnswered
  std::string body;     // when kAnswered; at most max_answer_bytes
  std::string error;    // otherwise: what the socket said
  std::chrono::microseconds took{0};
};

struct HttpClientLimits {
  size_t max_in_flight = 256;
  size_t max_queued = 100'000;
  size_t max_answer_bytes = 1 << 20;
  std::string user_agent = "paysim";
};

class HttpClient {
 public:
  using Done = std::function<void(DeliveryResult&& result)>;
  using Headers = std::vector<std::pair<std::string, std::string>>;

  // `host` is what the Host header says ("127.0.0.1:8080").
  HttpClient(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint, std::string host,
             HttpClientLimits limits = {});
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  ~HttpClient();

  // `body` is sent as application/json when not empty.
  void request(boost::beast::http::verb method, std::string target, std::string body,
               Headers headers, std::chrono::nanoseconds deadline, Done done,
               TransportFault fault = TransportFault::kNone);

  size_t in_flight() const { return in_flight_; }
  size_t queued() const { return queue_.size(); }
  const boost::asio::ip::tcp::endpoint& endpoint() const { return endpoint_; }

 private:
  struct Job {
    boost::beast::http::verb method;
    std::string target;
    std::string body;
    Headers headers;
    std::chrono::nanoseconds deadline;
    Done done;
    TransportFault fault = TransportFault::kNone;
  };
  void start(Job&& job);
  void on_finished();

  boost::asio::io_context& io_;
  const boost::asio::ip::tcp::endpoint endpoint_;
  const std::string host_;
  const HttpClientLimits limits_;
  size_t in_flight_ = 0;
  std::deque<Job> queue_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace live
