// serve-sut on loopback: the model's own shop (links::Shop on the real-time runtime) behind the
// shop contract, calling a real serve-channel over HTTP and receiving its signed callbacks.
// An order goes from create to PAID through the real network; when every callback is lost, the
// scenario's active query finds the payment; forged, replayed, tampered and unknown-trade
// callbacks are refused and counted; bad requests get a 4xx. Every wait has a deadline.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/scenario_loader.h"
#include "live/signature.h"
#include "live/sut_server.h"
#include "tests/live/live_fixture.h"

namespace live::testing {
namespace {

constexpr const char* kNotify = "/v1/channels/wallet/notify";

LiveChannel::Options to_sut() { return LiveChannel::Options{}.with_notify_target(kNotify); }

harness::Scenario scenario_from(const std::string& system_yaml) {
  const std::string text =
      "name: live-sut\nseed: 3\nduration: 1m\ntraffic: {rate: 1/s}\n"
      "channels:\n  - name: wallet\n" +
      system_yaml;
  harness::LoadResult loaded = harness::load_scenario_text(text, "live-sut.yaml");
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].message);
  return *loaded.scenario;
}

// A SutServer on 127.0.0.1:`port` run by its own thread; stopped and joined on destruction.
class LiveSut {
 public:
  LiveSut(const harness::Scenario& scenario, uint16_t port, uint16_t channel_port,
          double time_scale) {
    SutServerOptions options;
    options.scenario = scenario;
    options.channels = {tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), channel_port)};
    options.shop.secret = kSecret;
    options.time_scale = time_scale;
    options.listen = tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port);
    server_ = std::make_unique<SutServer>(thread_.io(), std::move(options));
    const std::string error = server_->start();
    EXPECT_EQ(error, "");
    port_ = server_->local_endpoint().port();
    thread_.start();
  }
  ~LiveSut() {
    thread_.stop([this] { server_->stop(); });
  }

  uint16_t port() const { return port_; }
  HttpAnswer get(const std::string& target) { return http_call(port_, http::verb::get, target); }
  HttpAnswer post(const std::string& target, const std::string& body = "",
                  const std::map<std::string, std::string>& headers = {}) {
    return http_call(port_, http::verb::post, target, body, headers);
  }
  // Polls the order until it is `state`; false at the deadline.
  bool wait_for_state(uint64_t order, const std::string& state,
                      std::chrono::milliseconds deadline = 10s) {
    const Clock::time_point end = Clock::now() + deadline;
    while (Clock::now() < end) {
      if (get("/v1/orders/" + std::to_string(order)).json().value("state", "") == state)
        return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  // Creates the order and applies to pay: the answer of apply pay.
  nlohmann::json order_and_pay(uint64_t order, int64_t amount_minor = 1250) {
    const HttpAnswer created = post(
        "/v1/orders", nlohmann::json{{"order_id", order}, {"amount_minor", amount_minor}}.dump());
    EXPECT_EQ(created.status, 201u) << created.body;
    const HttpAnswer applied = post("/v1/orders/" + std::to_string(order) + "/pay", "{}");
    EXPECT_EQ(applied.status, 200u) << applied.body;
    return applied.json();
  }
  nlohmann::json stats() { return get("/v1/stats").json(); }

 private:
  IoThread thread_;
  std::unique_ptr<SutServer> server_;
  uint16_t port_ = 0;
};

std::string pay_path(const nlohmann::json& applied) {
  const std::string url = applied.value("pay_url", "");
  return url.substr(url.find("/v1/"));
}

TEST(ServeSut, AnOrderIsPaidThroughARealChannelAndItsSignedCallback) {
  const uint16_t sut_port = free_port();
  LiveChannel channel(quiet_channel(), sut_port, /*time_scale=*/10, to_sut());
  LiveSut sut(scenario_from("system: {compensation: {strategy: none}}\n"), sut_port, channel.port(),
              10);

  const nlohmann::json applied = sut.order_and_pay(1);
  EXPECT_EQ(applied["outcome"], "created");
  EXPECT_EQ(applied["trade_id"], "tr_1");
  EXPECT_EQ(sut.get("/v1/orders/1").json()["state"], "unpaid");
  EXPECT_EQ(channel.post(pay_path(applied)).json()["outcome"], "charged");

  ASSERT_TRUE(sut.wait_for_state(1, "paid"));
  // How and when: the callback, at most a moment before the answer's own clock reading.
  const nlohmann::json state = sut.get("/v1/orders/1").json();
  EXPECT_EQ(state["resolved_by"], "callback");
  ASSERT_TRUE(state["paid_at_ms"].is_number_integer()) << state.dump();
  EXPECT_GT(state["paid_at_ms"].get<int64_t>(), 0);
  EXPECT_LE(state["paid_at_ms"].get<int64_t>(), state["now_ms"].get<int64_t>());
  const nlohmann::json stats = sut.stats();
  EXPECT_EQ(stats["callbacks"]["accepted"], 1);
  EXPECT_EQ(stats["callbacks"]["acknowledged"], 1);
  // The channel saw its callback acknowledged by the preset's rule: no re-send.
  EXPECT_EQ(channel.stats()["callbacks"]["acknowledged"], 1);
  // Paying again is refused by the service: the order is paid.
  EXPECT_EQ(sut.post("/v1/orders/1/pay", R"({"click":1})").json()["outcome"], "already_paid");
}

TEST(ServeSut, PollingFindsThePaymentWhenEveryCallbackIsLost) {
  channels::ChannelConfig lossy = quiet_channel();
  lossy.callback.drop_probability = 1.0;
  lossy.callback.retries = {};
  const uint16_t sut_port = free_port();
  LiveChannel channel(lossy, sut_port, /*time_scale=*/50, to_sut());
  LiveSut sut(scenario_from("system:\n  compensation:\n    strategy: polling\n"
                            "    polling: {interval: 10s}\n"),
              sut_port, channel.port(), 50);

  const nlohmann::json applied = sut.order_and_pay(7);
  ASSERT_EQ(channel.post(pay_path(applied)).json()["outcome"], "charged");
  ASSERT_TRUE(sut.wait_for_state(7, "paid")) << sut.stats().dump();
  EXPECT_EQ(sut.get("/v1/orders/7").json()["resolved_by"], "polling");
  EXPECT_EQ(sut.stats()["callbacks"]["received"], 0);
  EXPECT_GE(channel.stats()["model"]["queries"], 1);
}

TEST(ServeSut, ForgedReplayedTamperedAndUnknownTradeCallbacksAreRefused) {
  AttackProfile attacks;
  attacks.probability.fill(1.0);
  const uint16_t sut_port = free_port();
  LiveChannel channel(quiet_channel(), sut_port, /*time_scale=*/10, to_sut().with_attacks(attacks));
  LiveSut sut(scenario_from("system: {compensation: {strategy: none}}\n"), sut_port, channel.port(),
              10);
  for (uint64_t order = 1; order <= 3; ++order) {
    ASSERT_EQ(channel.post(pay_path(sut.order_and_pay(order))).json()["outcome"], "charged");
  }
  for (uint64_t order = 1; order <= 3; ++order) ASSERT_TRUE(sut.wait_for_state(order, "paid"));
  // Every attack has had its answer once the channel's journal shows them all finished.
  const Clock::time_point end = Clock::now() + 10s;
  nlohmann::json security;
  while (Clock::now() < end) {
    security = channel.stats()["security"];
    const nlohmann::json refused = sut.stats()["refused"];
    if (refused["bad_signature"].get<int>() + refused["outside_tolerance"].get<int>() +
            refused["unknown_trade"].get<int>() >=
        12)
      break;
    std::this_thread::sleep_for(20ms);
  }
  const nlohmann::json refused = sut.stats()["refused"];
  // Forged and tampered (re-signed under a wrong key) fail the signature, the old replay the
  // tolerance, and the unknown trade is not one this shop created.
  EXPECT_EQ(refused["bad_signature"], 6) << refused.dump();
  EXPECT_EQ(refused["outside_tolerance"], 3);
  EXPECT_EQ(refused["unknown_trade"], 3);
  for (const char* kind : {"forged_signature", "replay_old", "tampered_amount", "unknown_trade"}) {
    EXPECT_EQ(security[std::string(kind) + "_sent"], 3) << kind;
    EXPECT_EQ(security[std::string(kind) + "_accepted"], 0) << kind;
  }
}

TEST(ServeSut, BadRequestsAndBadCallbacksGetA4xxAndAreCounted) {
  const uint16_t sut_port = free_port();
  LiveChannel channel(quiet_channel(), sut_port, /*time_scale=*/10, to_sut());
  LiveSut sut(scenario_from("system: {compensation: {strategy: none}}\n"), sut_port, channel.port(),
              10);
  EXPECT_EQ(sut.post("/v1/orders", R"({"order_id":0,"amount_minor":5})").status, 400u);
  EXPECT_EQ(sut.post("/v1/orders", R"({"order_id":5})").status, 400u);
  EXPECT_EQ(sut.post("/v1/orders", "not json").status, 400u);
  EXPECT_EQ(sut.post("/v1/orders", R"({"order_id":5,"amount_minor":100})").status, 201u);
  EXPECT_EQ(sut.post("/v1/orders", R"({"order_id":5,"amount_minor":100})").status, 409u);
  EXPECT_EQ(sut.get("/v1/orders/6").status, 404u);
  EXPECT_EQ(sut.get("/v1/orders/x").status, 400u);
  EXPECT_EQ(sut.post("/v1/orders/6/pay").status, 404u);
  EXPECT_EQ(sut.post("/v1/orders/5/pay", R"({"channel":"nope"})").status, 400u);
  EXPECT_EQ(sut.get("/v1/orders").status, 405u);
  EXPECT_EQ(sut.get("/nowhere").status, 404u);

  const nlohmann::json applied = sut.order_and_pay(9, 1250);
  const std::string trade = applied["trade_id"];
  const auto signed_post = [&](const std::string& body, const std::string& secret) {
    return sut.post(
        "/v1/channels/wallet/notify", body,
        {{std::string(kSignatureHeader), signature_header(secret, unix_seconds(), body)}});
  };
  const std::string genuine =
      nlohmann::json{{"id", "evt_x"},
                     {"sequence", 1},
                     {"data", {{"trade_id", trade}, {"amount_minor", 1250}, {"state", "success"}}}}
          .dump();
  EXPECT_EQ(sut.post("/v1/channels/wallet/notify", genuine).status, 400u);  // unsigned
  EXPECT_EQ(signed_post(genuine, "wrong key").status, 400u);
  EXPECT_EQ(signed_post(R"({"id":"evt_y"})", kSecret).status, 400u);  // malformed
  std::string tampered = genuine;
  tampered.replace(tampered.find("1250"), 4, "1");
  EXPECT_EQ(signed_post(tampered, kSecret).status, 400u);  // the amount differs
  std::string unknown = genuine;
  unknown.replace(unknown.find(trade), trade.size(), "tr_999");
  EXPECT_EQ(signed_post(unknown, kSecret).status, 404u);
  EXPECT_EQ(signed_post(genuine, kSecret).status, 200u);
  EXPECT_EQ(sut.post("/v1/channels/other/notify", genuine).status, 404u);
  EXPECT_TRUE(sut.wait_for_state(9, "paid"));  // the signed, genuine one counts

  const nlohmann::json refused = sut.stats()["refused"];
  EXPECT_EQ(refused["bad_signature"], 2);
  EXPECT_EQ(refused["malformed"], 1);
  EXPECT_EQ(refused["amount_mismatch"], 1);
  EXPECT_EQ(refused["unknown_trade"], 1);
}

// Push to the app: the order names where the app hears pushes; once the order is PAID the service
// POSTs {order_id, state: paid} there, once. A push_url the service will not push to is refused at
// create with a 400 naming why: not http, a host name, not loopback, too long.
TEST(ServeSut, APaidOrderIsPushedToThePushUrlItsAppNamed) {
  std::mutex mutex;
  std::vector<nlohmann::json> heard;
  IoThread app_thread;
  HttpServer app(app_thread.io(), ServerLimits{}, [&](Request&& request, Responder responder) {
    {
      const std::lock_guard lock(mutex);
      heard.push_back(nlohmann::json::parse(request.body(), nullptr, false));
      heard.back()["path"] = std::string(request.target());
    }
    responder(make_response(http::status::no_content, ""));
  });
  ASSERT_EQ(app.listen(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)), "");
  const std::string push_url =
      "http://127.0.0.1:" + std::to_string(app.local_endpoint().port()) + "/app/push";
  app_thread.start();

  const uint16_t sut_port = free_port();
  LiveChannel channel(quiet_channel(), sut_port, /*time_scale=*/10, to_sut());
  LiveSut sut(scenario_from("system:\n  compensation: {strategy: none}\n  client: {push: "
                            "{enabled: true}}\nenvironment:\n  push: {loss_probability: 0}\n"),
              sut_port, channel.port(), 10);
  for (const std::string& bad :
       {std::string("https://127.0.0.1:1/x"), std::string("http://localhost:9/x"),
        std::string("http://10.1.2.3:9/x"), "http://127.0.0.1:9/" + std::string(2100, 'a')}) {
    const HttpAnswer refused =
        sut.post("/v1/orders",
                 nlohmann::json{{"order_id", 7}, {"amount_minor", 100}, {"push_url", bad}}.dump());
    EXPECT_EQ(refused.status, 400u) << bad;
    EXPECT_EQ(refused.json().value("error", ""), "invalid_push_url") << refused.body;
  }
  EXPECT_EQ(sut.post("/v1/orders", R"({"order_id":7,"amount_minor":100,"push_url":5})").status,
            400u);

  ASSERT_EQ(
      sut.post(
             "/v1/orders",
             nlohmann::json{{"order_id", 1}, {"amount_minor", 1250}, {"push_url", push_url}}.dump())
          .status,
      201u);
  const HttpAnswer applied = sut.post("/v1/orders/1/pay", "{}");
  EXPECT_EQ(channel.post(pay_path(applied.json())).json()["outcome"], "charged");
  ASSERT_TRUE(sut.wait_for_state(1, "paid"));
  const Clock::time_point end = Clock::now() + 5s;
  while (Clock::now() < end && sut.stats()["push"].value("delivered", 0) == 0)
    std::this_thread::sleep_for(20ms);
  // An order without a push_url is paid all the same; its push has nowhere to go.
  sut.order_and_pay(2);
  const nlohmann::json second = sut.post("/v1/orders/2/pay", R"({"click":1})").json();
  EXPECT_EQ(channel.post(pay_path(second)).json()["outcome"], "charged");
  ASSERT_TRUE(sut.wait_for_state(2, "paid"));
  std::this_thread::sleep_for(200ms);

  const nlohmann::json stats = sut.stats();
  EXPECT_EQ(stats["pushes"], 2);
  EXPECT_EQ(stats["push"]["unaddressed"], 1);
  EXPECT_EQ(stats["push"]["bad_push_url"], 5);
  EXPECT_EQ(stats["push"]["sent"], 1);
  EXPECT_EQ(stats["push"]["delivered"], 1);
  app_thread.stop([&app] { app.stop(); });
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0]["order_id"], 1);
  EXPECT_EQ(heard[0]["state"], "paid");
  EXPECT_EQ(heard[0]["path"], "/app/push");
}

