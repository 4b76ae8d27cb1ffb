// Whatever a client sends, the server answers or closes, and keeps serving others: malformed HTTP
// gets a 4xx, oversized input is refused by the limits, wrong JSON gets a 400 that says why.
#include <gtest/gtest.h>

#include <string>

#include "tests/live/live_fixture.h"

namespace live::testing {
namespace {

std::string status_line(const std::string& answer) { return answer.substr(0, answer.find('\r')); }

TEST(Robustness, MalformedHttpGetsA4xxAndTheServerKeepsServing) {
  Merchant merchant;
  ServerLimits limits;
  limits.header_bytes = 2048;
  limits.body_bytes = 4096;
  limits.read_timeout = 300ms;  // the truncated body below waits for this
  LiveChannel channel(quiet_channel(), merchant.port(), 10,
                      LiveChannel::Options().with_limits(limits));
  const uint16_t port = channel.port();

  EXPECT_EQ(status_line(raw_exchange(port, "HELLO\r\n\r\n")), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(status_line(raw_exchange(port, "GET / HTTP/9.9\r\n\r\n")), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(status_line(raw_exchange(port, "GET /admin/stats HTTP/1.1\r\nX-Big: " +
                                               std::string(4000, 'a') + "\r\n\r\n")),
            "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_EQ(
      status_line(raw_exchange(port, "POST /v1/trades HTTP/1.1\r\nContent-Length: 100000\r\n\r\n")),
      "HTTP/1.1 413 Payload Too Large");
  EXPECT_EQ(
      status_line(raw_exchange(port,
                               "POST /v1/trades HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "zz\r\nhello\r\n0\r\n\r\n")),
      "HTTP/1.1 400 Bad Request");
  // A truncated body: the client stops sending; the server times it out and closes.
  EXPECT_EQ(raw_exchange(port, "POST /v1/trades HTTP/1.1\r\nContent-Length: 50\r\n\r\n{\"a\"", 2s),
            "");
  EXPECT_EQ(status_line(raw_exchange(port, std::string(1000, '\0'))), "HTTP/1.1 400 Bad Request");

  const HttpAnswer not_json = channel.post("/v1/trades", "{not json");
  EXPECT_EQ(not_json.status, 400u);
  EXPECT_EQ(not_json.json()["error"], "invalid_json");
  const HttpAnswer wrong_type =
      channel.post("/v1/trades", R"({"merchant_order_id":"o","amount_minor":"12"})");
  EXPECT_EQ(wrong_type.status, 400u);
  EXPECT_EQ(wrong_type.json()["error"], "invalid_amount");
  EXPECT_EQ(channel.post("/v1/trades", R"({"merchant_order_id":7,"amount_minor":12})").status,
            400u);
  EXPECT_EQ(channel.post("/v1/trades", R"([1,2])").status, 400u);
  EXPECT_EQ(channel.post("/v1/trades", R"({"merchant_order_id":"o","amount_minor":-1})").status,
            400u);
  EXPECT_EQ(channel.get("/v1/statement?from_ms=x&to_ms=1").status, 400u);
  EXPECT_EQ(channel.get("/nowhere").status, 404u);
  EXPECT_EQ(channel.get("/v1/trades").status, 405u);
  EXPECT_EQ(channel.get("/v1/trades/tr_x").status, 404u);

  // Still serving, and it counted what it refused.
  EXPECT_EQ(channel.create("order-after", 100), "tr_1");
  const nlohmann::json http_stats = channel.stats()["http"];
  EXPECT_GE(http_stats["bad_requests"].get<int>(), 6);
}

TEST(Robustness, ConnectionsAboveTheLimitAreClosedAndOthersAreServed) {
  Merchant merchant;
  ServerLimits limits;
  limits.connections = 2;
  limits.read_timeout = 2s;
  LiveChannel channel(quiet_channel(), merchant.port(), 10,
                      LiveChannel::Options().with_limits(limits));
  boost::asio::io_context io;
  std::vector<tcp::socket> idle;
  for (int i = 0; i < 2; ++i) {
    idle.emplace_back(io);
    idle.back().connect(tcp::endpoint(boost::asio::ip::address_v4::loopback(), channel.port()));
  }
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(http_call(channel.port(), http::verb::get, "/admin/stats").status, 0u)
      << "a third connection was served";
  idle.clear();  // closing them frees the slots
  std::this_thread::sleep_for(50ms);
  const HttpAnswer answer = channel.get("/admin/stats");
  ASSERT_EQ(answer.status, 200u);
  EXPECT_GE(answer.json()["http"]["connections_refused"].get<int>(), 1);
}

}  // namespace
}  // namespace live::testing
