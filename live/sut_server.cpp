#include "live/sut_server.h"

#include <algorithm>
#include <chrono>

namespace live {

using tcp = boost::asio::ip::tcp;

std::string unsupported_by_serve_sut(const harness::Scenario& scenario) {
  if (scenario.channels.empty()) return "the scenario has no channel";
  return {};
}

namespace {

// How long an HTTP call to a channel may take: the channel's own timeout (channel time, so
// scaled), and a second of real time for the network and the machine.
std::chrono::nanoseconds channel_deadline(const channels::ChannelConfig& channel,
                                          double time_scale) {
  const double scaled_us = static_cast<double>(channel.timeout.us()) / time_scale;
  return std::chrono::microseconds(static_cast<int64_t>(scaled_us)) + std::chrono::seconds(1);
}

}  // namespace

SutServer::SutServer(boost::asio::io_context& io, SutServerOptions options)
    : options_([&] {
        options.scenario = harness::with_merchant_view(std::move(options.scenario));
        return std::move(options);
      }()),
      runtime_(io, options_.scenario.seed, options_.time_scale),
      shop_(runtime_, options_.scenario.system, statements_, activity_, observer_, nullptr),
      http_(io, options_.limits, [this](Request&& request, Responder responder) {
        server_->handle(std::move(request), std::move(responder));
      }) {
  std::vector<channels::Channel*> channel_api;
  std::vector<HttpChannel*> http_channels;
  std::vector<std::string> names;
  for (size_t i = 0; i < options_.scenario.channels.size(); ++i) {
    const tcp::endpoint& endpoint = options_.channels.at(i);
    const std::string address = endpoint.address().to_string();
    const std::string host = (endpoint.address().is_v6() ? "[" + address + "]" : address) + ":" +
                             std::to_string(endpoint.port());
    clients_.push_back(std::make_unique<HttpClient>(io, endpoint, host));
    channels_.push_back(std::make_unique<HttpChannel>(
        runtime_, *clients_.back(), shop_.channel_client(),
        channel_deadline(options_.scenario.channels[i], options_.time_scale),
        options_.shop.max_orders));
    channel_api.push_back(channels_.back().get());
    http_channels.push_back(channels_.back().get());
    names.push_back(options_.scenario.channels[i].name);
  }
  shop_.set_channels(std::move(channel_api));
  statements_.set_channels(http_channels);
  server_ = std::make_unique<ShopServer>(runtime_, shop_, std::move(http_channels),
                                         std::move(names), activity_, observer_, options_.shop);
  shop_.connect_app(*server_);
}

SutServer::~SutServer() {
  http_.stop();
  activity_.set_idle_handler(nullptr);
  runtime_.clear();  // pending payment steps release the service's activity: it must still live
}

std::string SutServer::start() {
  std::string error = http_.listen(options_.listen);
  if (!error.empty()) {
    return "cannot listen on " + options_.listen.address().to_string() + ":" +
           std::to_string(options_.listen.port()) + ": " + error;
  }
  if (!options_.db_path.empty()) {
    journal_ =
        Journal::open(options_.db_path, options_.db_fingerprint, options_.db_full_sync, &error);
    if (!journal_) return error;
    shop_.make_crashable();
    server_->set_journal(journal_.get());
    for (uint32_t i = 0; i < channels_.size(); ++i) channels_[i]->set_journal(journal_.get(), i);
    http_.set_before_write([this] { journal_->barrier(runtime_.now()); });
  }
  shop_.start();
  if (journal_ && journal_->entries() > 0) return recover();
  return {};
}

void SutServer::crash_and_restart() {
  shop_.crash_payment_service();
  for (const std::unique_ptr<HttpChannel>& channel : channels_) channel->fail_unanswered();
  shop_.restart_payment_service();
}

std::string SutServer::recover() {
  if (options_.on_replay) options_.on_replay(journal_->entries());
  runtime_.begin_replay();
  std::string error;
  int64_t last_wall_ms = 0;
  const bool read = journal_->read(
      [&](const JournalEntry& entry) {
        runtime_.replay_to(entry.time);
        last_wall_ms = entry.wall_ms;
        ++recovery_.entries;
        switch (entry.kind) {
          case JournalEntry::Kind::kMark:
            return true;
          case JournalEntry::Kind::kRequest:
            if (server_->replay(entry)) return true;
            error = "a request of unknown method " + entry.method;
            return false;
          case JournalEntry::Kind::kAnswer: {
            DeliveryResult result;
            result.outcome = static_cast<DeliveryOutcome>(entry.outcome);
            result.status = static_cast<unsigned>(entry.status);
            result.body = entry.body;
            if (entry.channel < channels_.size() &&
                channels_[entry.channel]->replay_answer(entry.call, std::move(result))) {
              return true;
            }
            error = "an answer of channel " + std::to_string(entry.channel) + " to request " +
                    std::to_string(entry.call) + ", which this process never made";
            return false;
          }
          case JournalEntry::Kind::kRecovery:
            crash_and_restart();
            ++recovery_.restarts;
            return true;
        }
        return true;
      },
      &error);
  if (!read || !error.empty()) {
    return options_.db_path + ": the journal cannot be replayed: " + error +
           " (was it written by another build of paysim?)";
  }
  crash_and_restart();
  recovery_.reached = runtime_.now();
  JournalEntry restart;
  restart.kind = JournalEntry::Kind::kRecovery;
  restart.time = runtime_.now();
  journal_->append(restart);
  journal_->barrier(runtime_.now());
  // The channels' clocks went on while the process was down: so does this one.
  const int64_t down_ms =
      std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                                   .count() -
                               last_wall_ms);
  recovery_.resumed =
      recovery_.reached + sim::Duration::micros(static_cast<int64_t>(static_cast<double>(down_ms) *
                                                                     1e3 * options_.time_scale));
  runtime_.end_replay(recovery_.resumed);
  return {};
}

}  // namespace live
