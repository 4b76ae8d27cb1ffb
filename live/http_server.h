// HttpServer: a small HTTP/1.1 server on Boost.Beast with a limit on everything, for live mode.
//
// It parses requests (bounded header and body size, a read deadline for slow clients), hands each
// to the Handler with a Responder, and writes the answer when the Responder is called, which may
// be much later (the mock channel answers after its latency). One request at a time per
// connection, keep-alive as the client asks. Malformed HTTP gets a 400 (431 for oversized
// headers, 413 for an oversized body) and the connection is closed; nothing a client sends can
// crash the server or make it stop serving others. Connections above the limit are closed at
// once.
//
// Single-threaded: the Handler runs on the io_context's thread.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace live {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

struct ServerLimits {
  size_t header_bytes = 8 * 1024;
  size_t body_bytes = 64 * 1024;
  size_t connections = 256;
  // A request must arrive whole (and an idle keep-alive connection send its next one) within this.
  std::chrono::milliseconds read_timeout{10'000};
};

// What happens to a response on the wire, as WireMock's faults and Toxiproxy's toxics do it: the
// request took effect, the client cannot tell.
enum class TransportFault : uint8_t {
  kNone,
  kReset,      // the connection is reset (RST), nothing written
  kEmpty,      // the connection is closed, nothing written
  kMalformed,  // a status line, then garbage, then the connection is closed
  kSlowBody,   // the response, written in 10 pieces 100 ms apart
};
inline constexpr size_t kTransportFaults = 4;  // kinds other than kNone

struct ServerStats {
  uint64_t connections_accepted = 0;
  uint64_t connections_refused = 0;  // over ServerLimits::connections
  uint64_t requests = 0;
  uint64_t bad_requests = 0;  // malformed or oversized: answered 4xx and closed
  size_t connections_open = 0;
  std::array<uint64_t, kTransportFaults> transport_faults{};  // applied, by TransportFault - 1
};

namespace internal {
class Session;
struct ServerState;
}  // namespace internal

// Answers one request: call it exactly once, now or later. The version and keep-alive of the
// response follow the request. Dropping it unanswered closes the connection.
class Responder {
 public:
  // A responder with no connection: its answer is dropped (a request replayed from serve-sut's
  // journal, whose client is long gone).
  Responder() = default;
  explicit Responder(std::shared_ptr<internal::Session> session) : session_(std::move(session)) {}
  void operator()(Response&& response);
  // The answer, when it comes, meets this fault on the wire.
  void inject(TransportFault fault) { fault_ = fault; }

 private:
  std::shared_ptr<internal::Session> session_;
  TransportFault fault_ = TransportFault::kNone;
  bool answered_ = false;
};

using Handler = std::function<void(Request&& request, Responder responder)>;

// A response with a body and its content type; status 200 unless given.
Response make_response(http::status status, std::string body,
                       std::string_view content_type = "application/json");

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, const ServerLimits& limits, Handler handler);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  // Binds and starts accepting. Returns an empty string, or what went wrong ("address already
  // in use") for the caller to report.
  std::string listen(const boost::asio::ip::tcp::endpoint& endpoint);
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  // Called before any response is written (serve-sut's write-ahead journal commits there).
  void set_before_write(std::function<void()> fn);
  // Stops accepting; connections already open finish their request.
  void stop();
  const ServerStats& stats() const;

 private:
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_retry_;
  std::shared_ptr<internal::ServerState> state_;
};

}  // namespace live
