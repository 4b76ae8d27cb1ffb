// Compensation (补单): active queries that find out what the channel knows when its callback
// was lost or late (外部掉单).
//
//  - polling (定时轮询): a job every `interval` reads the pending table (掉单表) or a full scan
//    of recent payments, and queries each candidate with `workers` concurrent queries. A tick
//    that has not finished by the next one delays it (a backlog stretches the period, as in
//    production); a row is deleted at a final state or after `max_attempts` queries.
//  - delay_message (延迟消息): at creation a delay message is scheduled; each delivery queries
//    the channel and, while still pending, schedules the next gap of `schedule` (rounded up to
//    RocketMQ's fixed levels with `levels: rocketmq`), until a final state or the end.
//  - hybrid: both.
// With retry_storage in_memory the delay schedule is an in-process timer, lost in a crash;
// durable uses the MQ, which survives it. The polling scheduler and its table are durable.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "mock_channels/channel_api.h"
#include "sim/activity.h"
#include "sim/id_map.h"
#include "sim/runtime.h"
#include "sim/trace.h"
#include "system_under_test/config.h"
#include "system_under_test/internal/map_node_cache.h"
#include "system_under_test/message_queue.h"
#include "system_under_test/observer.h"
#include "system_under_test/payment_db.h"

namespace sut {

class PaymentService;

// RocketMQ 4.x delay levels (DOMAIN.md): a requested delay is rounded up to the next level,
// and anything beyond the last (2h) is capped at it.
sim::Duration round_to_rocketmq_level(sim::Duration delay);

class Compensation final : public MessageConsumer {
 public:
  Compensation(sim::Runtime& runtime, const SystemConfig& config, PaymentDb& db, MessageQueue& mq,
               sim::Activity& activity, SystemObserver& observer, sim::Tracer* tracer);
  void connect(PaymentService* payments) { payments_ = payments; }

  // Starts the polling scheduler (if polling is on). Call once before the run.
  void start();

  // The payment service's events.
  void on_paying(const PaymentRecord& record);    // created: needs a result until terminal
  void on_resolved(const PaymentRecord& record);  // reached a terminal state
  void on_query_reply(const channels::PaymentKey& key, channels::QuerySource source,
                      const channels::QueryReply& reply, bool terminal);
  void on_crash();

  // Delay-query messages.
  void on_message(MessageId id, const Message& message) override;

  bool polling_on() const;
  bool delay_on() const;

 private:
  struct DelayWaiting {
    uint32_t step = 0;
    MessageId message = 0;  // 0 for the in-memory schedule
    sim::Hold hold;
  };

  void schedule_tick(sim::Duration delay);
  void tick();
  void poll_next();
  void clear_poll_queue();
  void finish_poll(PaymentId payment, bool terminal);
  void schedule_delay_query(OrderId order, PaymentId payment, uint32_t step);
  void start_delay_query(OrderId order, PaymentId payment, uint32_t step, MessageId message);

  sim::Runtime& runtime_;
  const SystemConfig& config_;
  PaymentDb& db_;
  MessageQueue& mq_;
  sim::Activity& activity_;
  SystemObserver& observer_;
  sim::Tracer* tracer_;
  PaymentService* payments_ = nullptr;

  // Polling.
  std::vector<sim::Duration> age_schedule_;
  // This tick's candidates, in order; poll_next_ is the next to query. A vector cleared each tick
  // keeps its capacity, where a deque would allocate and free its blocks on every tick.
  std::vector<std::pair<PaymentId, OrderId>> poll_queue_;
  size_t poll_next_ = 0;
  uint32_t polls_in_flight_ = 0;
  bool tick_running_ = false;
  sim::Time tick_started_;
  uint64_t tick_number_ = 0;

  // Full scan: a timer per unresolved payment keeps its order in flight while a scan can still
  // find it (its lookback); cancelled when the payment resolves.
  sim::IdMap<sim::TimerId> lookback_timers_;

  // Delay queries waiting for their channel answer, by payment. Every delay query adds and
  // removes one: the nodes are reused rather than freed.
  std::map<PaymentId, DelayWaiting> delay_waiting_;
  internal::MapNodeCache<std::map<PaymentId, DelayWaiting>> delay_waiting_nodes_;
  uint64_t epoch_ = 0;  // bumped by a crash: in-memory timers of older epochs are void
};

}  // namespace sut
