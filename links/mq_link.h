// MqLink: the network between the shop's services and the message broker, in the simulation: the
// one place where `environment.mq.loss_probability` loses a publish and `environment.mq.latency`
// delays a delivery. Draws are keyed by the message's own identity, so a variant that publishes
// more messages does not shift the losses or latencies of others.
#pragma once

#include "sim/fault_tap.h"
#include "sim/runtime.h"
#include "system_under_test/config.h"
#include "system_under_test/message_queue.h"

namespace links {

class MqLink final : public sut::MessageTransport {
 public:
  // REQUIRES: both outlive the link.
  MqLink(sim::Runtime& runtime, const sut::NotifyConfig& config)
      : runtime_(runtime), config_(config) {}

  bool publish_lost(sut::Topic topic, const sut::Message& message) override {
    if (config_.mq_loss_probability <= 0) return false;
    sim::RandomStream rng =
        runtime_.random(message.order, sim::purpose("mq.loss"),
                        (message.payment << 8) ^ (uint64_t(topic) << 4) ^ message.step);
    const bool lost = rng.bernoulli(config_.mq_loss_probability);
    if (lost) sim::report_fault(tap_, kStruckPublishLost, message.order);
    return lost;
  }
  // The fault this link reports to a sim::FaultTap (null unless a harness installs one; it
  // outlives the link): a publish lost on the way to the broker, for the message's order.
  static constexpr uint64_t kStruckPublishLost = sim::FaultTap::fault("mq.publish.lost");
  void set_fault_tap(sim::FaultTap* tap) { tap_ = tap; }

  sim::Duration delivery_latency(const sut::Message& message, uint32_t deliveries) override {
    sim::RandomStream rng = runtime_.random(message.order, sim::purpose("mq.latency"),
                                            (message.payment << 8) ^ deliveries);
    return config_.mq_latency.sample(rng);
  }

 private:
  sim::Runtime& runtime_;
  const sut::NotifyConfig& config_;
  sim::FaultTap* tap_ = nullptr;
};

}  // namespace links
