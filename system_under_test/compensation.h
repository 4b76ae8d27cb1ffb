// Compensation (补单): active queries that find out what the channel knows when its callback
// was lost or late (外部掉单).
//
//  - polling (定时轮询): a job every `interval` reads the pending table (掉单表) or a full scan
//    of recent payments in pages of `batch_size` rows, ordered by id. Each page is one DB round
//    trip (a payment-service step); its candidates go to `workers` concurrent queries as it
//    arrives, and the next page is read once the workers have taken them all, so a tick holds
//    at most one page. A tick that has not finished by the next one delays it (a backlog
//    stretches the period, as in production). Both sources keep a query count and the age
//    schedule per payment and give a payment up (SystemObserver::on_compensation_exhausted)
//    after `max_attempts` queries, after the last point of `age_schedule`, or once it is older
//    than the tick's window (`lookback`): a pending row is then deleted, a full scan stops
//    reading it, and its order can retire.
//  - delay_message (延迟消息): at creation a delay message is scheduled; each delivery queries
//    the channel and, while still pending, schedules the next gap of `schedule` (rounded up to
//    RocketMQ's fixed levels with `levels: rocketmq`), until a final state or the end.
//  - hybrid: both.
// With retry_storage in_memory the delay schedule is a timer of the process (sim::Process), lost
// in a crash; durable uses the MQ, which survives it. The polling scheduler and its table are
// durable (their timers run on `durable`): a tick that finds the process down is skipped, as is
// a delay message, which the broker then redelivers.
#pragma once

#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "contracts/channel_api.h"
#include "sim/activity.h"
#include "sim/id_map.h"
#include "sim/process.h"
#include "sim/runtime.h"
#include "sim/trace.h"
#include "system_under_test/config.h"
#include "system_under_test/internal/map_node_cache.h"
#include "system_under_test/message_queue.h"
#include "system_under_test/observer.h"
#include "system_under_test/payment_db.h"

namespace sut {

// What compensation asks of the payment service: query a payment at its channel (the answer
// comes back through on_query_reply). An interface, so that the two do not hold each other.
class PaymentQueries {
 public:
  virtual void query_payment(PaymentId payment, channels::QuerySource source) = 0;
  // The schedule ran out with the payment still pending: do what `on_exhausted` says (nothing,
  // mark it FAILED, or close the trade at the channel).
  virtual void settle_exhausted(PaymentId payment, Resolution how) = 0;

 protected:
  ~PaymentQueries() = default;
};

// RocketMQ 4.x delay levels (DOMAIN.md): a requested delay is rounded up to the next level,
// and anything beyond the last (2h) is capped at it.
sim::Duration round_to_rocketmq_level(sim::Duration delay);

class Compensation final : public MessageConsumer, public sim::Volatile {
 public:
  Compensation(sim::Process& process, sim::Runtime& durable, const SystemConfig& config,
               PaymentDb& db, MessageQueue& mq, sim::Activity& activity, SystemObserver& observer,
               sim::Tracer* tracer);
  void connect(PaymentQueries* payments) { payments_ = payments; }

  // Starts the polling scheduler (if polling is on). Call once before the run.
  void start();

  // The payment service's events.
  // Written, before the channel is called: needs a result until terminal. Enters the re-query
  // schedule now with pending_row before_call (a full scan reads the payment from now on anyway).
  void on_paying(const PaymentRecord& record);
  // The channel accepted it ("processing"): enters the schedule now with pending_row on_accepted.
  void on_accepted(const PaymentRecord& record);
  void on_resolved(const PaymentRecord& record);  // reached a terminal state
  void on_query_reply(const channels::PaymentKey& key, channels::QuerySource source,
                      const channels::QueryReply& reply, bool terminal);
  // sim::Volatile: the tick in progress and the in-memory delay queries die with the process.
  void lose_memory() override;

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
  void start_scan(sim::Time now);
  void read_page();
  void on_page_read();
  uint64_t read_pending_page(sim::Time now);
  uint64_t read_scan_page(sim::Time now);
  bool due(sim::Time created_at, PollProgress& progress, sim::Time now) const;
  bool exhausted(const PollProgress& progress) const;
  PollProgress* poll_progress(PaymentId payment);
  void feed_workers();
  bool poll_next();
  void clear_poll_queue(bool tick_start);
  void finish_poll(PaymentId payment, bool terminal);
  void give_up(PaymentId payment, std::string_view why);
  // After a schedule ran out on a pending payment: marks it FAILED if on_exhausted says so.
  void release_lookback(PaymentId payment);
  void schedule_delay_query(OrderId order, PaymentId payment, uint32_t step);
  void start_delay_query(OrderId order, PaymentId payment, uint32_t step, MessageId message);

  sim::Process& runtime_;  // the process: its timers die in a crash
  sim::Runtime& durable_;  // the polling scheduler and the lookback windows
  const SystemConfig& config_;
  PaymentDb& db_;
  MessageQueue& mq_;
  sim::Activity& activity_;
  SystemObserver& observer_;
  sim::Tracer* tracer_;
  PaymentQueries* payments_ = nullptr;

  // Polling.
  const bool full_scan_;
  const uint64_t batch_size_;
  std::vector<sim::Duration> age_schedule_;
  // The last page's candidates, in order; poll_next_ is the next to query. A vector cleared each
  // page keeps its capacity, where a deque would allocate and free its blocks on every page.
  std::vector<PaymentId> poll_queue_;
  size_t poll_next_ = 0;
  size_t poll_queue_peak_ = 0;  // the most candidates a page of this tick held
  uint32_t polls_in_flight_ = 0;
  bool tick_running_ = false;
  uint64_t tick_number_ = 0;

  // The tick's scan, read by keyset (`WHERE id >= cursor ORDER BY id LIMIT batch_size`).
  bool page_in_flight_ = false;
  bool scan_done_ = true;      // the last page came back short: nothing more to read
  PaymentId scan_cursor_ = 0;  // the first id the next page may hold
  PaymentId scan_last_ = 0;    // pending table: the last row when the tick began
  // Full scan: the tick reads the scan_window_rows_ rows created since scan_since_ (as the tick
  // began), which follow the first scan_base_ rows of the table; pages_read_ of them so far.
  sim::Time scan_since_;
  uint64_t scan_base_ = 0;
  uint64_t scan_window_rows_ = 0;
  uint64_t pages_read_ = 0;

  // Full scan: a timer per candidate keeps its order in flight while a scan can still find it
  // (its lookback); cancelled when the payment resolves or is given up.
  sim::IdMap<sim::TimerId> lookback_timers_;

  // Delay queries waiting for their channel answer, by payment. Every delay query adds and
  // removes one: the nodes are reused rather than freed.
  std::map<PaymentId, DelayWaiting> delay_waiting_;
  internal::MapNodeCache<std::map<PaymentId, DelayWaiting>> delay_waiting_nodes_;
};

}  // namespace sut
