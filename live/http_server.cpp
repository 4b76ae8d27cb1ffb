#include "live/http_server.h"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cassert>
#include <optional>
#include <sstream>

#include "fmt/format.h"

namespace live {

namespace beast = boost::beast;
using tcp = boost::asio::ip::tcp;

namespace internal {

struct ServerState {
  ServerLimits limits;
  Handler handler;  // emptied when the server is destroyed: sessions left then just close
  ServerStats stats;
  std::function<void()> before_write;
  bool stopping = false;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<ServerState> state)
      : stream_(std::move(socket)), state_(std::move(state)) {
    ++state_->stats.connections_open;
  }
  ~Session() { --state_->stats.connections_open; }

  void start() { do_read(); }
  void send(Response&& response, TransportFault fault = TransportFault::kNone);

 private:
  void do_read();
  void on_read(beast::error_code ec, size_t bytes);
  void refuse(beast::error_code ec);
  void do_write(bool keep_alive);
  void on_write(bool keep_alive, beast::error_code ec, size_t bytes);
  void do_close();
  void send_broken(TransportFault fault);
  void do_write_slowly();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<Response> response_;
  std::string slow_bytes_;  // a kSlowBody response, serialized, and how much of it is written
  size_t slow_written_ = 0;
  std::optional<boost::asio::steady_timer> slow_timer_;
  std::shared_ptr<ServerState> state_;
  unsigned request_version_ = 11;
  bool request_keep_alive_ = false;
};

void Session::do_read() {
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(state_->limits.header_bytes));
  parser_->body_limit(state_->limits.body_bytes);
  stream_.expires_after(state_->limits.read_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&Session::on_read, shared_from_this()));
}

bool is_http_error(const beast::error_code& ec) {
  return &ec.category() == &http::make_error_code(http::error::bad_version).category();
}

void Session::on_read(beast::error_code ec, size_t /*bytes*/) {
  if (ec == http::error::end_of_stream || ec == beast::error::timeout) return do_close();
  if (ec && is_http_error(ec)) return refuse(ec);
  if (ec) return;  // reset by the peer, or the server is shutting down: the socket closes
  if (!state_->handler || state_->stopping) return do_close();
  ++state_->stats.requests;
  Request request = parser_->release();
  request_version_ = request.version();
  request_keep_alive_ = request.keep_alive();
  stream_.expires_never();  // the channel's latency decides when the answer comes
  state_->handler(std::move(request), Responder(shared_from_this()));
}

// Malformed or oversized input: a 4xx saying why, then the connection is closed, because after
// a framing error nothing that follows on it can be trusted.
void Session::refuse(beast::error_code ec) {
  ++state_->stats.bad_requests;
  http::status status = http::status::bad_request;
  if (ec == http::error::header_limit) status = http::status::request_header_fields_too_large;
  if (ec == http::error::body_limit) status = http::status::payload_too_large;
  response_ = make_response(
      status, fmt::format(R"({{"error":"bad_request","detail":"{}"}})", ec.message()));
  request_version_ = 11;
  do_write(/*keep_alive=*/false);
}

void Session::send(Response&& response, TransportFault fault) {
  if (state_->before_write) state_->before_write();
  response_ = std::move(response);
  if (fault == TransportFault::kNone) return do_write(request_keep_alive_ && !state_->stopping);
  ++state_->stats.transport_faults[static_cast<size_t>(fault) - 1];
  if (fault != TransportFault::kSlowBody) return send_broken(fault);
  response_->version(request_version_);
  response_->keep_alive(false);
  response_->prepare_payload();
  std::ostringstream serialized;
  serialized << *response_;
  slow_bytes_ = serialized.str();
  slow_timer_.emplace(stream_.get_executor());
  do_write_slowly();
}

void Session::send_broken(TransportFault fault) {
  beast::error_code ignored;
  if (fault == TransportFault::kReset) {
    stream_.socket().set_option(boost::asio::socket_base::linger(true, 0), ignored);
    stream_.socket().close(ignored);  // with linger 0: RST
    return;
  }
  if (fault == TransportFault::kEmpty) {
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
    return;
  }
  // kMalformed: WireMock's MALFORMED_RESPONSE_CHUNK, an OK status line, then garbage.
  static const std::string kGarbage =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\x01\x02 not a chunk";
  stream_.expires_after(state_->limits.read_timeout);
  boost::asio::async_write(
      stream_, boost::asio::buffer(kGarbage),
      [self = shared_from_this()](beast::error_code, size_t) { self->do_close(); });
}

