// How a merchant acknowledges a callback, per channel preset: which answers stop the re-sends,
// and how long the channel waits for one. Live mode only: the simulator models acknowledgement
// as a call and needs neither. Sources as in ../shared/DOMAIN.md ("Channel callback retry
// schedules"); deadlines a channel does not publish are our judgement, marked so.
#pragma once

#include <string>
#include <string_view>

#include "mock_channels/channel_config.h"
#include "sim/time.h"

namespace live {

struct AckRule {
  unsigned min_status = 200;  // an acknowledgement's HTTP status lies in [min_status, max_status]
  unsigned max_status = 299;
  bool only_200_or_204 = false;  // WeChat Pay v3
  std::string exact_body;        // when non-empty the body must be exactly this (Alipay "success")
  sim::Duration deadline = sim::Duration::seconds(10);  // channel time: scaled like every delay
  std::string source;

  bool accepts(unsigned status, std::string_view body) const;
  std::string describe() const;  // "HTTP 2xx with body exactly \"success\" within 10s"
};

// The rule of the channel's preset; any 2xx within 10 s for a channel without one.
AckRule ack_rule_for(const channels::ChannelConfig& channel);

}  // namespace live
