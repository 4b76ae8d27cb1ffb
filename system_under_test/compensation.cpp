#include "system_under_test/compensation.h"

#include <algorithm>
#include <array>
#include <string>

namespace sut {

using channels::QuerySource;

namespace {
constexpr std::string_view kComponent = "compensation";
}

sim::Duration round_to_rocketmq_level(sim::Duration delay) {
  using D = sim::Duration;
  static const std::array<D, 18> kLevels = {
      D::seconds(1), D::seconds(5),  D::seconds(10), D::seconds(30), D::minutes(1), D::minutes(2),
      D::minutes(3), D::minutes(4),  D::minutes(5),  D::minutes(6),  D::minutes(7), D::minutes(8),
      D::minutes(9), D::minutes(10), D::minutes(20), D::minutes(30), D::hours(1),   D::hours(2)};
  for (D level : kLevels) {
    if (delay <= level) return level;
  }
  return kLevels.back();
}

Compensation::Compensation(sim::Process& process, sim::Runtime& durable, const SystemConfig& config,
                           PaymentDb& db, MessageQueue& mq, sim::Activity& activity,
                           SystemObserver& observer, sim::Tracer* tracer)
    : runtime_(process),
      durable_(durable),
      config_(config),
      db_(db),
      mq_(mq),
      activity_(activity),
      observer_(observer),
      tracer_(tracer),
      full_scan_(config.compensation.polling.source == PollingConfig::Source::kFullScan),
      batch_size_(static_cast<uint64_t>(std::max(1, config.compensation.polling.batch_size))),
      age_schedule_(config.compensation.polling.age_schedule) {
  mq_.subscribe(Topic::kDelayQuery, this);
  db_.set_index_scan_rows(polling_on() && full_scan_);
}

bool Compensation::polling_on() const {
  const Strategy s = config_.compensation.strategy;
  return s == Strategy::kPolling || s == Strategy::kHybrid;
}

bool Compensation::delay_on() const {
  const Strategy s = config_.compensation.strategy;
  return (s == Strategy::kDelayMessage || s == Strategy::kHybrid) &&
         !config_.compensation.delay_message.schedule.empty();
}

void Compensation::start() {
  if (polling_on()) schedule_tick(config_.compensation.polling.interval);
}

void Compensation::on_paying(const PaymentRecord& record) {
  const bool now = config_.compensation.pending_row == CompensationConfig::PendingRow::kBeforeCall;
  if (now && polling_on() && !full_scan_) db_.add_pending(record);
  if (polling_on() && full_scan_) {
    // A full scan finds the payment for as long as it is unresolved and within the lookback:
    // keep the order in flight that long. Then the scans no longer read it: it is given up.
    const PaymentId payment = record.id;
    lookback_timers_.insert_or_assign(
        payment, durable_.schedule_after(
                     *config_.compensation.polling.window(),
                     [this, payment, hold = sim::Hold(activity_, record.order)] {
                       lookback_timers_.erase(payment);
                       if (db_.scan_rows().count(payment) != 0) {
                         give_up(payment, "is older than the lookback: no longer scanned");
                       }
                     }));
  }
  if (now && delay_on()) schedule_delay_query(record.order, record.id, 0);
}

void Compensation::on_accepted(const PaymentRecord& record) {
  if (config_.compensation.pending_row != CompensationConfig::PendingRow::kOnAccepted) return;
  if (polling_on() && !full_scan_) db_.add_pending(record);
  if (delay_on()) schedule_delay_query(record.order, record.id, 0);
}

void Compensation::on_resolved(const PaymentRecord& record) {
  // Pending-table rows and scan rows are deleted by the database; waiting delay queries finish on
  // their reply.
  release_lookback(record.id);
}

void Compensation::release_lookback(PaymentId payment) {
  if (const sim::TimerId* timer = lookback_timers_.find(payment)) {
    const sim::TimerId id = *timer;
    lookback_timers_.erase(payment);
    durable_.cancel(id);  // releases the order's hold: it may retire now
  }
}

// ---- polling ---------------------------------------------------------------------------------

void Compensation::schedule_tick(sim::Duration delay) {
  durable_.schedule_after(delay, [this] { tick(); });
}

void Compensation::tick() {
  const PollingConfig& cfg = config_.compensation.polling;
  if (!runtime_.up() || tick_running_) {
    // The process is down, or the last tick is still working through its backlog: this tick
    // is skipped and the next one is due an interval later.
    schedule_tick(cfg.interval);
    return;
  }
  ++tick_number_;
  tick_running_ = true;
  clear_poll_queue(/*tick_start=*/true);
  start_scan(runtime_.now());
  read_page();
  schedule_tick(cfg.interval);
}

void Compensation::start_scan(sim::Time now) {
  const std::optional<sim::Duration> window = config_.compensation.polling.window();
  scan_done_ = false;
  scan_cursor_ = 0;
  pages_read_ = 0;
  if (full_scan_) {
    scan_since_ = now - *window;
    scan_window_rows_ = db_.rows_created_since(scan_since_);
    scan_base_ = db_.rows_inserted() - scan_window_rows_;
    return;
  }
  std::map<PaymentId, PendingRow>& pending = db_.pending();
  if (window) {
    // `WHERE created_at > now - lookback`: older rows are never read again, so they are given
    // up. Ids follow creation, so they are the table's first rows.
    const sim::Time since = now - *window;
    while (!pending.empty() && pending.begin()->second.created_at < since) {
      give_up(pending.begin()->first, "is older than the lookback: pending row deleted");
    }
  }
  scan_last_ = pending.empty() ? 0 : pending.rbegin()->first;
}

void Compensation::read_page() {
  page_in_flight_ = true;
  // A timer of the process: the tick dies with it in a crash.
  runtime_.schedule_after_inline(runtime_.round_trip(), [this] { on_page_read(); });
}

void Compensation::on_page_read() {
  page_in_flight_ = false;
  clear_poll_queue(/*tick_start=*/false);
  const sim::Time now = runtime_.now();
  const uint64_t rows = full_scan_ ? read_scan_page(now) : read_pending_page(now);
  observer_.on_rows_scanned(rows, now);
  // A short page is the last one (a full page may be followed by an empty one, as in SQL).
  scan_done_ = rows < batch_size_;
  poll_queue_peak_ = std::max(poll_queue_peak_, poll_queue_.size());
  feed_workers();
}

uint64_t Compensation::read_pending_page(sim::Time now) {
  std::map<PaymentId, PendingRow>& pending = db_.pending();
  uint64_t rows = 0;
  for (auto it = pending.lower_bound(scan_cursor_);
       it != pending.end() && it->first <= scan_last_ && rows < batch_size_; ++it) {
    ++rows;
    scan_cursor_ = it->first + 1;
    if (due(it->second.created_at, it->second.progress, now)) poll_queue_.push_back(it->first);
  }
  return rows;
}

uint64_t Compensation::read_scan_page(sim::Time now) {
  // The page holds the rows at positions [first, first + rows) of the scan; the candidates among
  // them are those whose ordinal falls there.
  const uint64_t first = std::min(pages_read_ * batch_size_, scan_window_rows_);
  const uint64_t rows = std::min(batch_size_, scan_window_rows_ - first);
  const uint64_t end_ordinal = scan_base_ + first + rows;
  ++pages_read_;
  std::map<PaymentId, ScanRow>& candidates = db_.scan_rows();
  for (auto it = candidates.lower_bound(scan_cursor_); it != candidates.end(); ++it) {
    ScanRow& row = it->second;
    if (row.ordinal >= end_ordinal) break;  // a later page, or created since the tick began
    scan_cursor_ = it->first + 1;
    if (row.ordinal < scan_base_ || row.created_at < scan_since_) continue;  // before the window
    if (due(row.created_at, row.progress, now)) poll_queue_.push_back(it->first);
  }
  return rows;
}

bool Compensation::due(sim::Time created_at, PollProgress& progress, sim::Time now) const {
  const sim::Duration age = now - created_at;
  if (age < config_.compensation.polling.min_age) return false;
  if (age_schedule_.empty()) return true;
  if (progress.next_age_index >= age_schedule_.size() ||
      age < age_schedule_[progress.next_age_index])
    return false;
  while (progress.next_age_index < age_schedule_.size() &&
         age >= age_schedule_[progress.next_age_index]) {
    ++progress.next_age_index;
  }
  return true;
}

bool Compensation::exhausted(const PollProgress& progress) const {
  const bool schedule_done =
      !age_schedule_.empty() && progress.next_age_index >= age_schedule_.size();
  return schedule_done ||
         progress.attempts >= static_cast<uint32_t>(config_.compensation.polling.max_attempts);
}

PollProgress* Compensation::poll_progress(PaymentId payment) {
  if (full_scan_) {
    auto it = db_.scan_rows().find(payment);
    return it == db_.scan_rows().end() ? nullptr : &it->second.progress;
  }
  auto it = db_.pending().find(payment);
  return it == db_.pending().end() ? nullptr : &it->second.progress;
}

void Compensation::feed_workers() {
  const uint32_t workers = static_cast<uint32_t>(std::max(1, config_.compensation.polling.workers));
  while (polls_in_flight_ < workers && poll_next()) {
  }
  if (poll_next_ < poll_queue_.size()) return;  // the workers are busy with this page
  if (!scan_done_ && !page_in_flight_) read_page();
  if (scan_done_ && polls_in_flight_ == 0) tick_running_ = false;
}

bool Compensation::poll_next() {
  while (poll_next_ < poll_queue_.size()) {
    const PaymentId pid = poll_queue_[poll_next_++];
    const PaymentRecord* record = db_.find(pid);
    if (record == nullptr || is_terminal(record->state)) continue;
    PollProgress* progress = poll_progress(pid);
    if (progress == nullptr) continue;  // given up since its page was read
    ++progress->attempts;
    ++polls_in_flight_;
    sim::trace(tracer_, runtime_.now(), kComponent, record->order, [&] {
      return "polling tick #" + std::to_string(tick_number_) + " queries payment " +
             std::to_string(pid);
    });
    payments_->query_payment(pid, QuerySource::kPolling);
    return true;
  }
  return false;
}

void Compensation::clear_poll_queue(bool tick_start) {
  poll_queue_.clear();
  poll_next_ = 0;
  if (!tick_start) return;
  // The capacity is kept from page to page and tick to tick, unless a backlog that has since
  // cleared left it far larger than the last tick needed: memory follows what is in flight.
  if (poll_queue_.capacity() > 1024 && poll_queue_peak_ * 4 < poll_queue_.capacity()) {
    poll_queue_.shrink_to_fit();
    poll_queue_.reserve(poll_queue_peak_);
  }
  poll_queue_peak_ = 0;
}

void Compensation::finish_poll(PaymentId payment, bool terminal) {
  if (!terminal) {
    const PollProgress* progress = poll_progress(payment);
    if (progress != nullptr && exhausted(*progress))
      give_up(payment, "is still pending after its last poll");
  }
  if (polls_in_flight_ > 0) --polls_in_flight_;
  feed_workers();
}

void Compensation::give_up(PaymentId payment, std::string_view why) {
  if (const PaymentRecord* record = db_.find(payment)) {
    sim::trace(tracer_, runtime_.now(), kComponent, record->order, [&] {
      const PollProgress* progress = poll_progress(payment);
      return "payment " + std::to_string(payment) + " " + std::string(why) + " (" +
             std::to_string(progress ? progress->attempts : 0) + " polls): given up";
    });
    observer_.on_compensation_exhausted(*record, runtime_.now());
    payments_->settle_exhausted(payment, Resolution::kPolling);
  }
  if (!full_scan_) {
    db_.remove_pending(payment);  // releases the row's hold on the order
    return;
  }
  db_.remove_scan_row(payment);
  release_lookback(payment);
}

// ---- delay messages --------------------------------------------------------------------------

void Compensation::schedule_delay_query(OrderId order, PaymentId payment, uint32_t step) {
  const DelayMessageConfig& cfg = config_.compensation.delay_message;
  if (step >= cfg.schedule.size()) {
    if (const PaymentRecord* record = db_.find(payment)) {
      sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
        return "payment " + std::to_string(payment) +
               " still pending after the last delay query: schedule exhausted";
      });
      observer_.on_compensation_exhausted(*record, runtime_.now());
      payments_->settle_exhausted(payment, Resolution::kDelayMessage);
    }
    return;
  }
  sim::Duration delay = cfg.schedule[step];
  if (cfg.levels == DelayMessageConfig::Levels::kRocketMq) delay = round_to_rocketmq_level(delay);
  if (config_.compensation.retry_storage == CompensationConfig::RetryStorage::kDurable) {
    mq_.publish(Topic::kDelayQuery, Message{order, payment, Resolution::kDelayMessage, step},
                delay);
    return;
  }
  // The in-memory delay queue: a timer of the process, which dies with it. The order rides in the
  // hold (its entity), so the capture fits sim::Callback inline.
  runtime_.schedule_after_inline(delay, [this, payment, step, hold = sim::Hold(activity_, order)] {
    start_delay_query(hold.entity(), payment, step, 0);
  });
}

