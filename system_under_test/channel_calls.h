// ChannelCalls: the payment service's side of the channel API (contracts/channel_api.h), shared
// by its jobs (apply-pay, queries, closes, refunds). It owns what every call to a channel needs:
//  - the call id, from one counter for the whole service, so that ids increase across jobs as
//    contracts::CallTracker requires, and the debug-build check that each call gets exactly one
//    reply;
//  - one unit of the order's activity (sim::Activity) from the call until its reply: the job that
//    handles the reply takes it over with answered() and releases it when it is done.
// Channels are addressed by the payment key's channel index (scenario order). A crash forgets the
// calls in flight (forget()): their replies, if any still arrive, are no longer checked.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "contracts/call_tracker.h"
#include "contracts/channel_api.h"
#include "sim/activity.h"

namespace sut {

class ChannelCalls {
 public:
  explicit ChannelCalls(sim::Activity& activity, std::vector<channels::Channel*> channels = {})
      : activity_(activity), channels_(std::move(channels)) {}

  // The channels, by scenario index. REQUIRES: before the first call; they outlive this.
  void set_channels(std::vector<channels::Channel*> channels) { channels_ = std::move(channels); }

  // Each call holds the key's order busy until its reply is answered().
  void create(const channels::PaymentKey& key, int64_t amount_minor,
              channels::IdempotencyKey idempotency = channels::IdempotencyKey::kSent) {
    activity_.begin(key.order);
    channel(key).create(next_call(), key, amount_minor, idempotency);
  }
  void query(const channels::PaymentKey& key, channels::QuerySource source) {
    activity_.begin(key.order);
    channel(key).query(next_call(), key, source);
  }
  void close(const channels::PaymentKey& key) {
    activity_.begin(key.order);
    channel(key).close(next_call(), key);
  }
  void refund(const channels::PaymentKey& key, int64_t amount_minor) {
    activity_.begin(key.order);
    channel(key).refund(next_call(), key, amount_minor);
  }
  // A callback is not a call of ours: its acknowledgement takes no id and holds nothing.
  void acknowledge(const channels::CallbackNotice& notice) {
    channel(notice.key).acknowledge(notice);
  }

  // The reply to `call` for `order` arrived: checks it, and hands over the activity its call
  // held, released when the returned hold goes.
  [[nodiscard]] sim::Hold answered(channels::CallId call, channels::OrderId order) {
    calls_.answered(call);
    return sim::Hold::adopt(activity_, order);
  }
  // sim::Volatile's part: the calls of the crashed incarnation are no longer checked.
  void forget() { calls_.forget(); }

 private:
  channels::Channel& channel(const channels::PaymentKey& key) { return *channels_[key.channel]; }
  channels::CallId next_call() {
    const channels::CallId call = next_call_++;
    calls_.called(call);
    return call;
  }

  sim::Activity& activity_;
  std::vector<channels::Channel*> channels_;
  contracts::CallTracker calls_;
  channels::CallId next_call_ = 1;
};

}  // namespace sut
