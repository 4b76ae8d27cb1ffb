#include "system_under_test/compensation.h"

#include <algorithm>
#include <array>
#include <string>

#include "system_under_test/payment_service.h"

namespace sut {

using channels::QuerySource;

namespace {
constexpr std::string_view kComponent = "compensation";
}

sim::Duration round_to_rocketmq_level(sim::Duration delay) {
  using D = sim::Duration;
  static const std::array<D, 18> kLevels = {
      D::seconds(1),  D::seconds(5),  D::seconds(10), D::seconds(30), D::minutes(1),  D::minutes(2),
      D::minutes(3),  D::minutes(4),  D::minutes(5),  D::minutes(6),  D::minutes(7),  D::minutes(8),
      D::minutes(9),  D::minutes(10), D::minutes(20), D::minutes(30), D::hours(1),    D::hours(2)};
  for (D level : kLevels) {
    if (delay <= level) return level;
  }
  return kLevels.back();
}

Compensation::Compensation(sim::Runtime& runtime, const SystemConfig& config, PaymentDb& db, MessageQueue& mq,
                           sim::Activity& activity, SystemObserver& observer, sim::Tracer* tracer)
    : runtime_(runtime), config_(config), db_(db), mq_(mq), activity_(activity), observer_(observer), tracer_(tracer) {
  mq_.subscribe(Topic::kDelayQuery, this);
  age_schedule_ = config_.compensation.polling.age_schedule;
  db_.set_index_unresolved(polling_on() && config_.compensation.polling.source == PollingConfig::Source::kFullScan);
}

bool Compensation::polling_on() const {
  const Strategy s = config_.compensation.strategy;
  return s == Strategy::kPolling || s == Strategy::kHybrid;
}

bool Compensation::delay_on() const {
  const Strategy s = config_.compensation.strategy;
  return (s == Strategy::kDelayMessage || s == Strategy::kHybrid) && !config_.compensation.delay_message.schedule.empty();
}

void Compensation::start() {
  if (polling_on()) schedule_tick(config_.compensation.polling.interval);
}

void Compensation::on_paying(const PaymentRecord& record) {
  if (polling_on() && config_.compensation.polling.source == PollingConfig::Source::kPendingTable) {
    db_.add_pending(record);
  }
  if (polling_on() && config_.compensation.polling.source == PollingConfig::Source::kFullScan) {
    // A full scan finds the payment for as long as it is unresolved and within the lookback:
    // keep the order in flight that long.
    const PaymentId payment = record.id;
    lookback_timers_.insert_or_assign(
        payment, runtime_.schedule_after(config_.compensation.polling.lookback,
                                         [this, payment, hold = sim::Hold(activity_, record.order)] {
                                           lookback_timers_.erase(payment);
                                         }));
  }
  if (delay_on()) schedule_delay_query(record.order, record.id, 0);
}

void Compensation::on_resolved(const PaymentRecord& record) {
  // Pending-table rows are deleted by the database; waiting delay queries finish on their reply.
  if (const sim::TimerId* timer = lookback_timers_.find(record.id)) {
    const sim::TimerId id = *timer;
    lookback_timers_.erase(record.id);
    runtime_.cancel(id);
  }
}

// ---- polling ---------------------------------------------------------------------------------

void Compensation::schedule_tick(sim::Duration delay) {
  runtime_.schedule_after(delay, [this] { tick(); });
}

void Compensation::tick() {
  const PollingConfig& cfg = config_.compensation.polling;
  const sim::Time now = runtime_.now();
  if (payments_->down() || tick_running_) {
    // The service is down, or the last tick is still working through its backlog: this tick
    // is skipped and the next one is due an interval later.
    schedule_tick(cfg.interval);
    return;
  }
  ++tick_number_;
  tick_running_ = true;
  tick_started_ = now;
  clear_poll_queue();
  if (cfg.source == PollingConfig::Source::kPendingTable) {
    observer_.on_rows_scanned(db_.pending_rows(), now);
    for (auto& [pid, row] : db_.pending()) {
      const sim::Duration age = now - row.created_at;
      if (age < cfg.min_age) continue;
      if (!age_schedule_.empty()) {
        if (row.next_age_index >= age_schedule_.size() || age < age_schedule_[row.next_age_index]) continue;
        while (row.next_age_index < age_schedule_.size() && age >= age_schedule_[row.next_age_index]) {
          ++row.next_age_index;
        }
      }
      poll_queue_.emplace_back(pid, row.hold.entity());
    }
  } else {
    const sim::Time since = now - cfg.lookback;
    observer_.on_rows_scanned(db_.rows_created_since(since), now);
    for (const auto& [pid, created_at] : db_.unresolved()) {
      if (created_at < since || now - created_at < cfg.min_age) continue;
      const PaymentRecord* record = db_.find(pid);
      if (record != nullptr && !is_terminal(record->state)) poll_queue_.emplace_back(pid, record->order);
    }
  }
  const uint32_t workers = static_cast<uint32_t>(std::max(1, cfg.workers));
  for (uint32_t w = 0; w < workers && poll_next_ < poll_queue_.size(); ++w) poll_next();
  if (polls_in_flight_ == 0) tick_running_ = false;
  schedule_tick(cfg.interval);
}

void Compensation::poll_next() {
  while (poll_next_ < poll_queue_.size()) {
    const auto [pid, order] = poll_queue_[poll_next_++];
    const PaymentRecord* record = db_.find(pid);
    if (record == nullptr || is_terminal(record->state)) continue;
    if (auto it = db_.pending().find(pid); it != db_.pending().end()) ++it->second.attempts;
    ++polls_in_flight_;
    sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
      return "polling tick #" + std::to_string(tick_number_) + " queries payment " + std::to_string(pid);
    });
    payments_->query_payment(pid, QuerySource::kPolling);
    return;
  }
}

