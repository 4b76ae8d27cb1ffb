#include "system_under_test/message_queue.h"

#include <cassert>
#include <string>

namespace sut {

namespace {
std::string_view topic_name(Topic topic) {
  return topic == Topic::kPaymentSucceeded ? "payment-succeeded" : "delay-query";
}
}  // namespace

MessageQueue::MessageQueue(sim::Runtime& runtime, const NotifyConfig& config,
                           MessageTransport& transport, sim::Activity& activity,
                           SystemObserver& observer, sim::Tracer* tracer)
    : runtime_(runtime),
      config_(config),
      transport_(transport),
      activity_(activity),
      observer_(observer),
      tracer_(tracer) {}

bool MessageQueue::publish(Topic topic, const Message& message, sim::Duration delay) {
  const MessageId id = next_id_++;
  observer_.on_mq_message(runtime_.now());
  if (transport_.publish_lost(topic, message)) {
    sim::trace(tracer_, runtime_.now(), "mq", message.order, [&] {
      return std::string(topic_name(topic)) + " message for payment " +
             std::to_string(message.payment) + " lost on publish (fault)";
    });
    return false;
  }
  messages_.insert(id, InFlight{topic, message, 0, sim::Hold(activity_, message.order)});
  deliver_after(id, delay);
  return true;
}

void MessageQueue::deliver_after(MessageId id, sim::Duration delay) {
  const InFlight* m = messages_.find(id);
  assert(m != nullptr);
  const sim::Duration latency = transport_.delivery_latency(m->message, m->deliveries);
  runtime_.schedule_after(
      delay + latency,
      [this, id, hold = sim::Hold(activity_, m->message.order)] { on_delivery(id); });
}

void MessageQueue::on_delivery(MessageId id) {
  InFlight* m = messages_.find(id);
  if (m == nullptr) return;
  ++m->deliveries;
  if (m->deliveries > 1) observer_.on_mq_message(runtime_.now());
  MessageConsumer* consumer = consumers_[static_cast<int>(m->topic)];
  assert(consumer != nullptr && "message published to a topic nobody consumes");
  Message message = m->message;
  message.delivery = m->deliveries;
  if (faults_ != nullptr &&
      faults_->should_fail(m->topic == Topic::kPaymentSucceeded ? kFaultDeliverPaymentSucceeded
                                                                : kFaultDeliverDelayQuery)) {
    sim::trace(tracer_, runtime_.now(), "mq", message.order, [&] {
      return std::string(topic_name(m->topic)) + " delivery #" + std::to_string(message.delivery) +
             " for payment " + std::to_string(message.payment) +
             " failed (fault plan): redelivered later";
    });
    ack(id, false);
    return;
  }
  consumer->on_message(id, message);
}

void MessageQueue::ack(MessageId id, bool consumed) {
  InFlight* m = messages_.find(id);
  if (m == nullptr) return;
  if (consumed) {
    messages_.erase(id);
    return;
  }
  const uint32_t retry = m->deliveries - 1;  // gaps used so far
  if (retry >= config_.mq_retry.size()) {
    ++dead_letters_;
    observer_.on_dead_letter(runtime_.now());
    sim::trace(tracer_, runtime_.now(), "mq", m->message.order, [&] {
      return std::string(topic_name(m->topic)) + " message for payment " +
             std::to_string(m->message.payment) + " moved to the dead-letter queue after " +
             std::to_string(m->deliveries) + " deliveries";
    });
    messages_.erase(id);
    return;
  }
  deliver_after(id, config_.mq_retry[retry]);
}

}  // namespace sut