void Compensation::on_message(MessageId id, const Message& message) {
  if (!runtime_.up()) {
    mq_.ack(id, false);  // the consumer is down: the broker redelivers later
    return;
  }
  start_delay_query(message.order, message.payment, message.step, id);
}

void Compensation::start_delay_query(OrderId order, PaymentId payment, uint32_t step,
                                     MessageId message) {
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
  sim::Hold hold =
      std::move(it->second.hold);  // keeps the order in flight until the next step exists
  delay_waiting_nodes_.erase(delay_waiting_, it);
  if (!terminal) schedule_delay_query(key.order, key.payment, step + 1);
  if (message != 0) mq_.ack(message, true);
}

void Compensation::lose_memory() {
  // The tick in progress dies (its page read was a timer of the process); the scheduler starts a
  // fresh one after restart.
  clear_poll_queue(/*tick_start=*/false);
  polls_in_flight_ = 0;
  tick_running_ = false;
  page_in_flight_ = false;
  scan_done_ = true;
  // Delay queries waiting for an answer: an MQ message not yet acknowledged is redelivered by
  // the broker; an in-memory one is gone.
  std::map<PaymentId, DelayWaiting> waiting = std::move(delay_waiting_);
  delay_waiting_.clear();
  for (auto& [payment, w] : waiting) {
    if (w.message != 0) {
      mq_.ack(w.message, false);
    } else {
      sim::trace(tracer_, runtime_.now(), kComponent, w.hold.entity(), [&, pid = payment] {
        return "in-memory re-query schedule of payment " + std::to_string(pid) +
               " lost in the crash";
      });
    }
  }
}

}  // namespace sut