void Compensation::clear_poll_queue() {
  const size_t used = poll_queue_.size();
  poll_queue_.clear();
  poll_next_ = 0;
  // The capacity is kept for the next tick, unless a backlog that has since cleared left it far
  // larger than the last tick needed: memory follows what is in flight.
  if (poll_queue_.capacity() > 1024 && used * 4 < poll_queue_.capacity()) {
    poll_queue_.shrink_to_fit();
    poll_queue_.reserve(used);
  }
}

void Compensation::finish_poll(PaymentId payment, bool terminal) {
  const PollingConfig& cfg = config_.compensation.polling;
  auto it = db_.pending().find(payment);
  if (!terminal && it != db_.pending().end()) {
    const bool schedule_done = !age_schedule_.empty() && it->second.next_age_index >= age_schedule_.size();
    if (it->second.attempts >= static_cast<uint32_t>(cfg.max_attempts) || schedule_done) {
      if (const PaymentRecord* record = db_.find(payment)) {
        sim::trace(tracer_, runtime_.now(), kComponent, record->order, [&] {
          return "payment " + std::to_string(payment) + " still pending after " + std::to_string(it->second.attempts) +
                 " polls: row deleted (gave up)";
        });
        observer_.on_compensation_exhausted(*record, runtime_.now());
      }
      db_.remove_pending(payment);
    }
  }
  if (polls_in_flight_ > 0) --polls_in_flight_;
  poll_next();
  if (polls_in_flight_ == 0 && poll_next_ == poll_queue_.size()) tick_running_ = false;
}

// ---- delay messages --------------------------------------------------------------------------

void Compensation::schedule_delay_query(OrderId order, PaymentId payment, uint32_t step) {
  const DelayMessageConfig& cfg = config_.compensation.delay_message;
  if (step >= cfg.schedule.size()) {
    if (const PaymentRecord* record = db_.find(payment)) {
      sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
        return "payment " + std::to_string(payment) + " still pending after the last delay query: schedule exhausted";
      });
      observer_.on_compensation_exhausted(*record, runtime_.now());
    }
    return;
  }
  sim::Duration delay = cfg.schedule[step];
  if (cfg.levels == DelayMessageConfig::Levels::kRocketMq) delay = round_to_rocketmq_level(delay);
  if (config_.compensation.retry_storage == CompensationConfig::RetryStorage::kDurable) {
    mq_.publish(Topic::kDelayQuery, Message{order, payment, Resolution::kDelayMessage, step}, delay);
    return;
  }
  const uint64_t epoch = epoch_;
  // The order rides in the hold (its entity), so the capture fits sim::Callback inline.
  runtime_.schedule_after_inline(delay, [this, epoch, payment, step, hold = sim::Hold(activity_, order)] {
    if (epoch != epoch_) return;  // the in-memory delay queue died with the process
    start_delay_query(hold.entity(), payment, step, 0);
  });
}

void Compensation::on_message(MessageId id, const Message& message) {
  if (payments_->down()) {
    mq_.ack(id, false);  // the consumer is down: the broker redelivers later
    return;
  }
  start_delay_query(message.order, message.payment, message.step, id);
}

void Compensation::start_delay_query(OrderId order, PaymentId payment, uint32_t step, MessageId message) {
  const PaymentRecord* record = db_.find(payment);
  if (record == nullptr || is_terminal(record->state)) {
    if (message != 0) mq_.ack(message, true);
    return;
  }
  sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
    return "delay query #" + std::to_string(step + 1) + " for payment " + std::to_string(payment);
  });
  delay_waiting_nodes_.insert_or_assign(delay_waiting_, payment,
                                        DelayWaiting{step, message, sim::Hold(activity_, order)});
  payments_->query_payment(payment, QuerySource::kDelayMessage);
}

// ---- replies and crashes ---------------------------------------------------------------------

void Compensation::on_query_reply(const channels::PaymentKey& key, QuerySource source,
                                  const channels::QueryReply& reply, bool terminal) {
  (void)reply;  // failures and stale answers are simply "not final yet": the schedule retries
  if (source == QuerySource::kPolling) {
    finish_poll(key.payment, terminal);
    return;
  }
  if (source != QuerySource::kDelayMessage) return;
  auto it = delay_waiting_.find(key.payment);
  if (it == delay_waiting_.end()) return;
  const uint32_t step = it->second.step;
  const MessageId message = it->second.message;
  sim::Hold hold = std::move(it->second.hold);  // keeps the order in flight until the next step exists
  delay_waiting_nodes_.erase(delay_waiting_, it);
  if (!terminal) schedule_delay_query(key.order, key.payment, step + 1);
  if (message != 0) mq_.ack(message, true);
}

void Compensation::on_crash() {
  ++epoch_;
  // The tick in progress dies; the scheduler starts a fresh one after restart.
  clear_poll_queue();
  polls_in_flight_ = 0;
  tick_running_ = false;
  // Delay queries waiting for an answer: an MQ message not yet acknowledged is redelivered by
  // the broker; an in-memory one is gone.
  std::map<PaymentId, DelayWaiting> waiting = std::move(delay_waiting_);
  delay_waiting_.clear();
  for (auto& [payment, w] : waiting) {
    if (w.message != 0) {
      mq_.ack(w.message, false);
    } else {
      sim::trace(tracer_, runtime_.now(), kComponent, w.hold.entity(), [&, pid = payment] {
        return "in-memory re-query schedule of payment " + std::to_string(pid) + " lost in the crash";
      });
    }
  }
}

}  // namespace sut
