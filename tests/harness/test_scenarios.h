// Small scenarios built in code for the pipeline tests: one channel, deterministic users, and
// only the faults a test turns on, so analytic expectations are easy to state.
#pragma once

#include "harness/scenario.h"

namespace harness::testing {

inline Scenario minimal_scenario(double rate_per_s = 20,
                                 sim::Duration duration = sim::Duration::minutes(20)) {
  using sim::Distribution;
  using sim::Duration;
  Scenario s;
  s.name = "test";
  s.seed = 7;
  s.duration = duration;
  s.drain = Duration::hours(30);
  s.traffic.rate_per_s = rate_per_s;
  s.user.pay_probability = 1.0;
  s.user.pay_delay = Distribution::fixed(Duration::seconds(5));
  s.user.return_delay = Distribution::fixed(Duration::seconds(3));
  channels::ChannelConfig channel;
  channel.name = "wallet";
  channel.accept_latency = Distribution::fixed(Duration::millis(80));
  channel.success_probability = 1.0;
  channel.callback.delay = Distribution::fixed(Duration::millis(500));
  channel.query.latency = Distribution::fixed(Duration::millis(100));
  s.channels.push_back(channel);
  s.system.notify.mq_retry = {Duration::seconds(10), Duration::seconds(30), Duration::minutes(1)};
  s.system.order_service.order_timeout = Duration::minutes(30);
  return s;
}

}  // namespace harness::testing
