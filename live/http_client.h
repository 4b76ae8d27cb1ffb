// HttpClient: asynchronous HTTP/1.1 requests to one server, for live mode's own calls (the
// reference payment service calling a channel's merchant API; `paysim live` calling the shop).
//
// One TCP connection per request and a deadline on the whole exchange (connect, write, read), as
// CallbackSender does for callbacks; bounded: at most `max_in_flight` requests at once, then a
// queue of at most `max_queued`, beyond which a request is answered kOverloaded at once. An answer
// larger than `max_answer_bytes` is kBroken.
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
#include <string>
#include <utility>
#include <vector>

#include "live/callback_sender.h"

namespace live {

struct HttpClientLimits {
  size_t max_in_flight = 256;
  size_t max_queued = 100'000;
  size_t max_answer_bytes = 1 << 20;
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
               Headers headers, std::chrono::nanoseconds deadline, Done done);

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
