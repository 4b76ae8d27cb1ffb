// libFuzzer target: serve-channel's request handler (live::ChannelService::handle), every route of
// the merchant API, the wallet and the admin endpoints, on up to 16 requests read from the input
// as raw HTTP (fuzz/http_messages.h; a response in it is skipped) against one fresh channel, so a
// create can be followed by a pay, a query, a close or a refund of the trade it made. No request
// may crash the service, trip a sanitizer or an assertion, whatever its method, target, headers
// or body.
//
// The model runs on its own clock, as serve-sut's journal replay runs it: one second passes
// before each request and ten minutes after the last, so the model's replies, its callbacks and
// their retries come due and are handled (answers go to a Responder with no connection, which
// drops them; callbacks queue for an io_context that never runs). Nothing leaves the process and
// an input does the same whatever the machine's speed.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <variant>

#include "fuzz/http_messages.h"
#include "live/callback_sender.h"
#include "live/channel_service.h"
#include "live/real_time_runtime.h"

namespace {

live::ServiceOptions service_options() {
  live::ServiceOptions options;
  options.channel.name = "wallet";
  options.secret = "whsec_fuzz";
  options.base_url = "http://127.0.0.1:9";
  options.max_trades = 64;
  return options;
}

live::NotifyUrl notify_url() {
  live::NotifyUrl url;
  url.host = "127.0.0.1";
  url.port = 9;
  url.target = "/notify";
  url.text = "http://127.0.0.1:9/notify";
  return url;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::asio::io_context io;  // never run
  live::RealTimeRuntime runtime(io, 1);
  runtime.begin_replay();  // the clock moves only when replay_to says so
  live::CallbackSender sender(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::address_v4::loopback(), 9), notify_url());
  live::ChannelService service(runtime, sender, service_options());
  for (fuzz::Message& message : fuzz::http_messages(text)) {
    auto* request = std::get_if<live::Request>(&message);
    if (request == nullptr) continue;
    runtime.replay_to(runtime.now() + sim::Duration::seconds(1));
    service.handle(std::move(*request), live::Responder());
  }
  runtime.replay_to(runtime.now() + sim::Duration::minutes(10));
  return 0;
}