void Session::do_write_slowly() {
  constexpr size_t kPieces = 10;
  constexpr auto kGap = std::chrono::milliseconds(100);
  const size_t piece = std::max<size_t>(1, (slow_bytes_.size() + kPieces - 1) / kPieces);
  const size_t size = std::min(piece, slow_bytes_.size() - slow_written_);
  stream_.expires_after(state_->limits.read_timeout);
  boost::asio::async_write(stream_, boost::asio::buffer(slow_bytes_.data() + slow_written_, size),
                           [self = shared_from_this(), size, kGap](beast::error_code ec, size_t) {
                             if (ec) return;
                             self->slow_written_ += size;
                             if (self->slow_written_ == self->slow_bytes_.size())
                               return self->do_close();
                             self->slow_timer_->expires_after(kGap);
                             self->slow_timer_->async_wait([self](beast::error_code wait_ec) {
                               if (!wait_ec) self->do_write_slowly();
                             });
                           });
}

void Session::do_write(bool keep_alive) {
  response_->version(request_version_);
  response_->keep_alive(keep_alive);
  response_->prepare_payload();
  stream_.expires_after(state_->limits.read_timeout);
  http::async_write(stream_, *response_,
                    beast::bind_front_handler(&Session::on_write, shared_from_this(), keep_alive));
}

void Session::on_write(bool keep_alive, beast::error_code ec, size_t /*bytes*/) {
  response_.reset();
  if (ec) return;
  if (!keep_alive) return do_close();
  do_read();
}

void Session::do_close() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace internal

void Responder::operator()(Response&& response) {
  assert(!answered_ && "a request answered twice");
  answered_ = true;
  if (!session_) return;
  std::shared_ptr<internal::Session> session = std::move(session_);
  session->send(std::move(response), fault_);
}

Response make_response(http::status status, std::string body, std::string_view content_type) {
  Response response{status, 11};
  response.set(http::field::server, "paysim");
  response.set(http::field::content_type,
               boost::beast::string_view(content_type.data(), content_type.size()));
  response.body() = std::move(body);
  return response;
}

HttpServer::HttpServer(boost::asio::io_context& io, const ServerLimits& limits, Handler handler)
    : acceptor_(io), accept_retry_(io), state_(std::make_shared<internal::ServerState>()) {
  state_->limits = limits;
  state_->handler = std::move(handler);
}

HttpServer::~HttpServer() {
  stop();
  state_->handler = nullptr;
}

std::string HttpServer::listen(const tcp::endpoint& endpoint) {
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return ec.message();
  }
  do_accept();
  return {};
}

tcp::endpoint HttpServer::local_endpoint() const {
  beast::error_code ignored;
  return acceptor_.local_endpoint(ignored);
}

void HttpServer::stop() {
  state_->stopping = true;
  beast::error_code ignored;
  acceptor_.close(ignored);
  accept_retry_.cancel();
}

void HttpServer::set_before_write(std::function<void()> fn) {
  state_->before_write = std::move(fn);
}

const ServerStats& HttpServer::stats() const { return state_->stats; }

void HttpServer::do_accept() {
  acceptor_.async_accept(beast::bind_front_handler(&HttpServer::on_accept, this));
}

void HttpServer::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == boost::asio::error::operation_aborted || state_->stopping) return;
  if (!ec) {
    if (state_->stats.connections_open >= state_->limits.connections) {
      ++state_->stats.connections_refused;
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      ++state_->stats.connections_accepted;
      std::make_shared<internal::Session>(std::move(socket), state_)->start();
    }
  }
  if (!ec) return do_accept();
  // A failed accept (too many open files) must not stop the server, nor spin: retry shortly.
  accept_retry_.expires_after(std::chrono::milliseconds(50));
  accept_retry_.async_wait([this, state = state_](beast::error_code wait_ec) {
    if (!wait_ec && !state->stopping) do_accept();
  });
}

}  // namespace live
