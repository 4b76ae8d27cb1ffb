#include "live/callback_sender.h"

#include <boost/beast/http/verb.hpp>
#include <utility>

namespace live {

CallbackSender::CallbackSender(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint,
                               NotifyUrl url, size_t max_in_flight, size_t max_queued)
    : url_(std::move(url)),
      client_(io, std::move(endpoint), url_.host + ":" + std::to_string(url_.port),
              HttpClientLimits{max_in_flight, max_queued, kMaxAnswerBytes, "paysim-channel"}) {}

void CallbackSender::post(std::string body, Headers headers, std::chrono::nanoseconds deadline,
                          Done done, CallbackFault fault) {
  client_.request(boost::beast::http::verb::post, url_.target, std::move(body), std::move(headers),
                  deadline, std::move(done), fault);
}

}  // namespace live
