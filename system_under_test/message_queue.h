// MessageQueue: a durable broker with delayed delivery and consumer retries (RocketMQ-like).
//
// At-least-once: a message is delivered until its consumer acknowledges it; a consumer that
// answers "reconsume later" (or is down) gets it again after the next gap of the retry
// schedule, and after the last gap it goes to the dead-letter queue. The broker survives a
// payment-service crash: messages wait in it. Every delivery, first or repeated, counts as an
// MQ message in the cost metrics. What the network does to messages (a publish lost, the
// latency of a delivery) is the transport's (MessageTransport; links/mq_link.h in simulation).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "sim/activity.h"
#include "sim/fault_plan.h"
#include "sim/id_map.h"
#include "sim/runtime.h"
#include "sim/trace.h"
#include "system_under_test/config.h"
#include "system_under_test/observer.h"
#include "system_under_test/records.h"

namespace sut {

enum class Topic : uint8_t { kPaymentSucceeded, kDelayQuery };
inline constexpr int kTopicCount = 2;

struct Message {
  OrderId order = 0;
  PaymentId payment = 0;
  Resolution resolution = Resolution::kNone;
  uint32_t step = 0;       // delay-query messages: index in the query schedule
  uint32_t delivery = 0;   // set by the broker: 1 for the first delivery, 2 for the next...
  int64_t paid_at_us = 0;  // payment-succeeded messages: when the user paid (the channel's time)
};

using MessageId = uint64_t;

class MessageConsumer {
 public:
  virtual ~MessageConsumer() = default;
  // The consumer must call MessageQueue::ack(id, ...) exactly once, now or later.
  virtual void on_message(MessageId id, const Message& message) = 0;
};

// The network between the producers, the broker and its consumers.
class MessageTransport {
 public:
  virtual ~MessageTransport() = default;
  // Whether the publish of `message` on `topic` is lost on its way to the broker.
  virtual bool publish_lost(Topic topic, const Message& message) = 0;
  // How long delivery number `deliveries` + 1 of `message` takes on top of its delay.
  virtual sim::Duration delivery_latency(const Message& message, uint32_t deliveries) = 0;
};

class MessageQueue {
 public:
  MessageQueue(sim::Runtime& runtime, const NotifyConfig& config, MessageTransport& transport,
               sim::Activity& activity, SystemObserver& observer, sim::Tracer* tracer);

  void subscribe(Topic topic, MessageConsumer* consumer) {
    consumers_[static_cast<int>(topic)] = consumer;
  }

  // Publishes; the message is delivered `delay` later (plus the transport's latency), unless the
  // transport loses it on the way (an unreliable producer), which is returned.
  bool publish(Topic topic, const Message& message, sim::Duration delay);

  // The consumer's verdict on a delivery: consumed, or reconsume later.
  void ack(MessageId id, bool consumed);

  // Test seam (sim/fault_plan.h): null unless a test installs one; `plan` outlives the broker.
  // A failed delivery never reaches the consumer (it crashed or timed out while consuming): the
  // broker counts it as "reconsume later" and redelivers on the retry schedule.
  static constexpr uint64_t kFaultDeliverPaymentSucceeded =
      sim::FaultPlan::point("mq.deliver.payment-succeeded");
  static constexpr uint64_t kFaultDeliverDelayQuery =
      sim::FaultPlan::point("mq.deliver.delay-query");
  void set_fault_plan(sim::FaultPlan* plan) { faults_ = plan; }

  uint64_t dead_letters() const { return dead_letters_; }
  size_t in_flight() const { return messages_.size(); }

 private:
  struct InFlight {
    Topic topic;
    Message message;
    uint32_t deliveries = 0;
    sim::Hold hold;
  };
  void deliver_after(MessageId id, sim::Duration delay);
  void on_delivery(MessageId id);

  sim::Runtime& runtime_;
  const NotifyConfig& config_;
  MessageTransport& transport_;
  sim::Activity& activity_;
  SystemObserver& observer_;
  sim::Tracer* tracer_;
  sim::FaultPlan* faults_ = nullptr;
  std::array<MessageConsumer*, kTopicCount> consumers_{};
  sim::IdMap<InFlight> messages_;
  MessageId next_id_ = 1;
  uint64_t dead_letters_ = 0;
};

}  // namespace sut
