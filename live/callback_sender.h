// CallbackSender: POSTs callbacks to the merchant's notify URL and reports what came back.
//
// An HttpClient bound to the one endpoint given at construction: callbacks only ever go there.
// One TCP connection per delivery (real channels do not keep connections to merchants open), a
// deadline on the whole exchange, at most `max_in_flight` deliveries at once and `max_queued`
// waiting (then kOverloaded), answers of at most kMaxAnswerBytes. A delivery may be sent with a
// transport fault on the request (CallbackFault: the kinds of http_client.h).
//
// Single-threaded: `done` runs on the io_context's thread, exactly once per post, never on the
// caller's stack.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <string>

#include "live/http_client.h"
#include "live/http_server.h"

namespace live {

using CallbackFault = TransportFault;

class CallbackSender {
 public:
  static constexpr size_t kMaxAnswerBytes = 4096;

  using Done = HttpClient::Done;
  using Headers = HttpClient::Headers;

  CallbackSender(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint,
                 NotifyUrl url, size_t max_in_flight = 64, size_t max_queued = 10'000);

  void post(std::string body, Headers headers, std::chrono::nanoseconds deadline, Done done,
            CallbackFault fault = CallbackFault::kNone);

  size_t in_flight() const { return client_.in_flight(); }
  size_t queued() const { return client_.queued(); }

 private:
  const NotifyUrl url_;
  HttpClient client_;
};

}  // namespace live
