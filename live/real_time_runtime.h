// RealTimeRuntime: sim::Runtime on a Boost.Asio io_context and the steady clock, for live mode.
//
// The model code that the simulator runs on SimRuntime runs unchanged here; only how time passes
// differs. Time is the steady clock since construction, multiplied by a time scale K (K = 60: one
// real second is one minute of channel time, so every delay of a scenario passes 60 times
// faster; K = 1 is real time). It keeps every promise of sim/runtime.h and passes the conformance
// suite (tests/live/real_time_runtime_test.cpp):
//
// - Callbacks wait in the runtime's own queue, ordered by (due time, scheduling sequence); one
//   asio timer is armed for the earliest (or, when it is due already, a handler is posted).
//   When it fires, every callback due by then runs in order, each seeing now() == its due time,
//   so ties and zero delays behave as in simulation.
// - now() is frozen between steps: it moves only when the runtime runs (the timer fires, or
//   advance() is called). Code that reacts to the outside world (an HTTP request) calls advance()
//   first: it runs the callbacks that are already due, then brings now() up to the clock, so the
//   model sees fresh time and now() never goes back.
// - Ids are a 64-bit sequence, never reused.
// - How late callbacks ran is measured (lateness_us): a loaded machine falls behind the clock.
//
// Single-threaded: every member is called from the thread that runs the io_context (or, before
// it runs, from the owner). The io_context must outlive the runtime; the runtime may be destroyed
// while the io_context still has its timer's handler queued.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "reports/histogram.h"
#include "sim/runtime.h"

namespace live {

class RealTimeRuntime final : public sim::Runtime {
 public:
  // REQUIRES: time_scale > 0.
  RealTimeRuntime(boost::asio::io_context& io, uint64_t seed, double time_scale = 1.0);
  RealTimeRuntime(const RealTimeRuntime&) = delete;
  RealTimeRuntime& operator=(const RealTimeRuntime&) = delete;
  ~RealTimeRuntime() override;

  sim::Time now() const override { return now_; }
  sim::TimerId schedule_after(sim::Duration delay, sim::Callback&& fn) override;
  bool cancel(sim::TimerId id) override;
  uint64_t seed() const override { return seed_; }

  // Destroys every pending callback without running it (as sim::Simulator::clear()). An owner
  // calls it first in its destructor, while every component a callback's captures point at is
  // still alive: the runtime is declared before them, so it would destroy those captures last.
  // A callback's destructor may call back into the runtime and finds nothing pending.
  void clear();

  // Runs every callback due by the clock (and by `limit`), then moves now() up to the clock (at
  // most to `limit`). Does nothing when called from inside a callback.
  void advance(sim::Time limit = sim::Time::max());

  // Drives the io_context (and so anything else it serves) until every callback due at or before
  // `end` has run, including those scheduled meanwhile; later ones stay pending. For tests and
  // single-purpose tools: it returns only when the io_context has no other work either.
  void run_until(sim::Time end);
  void run_until_idle() { run_until(sim::Time::max()); }

  // Replaying serve-sut's journal (live/journal.h): between begin_replay() and end_replay() the
  // runtime does not follow the clock and arms nothing on the io_context; replay_to(t) runs every
  // callback due by `t` (each at its due time, as advance() does) and sets now() to `t`.
  // end_replay(t) goes back to real time with the clock showing `t` (the time the journal
  // reached plus how long the restart took) and arms the earliest callback; those that fell due
  // in between run at once, each still seeing its own due time.
  void begin_replay() { replaying_ = true; }
  void replay_to(sim::Time t);
  void end_replay(sim::Time resume);
  bool replaying() const { return replaying_; }

  // How late the callbacks ran (channel time from their due time to the clock when they ran,
  // outside a replay): a machine that cannot keep up with K shows here, and every latency the
  // run measures is inflated by up to as much.
  const reports::LogHistogram& lateness_us() const { return lateness_us_; }

  double time_scale() const { return time_scale_; }
  boost::asio::io_context& io() { return io_; }
  size_t pending() const { return queue_.size(); }
  // The channel time the clock shows now, without running anything (for logs and headers).
  sim::Time clock() const;

 private:
  struct Key {
    int64_t due_us;
    uint64_t sequence;
    friend auto operator<=>(const Key&, const Key&) = default;
  };

  void arm();
  void on_timer();
  // Runs every callback due by `target` in order, then sets now() to `target` if later.
  void run_due(sim::Time target);
  std::chrono::steady_clock::time_point real_time_of(int64_t due_us) const;

  boost::asio::io_context& io_;
  boost::asio::steady_timer timer_;
  const uint64_t seed_;
  const double time_scale_;
  std::chrono::steady_clock::time_point start_;
  int64_t origin_us_ = 0;  // the channel time the clock showed at start_
  sim::Time now_;
  sim::Time horizon_ = sim::Time::max();  // run_until's end: nothing later runs
  uint64_t next_sequence_ = 1;
  std::map<Key, sim::Callback> queue_;
  std::map<uint64_t, int64_t> due_of_;  // sequence (the TimerId) -> due time, for cancel
  std::optional<int64_t> armed_due_us_;
  reports::LogHistogram lateness_us_;
  bool running_ = false;  // a callback is on the stack
  bool replaying_ = false;
  // Handlers queued on the io_context check it before touching the runtime: the runtime may be
  // gone by the time they run.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace live
