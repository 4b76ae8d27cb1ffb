// LiveRun: one `paysim live` run without its command line. It plays a scenario's users against a
// payment service over HTTP and writes the report the simulator writes:
//
//   Traffic -> Users -> sut::Client -> HttpShop ──HTTP──▶ the service under test
//                 │                                            │ create / query / close / refund
//                 └ wallet (in process) ─▶ ChannelServer ◀─────┘ (HTTP), signed callbacks ──▶
//   sut::Client ◀── push server ◀──HTTP── "order PAID" pushes (when the scenario's client has
//                                          push on: every order names this server's push_url)
//
// The channels of the scenario are served in this process (ChannelServer, the model's
// MockChannel unchanged) on the same real-time runtime as the users and the app, so the ledger,
// the clicks and the polls share one clock. The traffic window runs in real time divided by the
// time scale; then the run drains (nothing pending here, and the service's optional `/v1/drain`
// says idle, or the scenario's `drain` time is up); then every order's final state is asked and
// the report is filled by LiveRecorder from the app's view and the ledgers.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness/scenario.h"
#include "live/attacks.h"
#include "live/channel_server.h"
#include "live/http_client.h"
#include "live/http_server.h"
#include "live/http_shop.h"
#include "live/internal/remote_clock.h"
#include "live/live_recorder.h"
#include "live/real_time_runtime.h"
#include "reports/report.h"
#include "sim/activity.h"
#include "system_under_test/client.h"
#include "workload/traffic.h"
#include "workload/users.h"

namespace live {

struct LiveOptions {
  harness::Scenario scenario;  // validated
  boost::asio::ip::tcp::endpoint sut;
  std::string sut_host;  // the Host header for the service ("127.0.0.1:9000")
  // The first channel's merchant API; channel i listens on the next port i (port 0: any).
  boost::asio::ip::tcp::endpoint channel_listen;
  // Where each channel sends its callbacks on the service; {channel} is the channel's name.
  std::string notify_path = "/v1/channels/{channel}/notify";
  std::string secret;
  double time_scale = 1.0;
  AttackProfile attacks;
  std::chrono::milliseconds sut_deadline{5000};  // one HTTP call to the service, real time
  // Where the app hears the service's pushes (client.push.enabled), at `push_path`; port 0: any.
  boost::asio::ip::tcp::endpoint app_listen{boost::asio::ip::address_v4::loopback(), 0};
  std::string push_path = "/v1/push";
  size_t max_connections = ServerLimits{}.connections;  // per server: each channel, the push
  bool progress = false;  // a line on standard error every few seconds
};

class LiveRun {
 public:
  LiveRun(boost::asio::io_context& io, LiveOptions options);
  LiveRun(const LiveRun&) = delete;
  LiveRun& operator=(const LiveRun&) = delete;
  ~LiveRun();

  // Binds the channels; "" or what went wrong.
  std::string start();
  boost::asio::ip::tcp::endpoint channel_endpoint(size_t i) const {
    return channels_[i]->local_endpoint();
  }
  // Runs the io_context until the report is filled (expectations not evaluated), and returns it.
  const reports::Report& run();

  const HttpShopStats& shop_stats() const { return shop_->stats(); }
  // How late this process ran the scenario's events (RealTimeRuntime::lateness_us).
  const reports::LogHistogram& lateness_us() const { return runtime_.lateness_us(); }
  const ChannelServer& channel(size_t i) const { return *channels_[i]; }
  // Where the app hears pushes; unspecified when the scenario's client has push off.
  boost::asio::ip::tcp::endpoint app_endpoint() const {
    return push_server_ ? push_server_->local_endpoint() : boost::asio::ip::tcp::endpoint();
  }
  // Pushes the app heard for an order it created (others are answered 404 and not counted).
  uint64_t pushes_heard() const { return pushes_heard_; }

 private:
  class Wallet;
  void drain_step();
  void ask_final_states();
  void ask_next_final_state();
  void finish();
  void print_progress();
  void on_push(const Request& request, Responder& responder);

  boost::asio::io_context& io_;
  const LiveOptions options_;
  sim::Activity activity_;  // declared before the runtime: its pending callbacks hold activity
  RealTimeRuntime runtime_;
  LiveRecorder recorder_;
  reports::Report report_;
  std::vector<std::unique_ptr<ChannelServer>> channels_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<HttpShop> shop_;
  std::unique_ptr<HttpServer> push_server_;  // when the scenario's client has push on
  uint64_t pushes_heard_ = 0;
  sut::Client client_;
  std::vector<std::unique_ptr<Wallet>> wallets_;
  std::unique_ptr<workload::Users> users_;
  std::unique_ptr<workload::Traffic> traffic_;
  boost::asio::steady_timer progress_timer_;
  std::chrono::steady_clock::time_point started_;
  std::vector<sut::OrderId> final_orders_;  // asked at most kFinalQueriesInFlight at a time
  size_t final_next_ = 0;
  size_t final_pending_ = 0;
  // When the service says it marked each PAID order PAID (`paid_at_ms` on its clock), placed on
  // this clock once every final answer is in (the offset of the least-delayed one).
  std::vector<std::pair<sut::OrderId, int64_t>> final_paid_at_ms_;
  internal::RemoteClock sut_clock_;
  bool done_ = false;
};

}  // namespace live
