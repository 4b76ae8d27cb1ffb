#include "tests/live/live_fixture.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace live::testing {

namespace beast = boost::beast;

HttpAnswer http_call(uint16_t port, http::verb method, const std::string& target,
                     const std::string& body, const std::map<std::string, std::string>& headers,
                     std::chrono::milliseconds deadline) {
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  Request request{method, target, 11};
  request.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();
  http::response<http::string_body> response;
  HttpAnswer answer;
  stream.expires_after(deadline);
  stream.async_connect(
      tcp::endpoint(boost::asio::ip::address_v4::loopback(), port), [&](beast::error_code ec) {
        if (ec) return;
        http::async_write(stream, request, [&](beast::error_code ec, size_t) {
          if (ec) return;
          http::async_read(stream, buffer, response, [&](beast::error_code ec, size_t) {
            if (ec) return;
            answer.status = response.result_int();
            answer.body = response.body();
            for (const auto& field : response) {
              answer.headers[std::string(field.name_string())] = std::string(field.value());
            }
          });
        });
      });
  io.run();
  return answer;
}

std::string raw_exchange(uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds deadline) {
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  std::string received;
  std::array<char, 4096> chunk{};
  std::function<void()> read_more = [&] {
    stream.async_read_some(boost::asio::buffer(chunk), [&](beast::error_code ec, size_t n) {
      received.append(chunk.data(), n);
      if (!ec) read_more();
    });
  };
  stream.expires_after(deadline);
  stream.async_connect(tcp::endpoint(boost::asio::ip::address_v4::loopback(), port),
                       [&](beast::error_code ec) {
                         if (ec) return;
                         boost::asio::async_write(stream, boost::asio::buffer(bytes),
                                                  [&](beast::error_code, size_t) { read_more(); });
                       });
  io.run();
  return received;
}

TransportFaultProfile fault_profile(const std::string& spec) {
  std::string error;
  const std::optional<TransportFaultProfile> profile = parse_transport_faults(spec, &error);
  EXPECT_TRUE(profile) << error;
  return profile.value_or(TransportFaultProfile{});
}

uint16_t free_port() {
  boost::asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

channels::ChannelConfig quiet_channel() {
  using sim::Distribution;
  using sim::Duration;
  channels::ChannelConfig channel;
  channel.name = "wallet";
  channel.accept_latency = Distribution::fixed(Duration::millis(20));
  channel.success_probability = 1.0;
  channel.callback.delay = Distribution::fixed(Duration::millis(50));
  channel.query.latency = Distribution::fixed(Duration::millis(20));
  channel.cancel.latency = Duration::millis(20);
  channel.refund.latency = Duration::millis(20);
  return channel;
}

void IoThread::start() {
  thread_ = std::thread([this] { io_.run(); });
}

void IoThread::stop(std::function<void()> before_stop) {
  boost::asio::post(io_, [this, before_stop = std::move(before_stop)] {
    before_stop();
    io_.stop();
  });
  thread_.join();
}

LiveChannel::LiveChannel(const channels::ChannelConfig& channel, uint16_t notify_port,
                         double time_scale, const Options& test_options) {
  ChannelServerOptions options;
  options.service.channel = channel;
  options.service.secret = kSecret;
  options.service.attacks = test_options.attacks;
  options.service.transport_faults = test_options.transport_faults;
  options.service.callback_faults = test_options.callback_faults;
  options.service.outage_mode = test_options.outage_mode;
  options.service.auto_pay = test_options.auto_pay;
  options.service.user = test_options.user;
  options.seed = test_options.seed;
  options.time_scale = time_scale;
  options.listen = tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0);
  options.notify.host = "127.0.0.1";
  options.notify.port = notify_port;
  options.notify.target = test_options.notify_target;
  options.limits = test_options.limits;
  server_ = std::make_unique<ChannelServer>(
      thread_.io(), options, tcp::endpoint(boost::asio::ip::address_v4::loopback(), notify_port));
  const std::string error = server_->start();
  EXPECT_EQ(error, "");
  port_ = server_->local_endpoint().port();
  thread_.start();
}

LiveChannel::~LiveChannel() {
  thread_.stop([this] { server_->stop(); });
  server_.reset();  // after the thread: nothing else touches it now
}

std::string LiveChannel::create(const std::string& merchant_order_id, int64_t amount_minor) {
  const nlohmann::json body = {{"merchant_order_id", merchant_order_id},
                               {"amount_minor", amount_minor}};
  const HttpAnswer answer = post("/v1/trades", body.dump());
  EXPECT_EQ(answer.status, 200u) << answer.body;
  const nlohmann::json trade = answer.json();
  return trade.is_object() && trade.contains("trade_id") ? trade["trade_id"].get<std::string>()
                                                         : "";
}

std::string LiveChannel::create_paid(const std::string& merchant_order_id, int64_t amount_minor) {
  const std::string id = create(merchant_order_id, amount_minor);
  EXPECT_EQ(post("/v1/wallet/trades/" + id + "/pay").json()["outcome"], "charged");
  return id;
}

std::vector<nlohmann::json> LiveChannel::json_lines(const std::string& target) {
  std::vector<nlohmann::json> lines;
  const HttpAnswer answer = get(target);
  size_t start = 0;
  while (start < answer.body.size()) {
    const size_t end = answer.body.find('\n', start);
    lines.push_back(nlohmann::json::parse(answer.body.substr(start, end - start)));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

Merchant::Merchant(Policy policy) : policy_(std::move(policy)) {
  server_ = std::make_unique<HttpServer>(
      thread_.io(), ServerLimits{},
      [this](Request&& r, Responder s) { on_request(std::move(r), std::move(s)); });
  EXPECT_EQ(server_->listen(tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0)), "");
  port_ = server_->local_endpoint().port();
  thread_.start();
}

Merchant::~Merchant() {
  thread_.stop([this] { server_->stop(); });
  server_.reset();
}

void Merchant::on_request(Request&& request, Responder responder) {
  Received received;
  received.body = request.body();
  received.signature = std::string(request["Paysim-Signature"]);
  received.event = nlohmann::json::parse(received.body, nullptr, false);
  received.at = Clock::now();
  size_t index = 0;
  {
    const std::lock_guard lock(mutex_);
    index = received_.size();
    received_.push_back(received);
  }
  arrived_.notify_all();
  const Reply reply = policy_ ? policy_(index, received) : Reply{};
  auto answer = std::make_shared<Response>(
      make_response(static_cast<http::status>(reply.status), reply.body, "text/plain"));
  if (reply.wait == std::chrono::milliseconds::zero()) return responder(std::move(*answer));
  auto timer = std::make_shared<boost::asio::steady_timer>(thread_.io(), reply.wait);
  timer->async_wait(
      [timer, answer, responder](beast::error_code) mutable { responder(std::move(*answer)); });
}

std::vector<Merchant::Received> Merchant::received() const {
  const std::lock_guard lock(mutex_);
  return received_;
}

bool Merchant::wait_for(size_t count, std::chrono::milliseconds deadline) const {
  std::unique_lock lock(mutex_);
  return arrived_.wait_for(lock, deadline, [&] { return received_.size() >= count; });
}

}  // namespace live::testing
