// Test fixture for the mock channel: a simulator, a runtime, a ledger, one MockChannel and a fake
// payment service (RecordingClient) that records every reply and callback in arrival order.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "contracts/call_tracker.h"
#include "contracts/channel_api.h"
#include "mock_channels/channel_config.h"
#include "mock_channels/ledger.h"
#include "mock_channels/mock_channel.h"
#include "sim/sim_runtime.h"
#include "sim/simulator.h"

namespace channels {
// Readable GoogleTest failure messages.
inline void PrintTo(TradeState state, std::ostream* out) { *out << to_string(state); }
inline void PrintTo(CallStatus status, std::ostream* out) { *out << to_string(status); }
inline void PrintTo(PayOutcome outcome, std::ostream* out) { *out << static_cast<int>(outcome); }
}  // namespace channels

namespace channels::testing {

template <class Reply>
struct Recorded {
  sim::Time at;
  PaymentKey key;
  Reply reply;
};

struct RecordedCallback {
  sim::Time at;
  CallbackNotice notice;
};

class RecordingClient final : public ChannelClient {
 public:
  explicit RecordingClient(const sim::Runtime& runtime) : runtime_(runtime) {}

  // A fresh call id, recorded as in flight: every reply must answer exactly one of them.
  CallId call() {
    const CallId id = ++last_call_;
    calls.called(id);
    return id;
  }

  void on_create_reply(CallId call, const PaymentKey& key, const CreateReply& reply) override {
    calls.answered(call);
    creates.push_back({runtime_.now(), key, reply});
    log_event(key, "create", reply.status, reply.state);
  }
  void on_query_reply(CallId call, const PaymentKey& key, QuerySource,
                      const QueryReply& reply) override {
    calls.answered(call);
    queries.push_back({runtime_.now(), key, reply});
    log_event(key, "query", reply.status, reply.state);
  }
  void on_close_reply(CallId call, const PaymentKey& key, const CloseReply& reply) override {
    calls.answered(call);
    closes.push_back({runtime_.now(), key, reply});
    log_event(key, "close", reply.status, reply.state);
  }
  void on_refund_reply(CallId call, const PaymentKey& key, const RefundReply& reply) override {
    calls.answered(call);
    refunds.push_back({runtime_.now(), key, reply});
    log.push_back(std::to_string(runtime_.now().us()) + " refund " + std::to_string(key.order) +
                  " " + std::string(to_string(reply.status)) + (reply.refunded ? " done" : " not"));
  }
  void on_callback(const CallbackNotice& notice) override {
    callbacks.push_back({runtime_.now(), notice});
    log.push_back(std::to_string(runtime_.now().us()) + " callback " +
                  std::to_string(notice.key.order) + " #" + std::to_string(notice.sequence) + " " +
                  std::string(to_string(notice.state)));
    if (acknowledge_to != nullptr) acknowledge_to->acknowledge(notice);
  }

  // Callbacks received for one order, in arrival order.
  std::vector<RecordedCallback> callbacks_of(OrderId order) const {
    std::vector<RecordedCallback> out;
    for (const RecordedCallback& c : callbacks) {
      if (c.notice.key.order == order) out.push_back(c);
    }
    return out;
  }

  Channel* acknowledge_to = nullptr;  // when set, every callback is acknowledged on arrival
  contracts::CallTracker calls;       // exactly one reply per call (asserted in debug builds)

 private:
  CallId last_call_ = 0;

 public:
  std::vector<Recorded<CreateReply>> creates;
  std::vector<Recorded<QueryReply>> queries;
  std::vector<Recorded<CloseReply>> closes;
  std::vector<Recorded<RefundReply>> refunds;
  std::vector<RecordedCallback> callbacks;
  std::vector<std::string> log;  // every event, "<time_us> <kind> <order> ...", in order

 private:
  void log_event(const PaymentKey& key, const char* kind, CallStatus status, TradeState state) {
    log.push_back(std::to_string(runtime_.now().us()) + " " + kind + " " +
                  std::to_string(key.order) + " " + std::string(to_string(status)) + " " +
                  std::string(to_string(state)));
  }
  const sim::Runtime& runtime_;
};

// A config with no faults and no retries, fixed latencies: the base each test adds one fault to.
inline ChannelConfig quiet_config() {
  ChannelConfig config;
  config.name = "test";
  config.accept_latency = sim::Distribution::fixed(sim::Duration::millis(80));
  config.success_probability = 1.0;
  config.callback.delay = sim::Distribution::fixed(sim::Duration::millis(500));
  config.query.latency = sim::Distribution::fixed(sim::Duration::millis(100));
  config.cancel.latency = sim::Duration::millis(100);
  config.refund.latency = sim::Duration::seconds(1);
  config.timeout = sim::Duration::seconds(5);
  return config;
}

struct ChannelWorld {
  explicit ChannelWorld(const ChannelConfig& config, uint64_t seed = 42)
      : runtime(simulator, seed),
        client(runtime),
        channel(std::make_unique<MockChannel>(runtime, config, 0, ledger, client)) {}

  // Payment ids are unique per (order, attempt).
  static PaymentKey key(OrderId order, uint32_t attempt = 0) {
    return PaymentKey{
        .order = order, .payment = order * 16 + attempt, .attempt = attempt, .channel = 0};
  }
  // Creates the trade and runs until it exists.
  void create(const PaymentKey& k, int64_t amount_minor = 1000) {
    channel->create(client.call(), k, amount_minor);
    simulator.run_until(simulator.now() + sim::Duration::seconds(1));
  }
  void run_for(sim::Duration d) { simulator.run_until(simulator.now() + d); }
  void advance_to(sim::Time t) { simulator.run_until(t); }

  sim::Simulator simulator;
  sim::SimRuntime runtime;
  Ledger ledger;
  RecordingClient client;
  std::unique_ptr<MockChannel> channel;
};

// Checks `count` successes out of `n` trials against probability `p`, within 5 standard
// deviations (the runs are deterministic; the tolerance only keeps the check honest).
inline void expect_binomial(uint64_t count, uint64_t n, double p) {
  const double mean = static_cast<double>(n) * p;
  const double sd = std::sqrt(static_cast<double>(n) * p * (1.0 - p));
  EXPECT_NEAR(static_cast<double>(count), mean, 5.0 * sd + 1.0)
      << count << " of " << n << " with p=" << p;
}

}  // namespace channels::testing