TEST(ServeSut, EveryStrategyIsServedReconciliationIncluded) {
  EXPECT_EQ(unsupported_by_serve_sut(scenario_from(
                "system: {compensation: {strategy: none, reconciliation: {every: 1h}}}\n")),
            "");
  EXPECT_EQ(unsupported_by_serve_sut(scenario_from("system: {compensation: {strategy: none}}\n")),
            "");
}

// A server stopped while the payment service still has steps of an apply-pay pending (each step
// holds the service's activity for its order) must destroy them while the service lives: the
// runtime is declared before the shop, so without SutServer's clear() in its destructor it would
// destroy them last, after the service (UBSan: "invalid vptr" in PaymentService::Step, as the
// simulator's World had it). Driven as a journal replay: nothing is sent and the clock stays put.
TEST(ServeSut, StopsCleanlyWithPaymentStepsPending) {
  boost::asio::io_context io;  // never run
  SutServerOptions options;
  options.scenario =
      scenario_from("system: {dedup: {order_lock: true}, compensation: {strategy: none}}\n");
  const tcp::endpoint nowhere(boost::asio::ip::make_address("127.0.0.1"), 9);
  options.channels = {nowhere};
  options.shop.secret = kSecret;
  auto server = std::make_unique<SutServer>(io, std::move(options));
  server->runtime().begin_replay();
  auto request = [&](const char* method, const std::string& target, const std::string& body) {
    JournalEntry entry;
    entry.kind = JournalEntry::Kind::kRequest;
    entry.unix_s = 1'700'000'000;
    entry.method = method;
    entry.target = target;
    entry.body = body;
    return server->server().replay(entry);
  };
  RealTimeRuntime& runtime = server->runtime();
  EXPECT_TRUE(request("POST", "/v1/orders", R"({"order_id": 1, "amount_minor": 1250})"));
  runtime.replay_to(runtime.now() + sim::Duration::seconds(1));  // the order exists
  EXPECT_TRUE(request("POST", "/v1/orders/1/pay", "{}"));
  // Into the apply-pay: its lock step (5 ms) has run, its read step is pending.
  runtime.replay_to(runtime.now() + sim::Duration::millis(7));
  EXPECT_GT(runtime.pending(), 0u) << "the apply-pay finished: nothing to test";
  server.reset();
}

}  // namespace
}  // namespace live::testing
