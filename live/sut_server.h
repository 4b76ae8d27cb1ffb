// SutServer: one `serve-sut` process without its command line — the model's shop (links::Shop:
// the order service, the payment service with its guards and compensation, the MQ, the database)
// on the real-time runtime, an HttpChannel per channel of the scenario, and the ShopServer on an
// HTTP server, wired on one io_context. The command (serve_sut_command.cpp) and the loopback
// tests both build it.
//
// The shop runs unchanged: the same classes and wiring the simulator runs (harness/world.h). The
// scenario's `system:` block is the design served; its `environment:` block still applies inside
// the process (the payment host's crashes, the order service link, the MQ), the network between
// the app, the service and the channels is the real one. Reconciliation downloads the channels'
// statements over their merchant API (live/http_statements.h).
//
// With a journal (db_path), what the process lived through survives it: start() replays the
// journal into the freshly built shop, then crashes and restarts its payment service the way the
// model does (live/journal.h), so a SIGKILL loses exactly what the scenario says a crash loses.
//
// Ownership: the server owns everything it wires; the io_context must outlive it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/scenario.h"
#include "harness/world.h"
#include "links/shop.h"
#include "live/http_channel.h"
#include "live/http_client.h"
#include "live/http_server.h"
#include "live/http_statements.h"
#include "live/journal.h"
#include "live/real_time_runtime.h"
#include "live/shop_server.h"
#include "sim/activity.h"
#include "system_under_test/observer.h"

namespace live {

struct SutServerOptions {
  harness::Scenario scenario;  // validated
  // The merchant API of each channel of the scenario, by index.
  std::vector<boost::asio::ip::tcp::endpoint> channels;
  ShopServerOptions shop;
  double time_scale = 1.0;
  boost::asio::ip::tcp::endpoint listen;  // port 0: any free port (see local_endpoint)
  ServerLimits limits;
  // Durable storage (live/journal.h): the journal file, or "" to keep everything in memory (a
  // restart then starts from nothing). `db_fingerprint` names the scenario, overrides and seed.
  std::string db_path;
  std::string db_fingerprint;
  bool db_full_sync = false;  // survive a power loss too (fsync at every commit)
  // Called when start() is about to replay a journal, with its number of entries (the command
  // says so: a long journal takes a while, and a restart that hangs shows where).
  std::function<void(uint64_t entries)> on_replay;
};

// What start() found in the journal.
struct RecoveryStats {
  uint64_t entries = 0;   // replayed
  uint64_t restarts = 0;  // recoveries before this one, as the journal records them
  sim::Time reached;      // the runtime time the journal had reached
  sim::Time resumed;      // the time the clock shows at the restart
};

// Why the scenario cannot be served, or "" when it can.
std::string unsupported_by_serve_sut(const harness::Scenario& scenario);

class SutServer {
 public:
  // REQUIRES: unsupported_by_serve_sut(options.scenario) is empty, one endpoint per channel.
  SutServer(boost::asio::io_context& io, SutServerOptions options);
  SutServer(const SutServer&) = delete;
  SutServer& operator=(const SutServer&) = delete;
  ~SutServer();

  // Binds, opens the journal and replays it (a restart), starts the shop's jobs and starts
  // serving; returns "" or what went wrong.
  std::string start();
  const RecoveryStats& recovery() const { return recovery_; }
  boost::asio::ip::tcp::endpoint local_endpoint() const { return http_.local_endpoint(); }
  void stop() { http_.stop(); }

  RealTimeRuntime& runtime() { return runtime_; }
  const links::Shop& shop() const { return shop_; }
  const ShopServer& server() const { return *server_; }
  ShopServer& server() { return *server_; }
  const HttpChannel& channel(size_t i) const { return *channels_[i]; }
  HttpChannel& channel(size_t i) { return *channels_[i]; }

 private:
  // Rebuilds the state of the process that wrote the journal, then crashes it as the model
  // crashes the payment service.
  std::string recover();
  void crash_and_restart();

  const SutServerOptions options_;
  sim::Activity activity_;  // declared before the runtime: its pending callbacks hold activity
  RealTimeRuntime runtime_;
  ResolutionLog observer_;     // how each order was paid: answered with its state
  HttpStatements statements_;  // reconciliation's statements, downloaded from the channels
  links::Shop shop_;
  std::vector<std::unique_ptr<HttpClient>> clients_;
  std::vector<std::unique_ptr<HttpChannel>> channels_;
  std::unique_ptr<ShopServer> server_;  // made once the channels exist
  HttpServer http_;
  std::unique_ptr<Journal> journal_;
  RecoveryStats recovery_;
};

}  // namespace live
