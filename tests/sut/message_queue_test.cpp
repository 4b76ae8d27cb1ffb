// MessageQueue, the broker, driven alone with a scripted transport: at-least-once delivery after
// the delay plus the transport's latency, redelivery on the retry schedule until acknowledged,
// the dead-letter queue after the last gap, a publish the transport loses never delivered, and
// each publish and redelivery counted as an MQ message (the cost metric).
#include "system_under_test/message_queue.h"

#include <gtest/gtest.h>

#include <vector>

#include "sim/sim_runtime.h"
#include "sim/simulator.h"

namespace sut {
namespace {

using sim::Duration;
using sim::Time;

class ScriptedTransport final : public MessageTransport {
 public:
  bool publish_lost(Topic, const Message& message) override {
    return message.payment == lost_payment;
  }
  Duration delivery_latency(const Message&, uint32_t) override { return latency; }

  PaymentId lost_payment = 0;
  Duration latency = Duration::millis(5);
};

class CountingObserver final : public SystemObserver {
 public:
  void on_mq_message(sim::Time) override { ++messages; }
  void on_dead_letter(sim::Time) override { ++dead_letters; }
  int messages = 0;
  int dead_letters = 0;
};

// Acknowledges "reconsume later" `refusals` times, then "consumed"; records when each delivery
// arrived.
class Consumer final : public MessageConsumer {
 public:
  Consumer(MessageQueue& mq, const sim::Runtime& runtime, int refusals)
      : mq_(mq), runtime_(runtime), refusals_(refusals) {}
  void on_message(MessageId id, const Message& message) override {
    arrivals.push_back(runtime_.now());
    deliveries.push_back(message.delivery);
    mq_.ack(id, static_cast<int>(arrivals.size()) > refusals_);
  }
  std::vector<Time> arrivals;
  std::vector<uint32_t> deliveries;

 private:
  MessageQueue& mq_;
  const sim::Runtime& runtime_;
  int refusals_;
};

class MessageQueueTest : public ::testing::Test {
 protected:
  MessageQueueTest() { config_.mq_retry = {Duration::seconds(10), Duration::seconds(30)}; }

  NotifyConfig config_;
  ScriptedTransport transport_;
  CountingObserver observer_;
  sim::Activity activity_;
  sim::Simulator simulator_;
  sim::SimRuntime runtime_{simulator_, 1};
  MessageQueue mq_{runtime_, config_, transport_, activity_, observer_, nullptr};
};

TEST_F(MessageQueueTest, DeliversAfterTheDelayPlusLatencyAndRedeliversOnTheRetrySchedule) {
  Consumer consumer(mq_, runtime_, 2);
  mq_.subscribe(Topic::kDelayQuery, &consumer);
  EXPECT_TRUE(mq_.publish(Topic::kDelayQuery, {.order = 7, .payment = 1}, Duration::seconds(1)));
  simulator_.run_until(Time() + Duration::minutes(5));
  const Time first = Time() + Duration::seconds(1) + Duration::millis(5);
  const Time second = first + Duration::seconds(10) + Duration::millis(5);
  const Time third = second + Duration::seconds(30) + Duration::millis(5);
  EXPECT_EQ(consumer.arrivals, (std::vector<Time>{first, second, third}));
  EXPECT_EQ(consumer.deliveries, (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_EQ(observer_.messages, 3) << "the publish and each redelivery are MQ messages";
  EXPECT_EQ(observer_.dead_letters, 0);
  EXPECT_EQ(mq_.in_flight(), 0u);
  EXPECT_FALSE(activity_.busy(7)) << "an acknowledged message no longer holds its order";
}

TEST_F(MessageQueueTest, AMessageNobodyConsumesEndsInTheDeadLetterQueueAfterTheLastGap) {
  Consumer consumer(mq_, runtime_, 1000);
  mq_.subscribe(Topic::kPaymentSucceeded, &consumer);
  mq_.publish(Topic::kPaymentSucceeded, {.order = 7, .payment = 1}, Duration::zero());
  simulator_.run_until(Time() + Duration::minutes(5));
  EXPECT_EQ(consumer.arrivals.size(), 3u) << "one delivery, then one per gap of the retry schedule";
  EXPECT_EQ(observer_.dead_letters, 1);
  EXPECT_EQ(mq_.dead_letters(), 1u);
  EXPECT_EQ(mq_.in_flight(), 0u);
  EXPECT_FALSE(activity_.busy(7));
}

TEST_F(MessageQueueTest, APublishTheTransportLosesIsCountedButNeverDelivered) {
  Consumer consumer(mq_, runtime_, 0);
  mq_.subscribe(Topic::kPaymentSucceeded, &consumer);
  transport_.lost_payment = 2;
  EXPECT_FALSE(mq_.publish(Topic::kPaymentSucceeded, {.order = 7, .payment = 2}, Duration::zero()));
  EXPECT_TRUE(mq_.publish(Topic::kPaymentSucceeded, {.order = 8, .payment = 3}, Duration::zero()));
  simulator_.run_until(Time() + Duration::minutes(1));
  EXPECT_EQ(consumer.arrivals.size(), 1u);
  EXPECT_EQ(observer_.messages, 2)
      << "each publish counts, the lost one too (the producer sent it)";
  EXPECT_FALSE(activity_.busy(7));
}

}  // namespace
}  // namespace sut
