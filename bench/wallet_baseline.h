// The benchmarks' common workload: 100 orders/s (or `rate`) through one generic async wallet with
// 1% callback loss, users who pay after ~20 s, notify retries as RocketMQ's first three, and the
// compensation strategy asked for (60 s polling, or delay messages at 10 s .. 5 min).
#pragma once

#include "harness/scenario.h"

namespace bench {

inline harness::Scenario wallet_baseline(double rate, sim::Duration duration, sim::Duration drain,
                                         sut::Strategy strategy) {
  using sim::Distribution;
  using sim::Duration;
  harness::Scenario s;
  s.name = "bench-baseline";
  s.seed = 42;
  s.duration = duration;
  s.drain = drain;
  s.traffic.rate_per_s = rate;
  s.user.pay_probability = 0.9;
  s.user.pay_delay = Distribution::exponential(Duration::seconds(20));
  s.user.return_delay = Distribution::lognormal(Duration::seconds(3), 0.5);
  channels::ChannelConfig channel;
  channel.name = "wallet";
  channel.accept_latency = Distribution::lognormal(Duration::millis(80), 0.3);
  channel.success_probability = 0.98;
  channel.callback.delay = Distribution::exponential(Duration::millis(500));
  channel.callback.drop_probability = 0.01;
  channel.callback.retries = {Duration::minutes(4), Duration::minutes(10)};
  channel.query.latency = Distribution::fixed(Duration::millis(100));
  s.channels.push_back(channel);
  s.system.notify.mq_retry = {Duration::seconds(10), Duration::seconds(30), Duration::minutes(1)};
  s.system.compensation.strategy = strategy;
  s.system.compensation.polling.interval = Duration::seconds(60);
  s.system.compensation.delay_message.schedule = {Duration::seconds(10),  Duration::seconds(30),
                                                  Duration::seconds(60),  Duration::seconds(90),
                                                  Duration::seconds(120), Duration::seconds(300)};
  return s;
}

}  // namespace bench
