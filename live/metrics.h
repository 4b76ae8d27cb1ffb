// The counters of a serve-channel process, listed once and rendered two ways: grouped JSON for
// /admin/stats and the Prometheus text format (version 0.0.4) for /metrics.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "live/http_server.h"
#include "live/notifier.h"
#include "mock_channels/mock_channel.h"

namespace live {

struct WalletStats;

struct Counter {
  std::string_view group;  // model, callbacks, wallet, security, http: its JSON object
  std::string_view name;   // snake case; Prometheus: paysim_<group>_<name>[_total]
  uint64_t value = 0;
  std::string_view help;
  bool gauge = false;  // a level that goes down too (open connections), not a count
};

// Every counter; the HTTP ones only when `http` is non-null.
std::vector<Counter> counters(const channels::ChannelStats& model, const NotifierStats& callbacks,
                              const WalletStats& wallet, const ServerStats* http);

// Prometheus text exposition: HELP and TYPE lines, then the sample labelled with the channel.
std::string prometheus_text(const std::vector<Counter>& counters, std::string_view channel);

}  // namespace live
