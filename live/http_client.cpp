#include "live/http_client.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <sstream>

namespace live {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

std::optional<NotifyUrl> parse_notify_url(std::string_view text, std::string* error) {
  const auto fail = [&](const char* why) -> std::optional<NotifyUrl> {
    if (error != nullptr) *error = why;
    return std::nullopt;
  };
  constexpr std::string_view kScheme = "http://";
  if (text.substr(0, kScheme.size()) != kScheme) {
    return fail("must start with http:// (TLS is not served: put a terminating proxy in front)");
  }
  NotifyUrl url;
  url.text = std::string(text);
  std::string_view rest = text.substr(kScheme.size());
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  url.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  size_t colon = authority.rfind(':');
  if (!authority.empty() && authority.front() == '[') {  // [::1]:9000
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail("unterminated IPv6 literal");
    url.host = std::string(authority.substr(1, close - 1));
    colon = close + 1 < authority.size() && authority[close + 1] == ':' ? close + 1
                                                                        : std::string_view::npos;
  } else {
    url.host = std::string(authority.substr(0, colon));
  }
  if (url.host.empty()) return fail("has no host");
  if (colon != std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return fail("has an invalid port");
    }
    url.port = static_cast<uint16_t>(value);
  }
  return url;
}

std::string_view to_string(DeliveryOutcome outcome) {
  switch (outcome) {
    case DeliveryOutcome::kAnswered:
      return "answered";
    case DeliveryOutcome::kTimeout:
      return "timeout";
    case DeliveryOutcome::kConnectFailed:
      return "connect_failed";
    case DeliveryOutcome::kBroken:
      return "broken";
    case DeliveryOutcome::kOverloaded:
      return "overloaded";
  }
  return "unknown";
}

namespace {

// One request and its answer, sent whole or broken on purpose (TransportFault). Owns itself through
// the handlers it has queued.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  using Finish = std::function<void(DeliveryResult&&)>;

  Exchange(boost::asio::io_context& io, http::request<http::string_body>&& request,
           size_t max_answer_bytes, TransportFault fault, Finish finish)
      : stream_(io),
        request_(std::move(request)),
        fault_(fault),
        timer_(io),
        finish_(std::move(finish)) {
    parser_.body_limit(max_answer_bytes);
  }

  void start(const tcp::endpoint& endpoint, std::chrono::nanoseconds deadline) {
    deadline_ = deadline;
    stream_.expires_after(deadline);  // one deadline for the whole exchange
    stream_.async_connect(endpoint,
                          beast::bind_front_handler(&Exchange::on_connect, shared_from_this()));
  }

 private:
  static constexpr size_t kSlowPieces = 10;

  void on_connect(beast::error_code ec) {
    if (!ec && connected_to_itself()) ec = boost::asio::error::connection_refused;
    if (ec) return fail(ec, DeliveryOutcome::kConnectFailed);
    if (fault_ == TransportFault::kNone) {
      http::async_write(stream_, request_,
                        beast::bind_front_handler(&Exchange::on_write, shared_from_this()));
      return;
    }
    if (fault_ == TransportFault::kEmpty) return broken("closed before a byte");
    std::ostringstream serialized;
    serialized << request_;
    wire_ = serialized.str();
    const size_t headers = wire_.size() - request_.body().size();
    // Reset and truncated requests stop half-way through the body; a slow one starts with the
    // headers and trickles the body.
    const size_t first =
        fault_ == TransportFault::kSlowBody ? headers : headers + request_.body().size() / 2;
    write_piece(first);
  }
  // TCP simultaneous open on loopback: connecting to a port nobody listens on, the kernel may pick
  // that very port as the ephemeral source and the socket "connects" to itself. The connection
  // then holds the port, so the service the harness waits for cannot bind it when it restarts.
  // Treated as what it means: nobody listens there.
  bool connected_to_itself() {
    beast::error_code local_error;
    beast::error_code remote_error;
    const tcp::socket& socket = stream_.socket();
    const tcp::endpoint local = socket.local_endpoint(local_error);
    const tcp::endpoint remote = socket.remote_endpoint(remote_error);
    if (local_error || remote_error || local != remote) return false;
    stream_.socket().close(local_error);
    return true;
  }
  // Writes the next `size` bytes of wire_, then goes on as the fault says.
  void write_piece(size_t size) {
    boost::asio::async_write(stream_, boost::asio::buffer(wire_.data() + written_, size),
                             [self = shared_from_this(), size](beast::error_code ec, size_t) {
                               if (ec) return self->fail(ec, DeliveryOutcome::kBroken);
                               self->written_ += size;
                               self->on_piece_written();
                             });
  }
  void on_piece_written() {
    if (fault_ == TransportFault::kReset) {
      beast::error_code ignored;
      stream_.socket().set_option(boost::asio::socket_base::linger(true, 0), ignored);
      stream_.socket().close(ignored);  // with linger 0: RST, and no FIN before it
      return broken("reset mid-request");
    }
    if (fault_ == TransportFault::kMalformed) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);  // the rest never comes
      return on_write({}, 0);
    }
    if (written_ == wire_.size()) return on_write({}, 0);  // kSlowBody, whole at last
    const size_t piece = std::max<size_t>(1, request_.body().size() / kSlowPieces);
    // Gaps of a ninth of the deadline: the tenth piece goes out after the deadline has passed,
    // however fast or slow the machine, so the request is never whole in time.
    timer_.expires_after(deadline_ / (kSlowPieces - 1));
    timer_.async_wait([self = shared_from_this(), piece](beast::error_code ec) {
      if (ec) return self->fail(ec, DeliveryOutcome::kBroken);
      // The stream's own deadline cancels only an operation in progress; on a loaded machine
      // this wait can end after it with none pending, so the deadline is checked here too.
      if (SteadyClock::now() - self->started_ >= self->deadline_)
        return self->fail(beast::error::timeout, DeliveryOutcome::kTimeout);
      self->write_piece(std::min(piece, self->wire_.size() - self->written_));
    });
  }
  // Ends a delivery the fault broke on purpose.
  void broken(const char* why) {
    DeliveryResult result;
    result.outcome = DeliveryOutcome::kBroken;
    result.error = std::string("transport fault: ") + why;
    done(std::move(result));
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
  const TransportFault fault_;
  std::string wire_;  // the serialized request, when a fault writes it by hand
  size_t written_ = 0;
  std::chrono::nanoseconds deadline_{0};
  boost::asio::steady_timer timer_;  // kSlowBody's gaps
  Finish finish_;
  const SteadyClock::time_point started_ = SteadyClock::now();
};

}  // namespace

HttpClient::HttpClient(boost::asio::io_context& io, tcp::endpoint endpoint, std::string host,
                       HttpClientLimits limits)
    : io_(io), endpoint_(std::move(endpoint)), host_(std::move(host)), limits_(limits) {}

HttpClient::~HttpClient() { *alive_ = false; }

void HttpClient::request(http::verb method, std::string target, std::string body, Headers headers,
                         std::chrono::nanoseconds deadline, Done done, TransportFault fault) {
  Job job{method, std::move(target), std::move(body), std::move(headers), deadline, std::move(done),
          fault};
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
  request.set(http::field::user_agent, limits_.user_agent);
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
  std::make_shared<Exchange>(io_, std::move(request), limits_.max_answer_bytes, job.fault,
                             std::move(finish))
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
