#include "live/real_time_runtime.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cassert>
#include <cmath>

namespace live {
namespace {

// Due times beyond this many real seconds are never armed on the asio timer (about 30 years):
// the conversion stays far from overflow, and such a timer runs only if the process lives that
// long, which it does not.
constexpr double kMaxRealSeconds = 1e9;

}  // namespace

RealTimeRuntime::RealTimeRuntime(boost::asio::io_context& io, uint64_t seed, double time_scale)
    : io_(io),
      timer_(io),
      seed_(seed),
      time_scale_(time_scale),
      start_(std::chrono::steady_clock::now()) {
  assert(time_scale > 0);
}

RealTimeRuntime::~RealTimeRuntime() {
  *alive_ = false;
  clear();
}

void RealTimeRuntime::clear() {
  // Destroying a pending callback may call back into the runtime (a released hold can cancel
  // other timers): empty the maps first, so such calls find nothing, then destroy the callbacks.
  std::map<Key, sim::Callback> doomed = std::move(queue_);
  queue_.clear();
  due_of_.clear();
  doomed.clear();
  assert(queue_.empty() && "clear: a callback's destructor scheduled another");
}

sim::Time RealTimeRuntime::clock() const {
  const auto elapsed = std::chrono::steady_clock::now() - start_;
  const double elapsed_ns =
      static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
  return sim::Time::from_us(origin_us_ +
                            static_cast<int64_t>(std::floor(elapsed_ns * time_scale_ / 1e3)));
}

std::chrono::steady_clock::time_point RealTimeRuntime::real_time_of(int64_t due_us) const {
  const double real_seconds = std::clamp(
      static_cast<double>(due_us - origin_us_) / 1e6 / time_scale_, 0.0, kMaxRealSeconds);
  // Rounded up, so that when the timer fires the scaled clock has reached the due time.
  const auto real_ns = static_cast<int64_t>(std::ceil(real_seconds * 1e9));
  return start_ + std::chrono::nanoseconds(real_ns);
}

sim::TimerId RealTimeRuntime::schedule_after(sim::Duration delay, sim::Callback&& fn) {
  assert(delay >= sim::Duration::zero());
  assert(fn);
  const int64_t due_us = (now_ + delay).us();
  const uint64_t sequence = next_sequence_++;
  queue_.emplace(Key{due_us, sequence}, std::move(fn));
  due_of_.emplace(sequence, due_us);
  if (!running_) arm();  // inside a callback, advance() re-arms once the step is over
  return sim::TimerId{sequence};
}

bool RealTimeRuntime::cancel(sim::TimerId id) {
  const auto found = due_of_.find(id.value);
  if (found == due_of_.end()) return false;  // ran, running, cancelled, or never ours
  const Key key{found->second, found->first};
  due_of_.erase(found);
  // The callback is destroyed when `node` goes out of scope, after both maps are consistent: its
  // destructor may call back into the runtime. A timer armed for it fires for nothing and
  // re-arms.
  auto node = queue_.extract(key);
  assert(!node.empty());
  return true;
}

void RealTimeRuntime::advance(sim::Time limit) {
  if (running_ || replaying_) return;
  run_due(std::min(clock(), limit));
  arm();
}

void RealTimeRuntime::replay_to(sim::Time t) {
  assert(replaying_ && !running_);
  run_due(t);
}

void RealTimeRuntime::end_replay(sim::Time resume) {
  assert(replaying_);
  replaying_ = false;
  // The callbacks that fell due while the process was down run at once, each at its due time
  // (as a late timer does): now() never goes back.
  origin_us_ = std::max(resume, now_).us();
  start_ = std::chrono::steady_clock::now();
  armed_due_us_.reset();
  arm();
}

void RealTimeRuntime::run_due(sim::Time target) {
  while (!queue_.empty() && queue_.begin()->first.due_us <= target.us()) {
    auto node = queue_.extract(queue_.begin());
    due_of_.erase(node.key().sequence);
    const sim::Time due = sim::Time::from_us(node.key().due_us);
    assert(due >= now_);
    if (!replaying_) lateness_us_.record(std::max<int64_t>(0, (target - due).us()));
    now_ = due;
    running_ = true;
    node.mapped()();
    running_ = false;
    // `node` dies here: the callback is released after it ran and before the next one runs.
  }
  if (target > now_) now_ = target;
}

void RealTimeRuntime::arm() {
  if (replaying_) return;
  if (queue_.empty() || queue_.begin()->first.due_us > horizon_.us()) {
    if (armed_due_us_) timer_.cancel();
    armed_due_us_.reset();
    return;
  }
  const int64_t earliest_us = queue_.begin()->first.due_us;
  if (armed_due_us_ == earliest_us) return;
  armed_due_us_ = earliest_us;
  if (earliest_us <= now_.us()) {
    // Due already (a zero delay: the model's instant replies). It runs on the loop's next turn
    // without the asio timer: arming and firing it for every request cost two timerfd_settime
    // system calls, a third of the server's time under load (docs/performance.md). A timer
    // still armed for a later callback fires for nothing and re-arms.
    boost::asio::post(io_, [this, alive = std::weak_ptr<bool>(alive_)] {
      const std::shared_ptr<bool> still = alive.lock();
      if (still && *still) on_timer();
    });
    return;
  }
  timer_.expires_at(real_time_of(earliest_us));  // cancels the wait armed before, if any
  timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](boost::system::error_code ec) {
    const std::shared_ptr<bool> still = alive.lock();
    if (ec || !still || !*still) return;  // re-armed, cancelled, or the runtime is gone
    on_timer();
  });
}

void RealTimeRuntime::on_timer() {
  armed_due_us_.reset();
  advance(horizon_);
}

void RealTimeRuntime::run_until(sim::Time end) {
  horizon_ = end;
  armed_due_us_.reset();
  arm();
  io_.restart();
  io_.run();
  horizon_ = sim::Time::max();
  armed_due_us_.reset();
  arm();
}

}  // namespace live
