// CallbackSender: POSTs callbacks to the merchant's notify URL and reports what came back.
//
// One TCP connection per delivery (real channels do not keep connections to merchants open), a
// deadline on the whole exchange (connect, write, read), and bounds: at most `max_in_flight`
// deliveries at once, then a queue of at most `max_queued`; a delivery beyond both is reported
// kOverloaded at once. Callbacks only ever go to the one endpoint given at construction.
//
// A delivery may be sent with a transport fault (the channel's side of the wire breaking, as
// Toxiproxy's toxics do it): see CallbackFault below.
//
// Single-threaded: `done` runs on the io_context's thread, exactly once per post, never on the
// caller's stack.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
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

// What happens to a callback request on the wire (the kinds of TransportFault, on the request):
//   kReset      the headers and half the body are written, then the connection is reset (RST);
//   kEmpty      the connection is opened and closed without a byte;
//   kMalformed  the headers and half the body are written, then the channel half-closes: a
//               truncated request (Content-Length promises more); the answer is read;
//   kSlowBody   the headers, then the body in 10 pieces spread over the deadline, so the request
//               is whole only when the deadline ends.
using CallbackFault = TransportFault;

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
  kBroken,         // the connection failed or the response was not valid HTTP
  kOverloaded,     // not sent: too many deliveries in flight and queued
};
std::string_view to_string(DeliveryOutcome outcome);

struct DeliveryResult {
  DeliveryOutcome outcome = DeliveryOutcome::kAnswered;
  unsigned status = 0;  // when kAnswered
  std::string body;     // when kAnswered; at most kMaxAnswerBytes
  std::string error;    // otherwise: what the socket said
  std::chrono::microseconds took{0};
};

class CallbackSender {
 public:
  static constexpr size_t kMaxAnswerBytes = 4096;

  using Done = std::function<void(DeliveryResult&& result)>;
  using Headers = std::vector<std::pair<std::string, std::string>>;

  CallbackSender(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint,
                 NotifyUrl url, size_t max_in_flight = 64, size_t max_queued = 10'000);
  ~CallbackSender();

  void post(std::string body, Headers headers, std::chrono::nanoseconds deadline, Done done,
            CallbackFault fault = CallbackFault::kNone);

  size_t in_flight() const { return in_flight_; }
  size_t queued() const { return queue_.size(); }

 private:
  struct Job {
    std::string body;
    Headers headers;
    std::chrono::nanoseconds deadline;
    Done done;
    CallbackFault fault = CallbackFault::kNone;
  };
  void start(Job&& job);
  void on_finished();

  boost::asio::io_context& io_;
  const boost::asio::ip::tcp::endpoint endpoint_;
  const NotifyUrl url_;
  const size_t max_in_flight_;
  const size_t max_queued_;
  size_t in_flight_ = 0;
  std::deque<Job> queue_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace live
