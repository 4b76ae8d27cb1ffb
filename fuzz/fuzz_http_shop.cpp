// libFuzzer target: serve-sut's request handler (live::ShopServer), every route of the shop's API
// and the channels' signed callbacks, and the shop's reading of the channels' answers
// (live::HttpChannel), on up to 16 HTTP messages read from the input as raw HTTP
// (fuzz/http_messages.h) against one fresh shop: the model's order and payment services under a
// design with the order lock, compare-and-set, delay-message re-queries, closing in-flight
// payments and refunding duplicates (kScenario). An order can be created, paid, answered by the
// channel and called back. Nothing may crash the shop, trip a sanitizer or an assertion.
//
// The shop runs as a restart replays its journal (SutServer::recover): nothing is sent, each call
// to a channel waits for its answer, and the clock moves only when told. So
//   - a request goes to ShopServer::replay, at a fixed wall-clock second; a callback that carries
//     no Paysim-Signature header is signed by the target for its body at that second, so the
//     fuzzer reaches past the signature check into the callback's JSON (one that carries a header
//     is checked as it is);
//   - a response is a channel's answer: to the call numbered by its Paysim-Fuzz-Request header
//     (default 1) of the channel numbered by Paysim-Fuzz-Channel (default 0);
//   - one second passes before each message; at the end the calls still unanswered are cut off
//     (as a crash cuts them) and ten minutes pass, so re-queries and timeouts come due.
// An input does the same whatever the machine's speed, and nothing leaves the process.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "fuzz/http_messages.h"
#include "harness/scenario_loader.h"
#include "live/journal.h"
#include "live/signature.h"
#include "live/sut_server.h"

namespace {

constexpr std::string_view kSecret = "whsec_fuzz";
constexpr int64_t kNow = 1'700'000'000;

// Two channels, one that cannot refund or close, and a design that uses the order lock, the
// compare-and-set, the delay-message re-queries, closing in-flight payments and refunding
// duplicates.
constexpr const char* kScenario = R"(name: fuzz-http-shop
seed: 7
duration: 1m
traffic: {rate: 1/s}
channels:
  - name: wallet
    share: 0.5
  - name: card
    share: 0.5
    refund: {supported: false}
    cancel: {supported: false}
system:
  dedup:
    order_lock: true
    compare_and_set: true
    cancel_in_flight: true
    refund_duplicates: true
  compensation:
    strategy: delay_message
    delay_message: {schedule: [2s, 5s, 10s]}
    on_exhausted: close
)";

const harness::Scenario& scenario() {
  static const harness::Scenario loaded = [] {
    harness::LoadResult result = harness::load_scenario_text(kScenario, "fuzz-http-shop.yaml");
    if (!result.ok()) {
      std::fprintf(stderr, "fuzz_http_shop: the target's scenario does not load: %s\n",
                   result.errors.empty() ? "?" : result.errors[0].message.c_str());
      std::abort();
    }
    return *result.scenario;
  }();
  return loaded;
}

// The value of header `name`, as a number, or `fallback` when it is absent or not a number.
uint64_t number_header(const live::Response& response, std::string_view name, uint64_t fallback) {
  const boost::beast::string_view value =
      response[boost::beast::string_view(name.data(), name.size())];
  uint64_t number = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  return ec == std::errc() && end == value.data() + value.size() ? number : fallback;
}

live::JournalEntry journaled(const live::Request& request) {
  live::JournalEntry entry;
  entry.kind = live::JournalEntry::Kind::kRequest;
  entry.unix_s = kNow;
  const boost::beast::string_view method = request.method_string();
  entry.method.assign(method.data(), method.size());
  entry.target.assign(request.target().data(), request.target().size());
  entry.body = request.body();
  const boost::beast::string_view signature = request[boost::beast::string_view(
      live::kSignatureHeader.data(), live::kSignatureHeader.size())];
  entry.signature = signature.empty() ? live::signature_header(kSecret, kNow, entry.body)
                                      : std::string(signature.data(), signature.size());
  return entry;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::asio::io_context io;  // never run
  live::SutServerOptions options;
  options.scenario = scenario();
  const boost::asio::ip::tcp::endpoint nowhere(boost::asio::ip::address_v4::loopback(), 9);
  options.channels = {nowhere, nowhere};
  options.shop.secret = std::string(kSecret);
  options.shop.max_orders = 64;
  live::SutServer server(io, std::move(options));
  live::RealTimeRuntime& runtime = server.runtime();
  runtime.begin_replay();
  for (const fuzz::Message& message : fuzz::http_messages(text)) {
    runtime.replay_to(runtime.now() + sim::Duration::seconds(1));
    if (const auto* request = std::get_if<live::Request>(&message)) {
      server.server().replay(journaled(*request));
      continue;
    }
    const auto& response = std::get<live::Response>(message);
    const uint64_t channel = number_header(response, "Paysim-Fuzz-Channel", 0);
    if (channel >= scenario().channels.size()) continue;
    live::DeliveryResult answer;
    answer.status = response.result_int();
    answer.body = response.body();
    server.channel(channel).replay_answer(number_header(response, "Paysim-Fuzz-Request", 1),
                                          std::move(answer));
  }
  for (size_t i = 0; i < scenario().channels.size(); ++i) server.channel(i).fail_unanswered();
  runtime.replay_to(runtime.now() + sim::Duration::minutes(10));
  return 0;
}
