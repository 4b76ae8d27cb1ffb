#include "live/http_client.h"

#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace live {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

// One request and its answer. Owns itself through the handlers it has queued.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  using Finish = std::function<void(DeliveryResult&&)>;

  Exchange(boost::asio::io_context& io, http::request<http::string_body>&& request,
           size_t max_answer_bytes, Finish finish)
      : stream_(io), request_(std::move(request)), finish_(std::move(finish)) {
    parser_.body_limit(max_answer_bytes);
  }

  void start(const tcp::endpoint& endpoint, std::chrono::nanoseconds deadline) {
    stream_.expires_after(deadline);  // one deadline for the whole exchange
    stream_.async_connect(endpoint,
                          beast::bind_front_handler(&Exchange::on_connect, shared_from_this()));
  }

 private:
  void on_connect(beast::error_code ec) {
    if (ec) return fail(ec, DeliveryOutcome::kConnectFailed);
    http::async_write(stream_, request_,
                      beast::bind_front_handler(&Exchange::on_write, shared_from_this()));
  }
  void on_write(beast::error_code ec, size_t /*bytes*/) {
    if (ec) return fail(ec, DeliveryOutcome::kBroken);
    http::async_read(stream_, buffer_, parser_,
                     beast::bind_front_handler(&Exchange::on_read, shared_from_this()));
  }
  void on_read(beast::error_code ec, size_t /*bytes*/) {
    if (ec) return fail(ec, DeliveryOutcome::kBroken);
    DeliveryResult result;
    result.status = parser_.get().result_int();
    result.body = std::move(parser_.get().body());
    done(std::move(result));
  }
  void fail(beast::error_code ec, DeliveryOutcome outcome) {
    DeliveryResult result;
    result.outcome = ec == beast::error::timeout ? DeliveryOutcome::kTimeout : outcome;
    result.error = ec.message();
    done(std::move(result));
  }
  void done(DeliveryResult&& result) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    result.took =
        std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started_);
    finish_(std::move(result));
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response_parser<http::string_body> parser_;
  Finish finish_;
  const SteadyClock::time_point started_ = SteadyClock::now();
};

}  // namespace

HttpClient::HttpClient(boost::asio::io_context& io, tcp::endpoint endpoint, std::string host,
                       HttpClientLimits limits)
    : io_(io), endpoint_(std::move(endpoint)), host_(std::move(host)), limits_(limits) {}

HttpClient::~HttpClient() { *alive_ = false; }

void HttpClient::request(http::verb method, std::string target, std::string body, Headers headers,
                         std::chrono::nanoseconds deadline, Done done) {
  Job job{method,   std::move(target), std::move(body), std::move(headers),
          deadline, std::move(done)};
  if (in_flight_ < limits_.max_in_flight) return start(std::move(job));
  if (queue_.size() < limits_.max_queued) {
    queue_.push_back(std::move(job));
    return;
  }
  boost::asio::post(io_, [done = std::move(job.done), alive = std::weak_ptr<bool>(alive_)] {
    const std::shared_ptr<bool> still = alive.lock();
    if (!still || !*still) return;
    DeliveryResult result;
    result.outcome = DeliveryOutcome::kOverloaded;
    result.error = "request queue full";
    done(std::move(result));
  });
}

void HttpClient::start(Job&& job) {
  ++in_flight_;
  http::request<http::string_body> request{job.method, job.target, 11};
  request.set(http::field::host, host_);
  request.set(http::field::user_agent, "paysim");
  if (!job.body.empty()) request.set(http::field::content_type, "application/json");
  for (auto& [name, value] : job.headers) request.set(name, value);
  request.keep_alive(false);
  request.body() = std::move(job.body);
  request.prepare_payload();
  auto finish = [this, alive = std::weak_ptr<bool>(alive_),
                 done = std::move(job.done)](DeliveryResult&& result) {
    const std::shared_ptr<bool> still = alive.lock();
    if (!still || !*still) return;  // the client (and its owner) is gone
    on_finished();
    done(std::move(result));
  };
  std::make_shared<Exchange>(io_, std::move(request), limits_.max_answer_bytes, std::move(finish))
      ->start(endpoint_, job.deadline);
}

void HttpClient::on_finished() {
  --in_flight_;
  if (!queue_.empty() && in_flight_ < limits_.max_in_flight) {
    Job next = std::move(queue_.front());
    queue_.pop_front();
    start(std::move(next));
  }
}

}  // namespace live
