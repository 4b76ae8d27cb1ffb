// The kernel suite, run against every event-queue implementation (typed tests).
#include "sim/simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "sim/random.h"

namespace sim {
namespace {

template <class Sim>
class SimulatorTest : public ::testing::Test {
 protected:
  Sim sim;
  std::vector<int> log;

  // Schedules an event at `at_us` that appends `tag` to the log.
  EventId at(int64_t at_us, int tag) {
    return sim.schedule_at(Time::from_us(at_us), [this, tag] { log.push_back(tag); });
  }
};

using Implementations = ::testing::Types<BasicSimulator<internal::BinaryHeapQueue>,
                                         BasicSimulator<internal::RadixHeapQueue>, Simulator>;
TYPED_TEST_SUITE(SimulatorTest, Implementations);

TYPED_TEST(SimulatorTest, StartsIdleAtEpoch) {
  EXPECT_EQ(this->sim.now(), Time::zero());
  EXPECT_EQ(this->sim.pending(), 0u);
  EXPECT_EQ(this->sim.next_event_time(), std::nullopt);
  EXPECT_FALSE(this->sim.run_next());
  EXPECT_EQ(this->sim.run_until_idle(), 0u);
}

TYPED_TEST(SimulatorTest, RunsInTimeOrder) {
  this->at(30, 3);
  this->at(10, 1);
  this->at(20, 2);
  EXPECT_EQ(this->sim.next_event_time(), Time::from_us(10));
  EXPECT_EQ(this->sim.run_until_idle(), 3u);
  EXPECT_EQ(this->log, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(this->sim.now(), Time::from_us(30));
  EXPECT_EQ(this->sim.events_processed(), 3u);
}

// A run sliced by an event budget runs the same events in the same order as one call, and stops
// with now() at its last event until the slice that finds nothing left before `end`.
TYPED_TEST(SimulatorTest, RunUntilWithAnEventBudgetRunsInSlices) {
  for (int i = 1; i <= 5; ++i) this->at(10 * i, i);
  this->at(100, 100);
  EXPECT_EQ(this->sim.run_until(Time::from_us(60), 2), 2u);
  EXPECT_EQ(this->sim.now(), Time::from_us(20));
  EXPECT_EQ(this->sim.run_until(Time::from_us(60), 2), 2u);
  EXPECT_EQ(this->sim.now(), Time::from_us(40));
  EXPECT_EQ(this->sim.run_until(Time::from_us(60), 2), 1u);
  EXPECT_EQ(this->sim.now(), Time::from_us(60));
  EXPECT_EQ(this->log, (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(this->sim.pending(), 1u);
}

TYPED_TEST(SimulatorTest, TiesRunInInsertionOrderInterleavedWithCancels) {
  std::vector<EventId> ids;
  std::vector<int> expected;
  for (int i = 0; i < 2000; ++i) ids.push_back(this->at(100, i));
  for (int i = 0; i < 2000; ++i) {
    if (i % 3 == 1) {
      EXPECT_TRUE(this->sim.cancel(ids[static_cast<size_t>(i)]));
    } else {
      expected.push_back(i);
    }
  }
  // Earlier and later events around the tie, scheduled afterwards.
  this->at(50, -1);
  this->at(150, -2);
  expected.insert(expected.begin(), -1);
  expected.push_back(-2);
  this->sim.run_until_idle();
  EXPECT_EQ(this->log, expected);
}

TYPED_TEST(SimulatorTest, TiesScheduledDuringRunAtSameTimeRunAfter) {
  // An event at now scheduled from a callback runs after the events already queued for now.
  this->sim.schedule_at(Time::from_us(5), [this] {
    this->log.push_back(1);
    this->sim.schedule_after(Duration::zero(), [this] { this->log.push_back(4); });
  });
  this->at(5, 2);
  this->at(5, 3);
  this->sim.run_until_idle();
  EXPECT_EQ(this->log, (std::vector<int>{1, 2, 3, 4}));
}

TYPED_TEST(SimulatorTest, MatchesSortedOrderOnRandomWorkload) {
  // Random times with many ties, random cancels, and events scheduled while running; the result
  // must equal a stable sort of the live events by time.
  RandomStream rng(99, 1, purpose("workload"));
  struct Planned {
    int64_t time_us;
    int tag;
  };
  std::vector<Planned> live;
  std::vector<EventId> ids;
  for (int i = 0; i < 20'000; ++i) {
    const int64_t t = static_cast<int64_t>(rng.below(500));
    ids.push_back(this->at(t, i));
    live.push_back({t, i});
  }
  std::vector<bool> cancelled(ids.size(), false);
  for (int i = 0; i < 12'000; ++i) {
    const size_t k = rng.below(ids.size());
    EXPECT_EQ(this->sim.cancel(ids[k]), !cancelled[k]);
    cancelled[k] = true;
  }
  std::erase_if(live, [&](const Planned& p) { return cancelled[static_cast<size_t>(p.tag)]; });
  EXPECT_EQ(this->sim.pending(), live.size());
  std::stable_sort(live.begin(), live.end(),
                   [](const Planned& a, const Planned& b) { return a.time_us < b.time_us; });
  std::vector<int> expected;
  for (const Planned& p : live) expected.push_back(p.tag);
  this->sim.run_until_idle();
  EXPECT_EQ(this->log, expected);
  EXPECT_EQ(this->sim.pending(), 0u);
}

TYPED_TEST(SimulatorTest, CancelSemantics) {
  const EventId a = this->at(10, 1);
  const EventId b = this->at(20, 2);
  EXPECT_FALSE(this->sim.cancel(EventId{}));
  EXPECT_FALSE(this->sim.cancel(EventId{0xdead'0000'0000'beefULL}));  // foreign id
  EXPECT_TRUE(this->sim.cancel(b));
  EXPECT_FALSE(this->sim.cancel(b));  // double cancel
  EXPECT_EQ(this->sim.pending(), 1u);
  this->sim.run_until_idle();
  EXPECT_FALSE(this->sim.cancel(a));  // already ran
  EXPECT_EQ(this->log, (std::vector<int>{1}));
}

TYPED_TEST(SimulatorTest, StaleIdNeverCancelsReusedSlot) {
  const EventId old_id = this->at(10, 1);
  EXPECT_TRUE(this->sim.cancel(old_id));
  // The freed slot is reused by the next event; the old id must not reach it.
  const EventId new_id = this->at(10, 2);
  EXPECT_NE(old_id, new_id);
  EXPECT_FALSE(this->sim.cancel(old_id));
  this->sim.run_until_idle();
  EXPECT_EQ(this->log, (std::vector<int>{2}));
  // Same after the slot's event ran.
  const EventId ran_id = new_id;
  this->at(20, 3);
  EXPECT_FALSE(this->sim.cancel(ran_id));
  this->sim.run_until_idle();
  EXPECT_EQ(this->log, (std::vector<int>{2, 3}));
}

TYPED_TEST(SimulatorTest, CancelFromInsideCallbacks) {
  EventId self;
  EventId victim;
  bool self_cancel_result = true;
  self = this->sim.schedule_at(Time::from_us(10), [&] {
    self_cancel_result = this->sim.cancel(self);  // running: no longer pending
    EXPECT_TRUE(this->sim.cancel(victim));
    this->log.push_back(1);
  });
  victim = this->at(20, 2);
  this->at(30, 3);
  this->sim.run_until_idle();
  EXPECT_FALSE(self_cancel_result);
  EXPECT_EQ(this->log, (std::vector<int>{1, 3}));
}

TYPED_TEST(SimulatorTest, CancelledCallbackIsDestroyedAtOnce) {
  auto token = std::make_shared<int>(0);
  const EventId id = this->sim.schedule_after(Duration::seconds(1), [token] {});
  EXPECT_EQ(token.use_count(), 2);
  this->sim.cancel(id);
  EXPECT_EQ(token.use_count(), 1);
  // And a callback that ran is destroyed right after running.
  this->sim.schedule_after(Duration::seconds(1), [token] {});
  this->sim.run_until_idle();
  EXPECT_EQ(token.use_count(), 1);
}

TYPED_TEST(SimulatorTest, ClearDestroysEveryPendingCallbackWithoutRunningIt) {
  auto token = std::make_shared<int>(0);
  for (int i = 0; i < 3000; ++i) {  // more than one slab chunk, some cancelled
    const EventId id = this->sim.schedule_after(Duration::seconds(1 + i % 7),
                                                [this, token] { this->log.push_back(-1); });
    if (i % 5 == 0) this->sim.cancel(id);
  }
  EXPECT_EQ(token.use_count(), 1 + 2400);
  this->sim.clear();
  EXPECT_EQ(token.use_count(), 1);
  EXPECT_EQ(this->sim.pending(), 0u);
  EXPECT_EQ(this->sim.queued_keys(), 0u);
  EXPECT_FALSE(this->sim.next_event_time().has_value());
  // The kernel goes on as before: the clock is kept and new events run.
  this->at(5, 1);
  EXPECT_EQ(this->sim.run_until_idle(), 1u);
  EXPECT_EQ(this->log, (std::vector<int>{1}));
}

TYPED_TEST(SimulatorTest, RunUntilSemantics) {
  this->at(10, 1);
  this->at(20, 2);  // exactly at end: runs
  this->at(21, 3);  // after end: stays
  EXPECT_EQ(this->sim.run_until(Time::from_us(20)), 2u);
  EXPECT_EQ(this->log, (std::vector<int>{1, 2}));
  EXPECT_EQ(this->sim.now(), Time::from_us(20));
  EXPECT_EQ(this->sim.pending(), 1u);
  // Advances to end even when nothing runs.
  this->sim.schedule_at(Time::from_us(1000), [] {});
  EXPECT_EQ(this->sim.run_until(Time::from_us(20)), 0u);
  EXPECT_EQ(this->sim.run_until(Time::from_us(500)), 1u);
  EXPECT_EQ(this->sim.now(), Time::from_us(500));
  EXPECT_EQ(this->log, (std::vector<int>{1, 2, 3}));
  // Events scheduled during the run at or before end also run.
  this->sim.schedule_at(Time::from_us(600), [this] {
    this->sim.schedule_after(Duration::micros(100), [this] { this->log.push_back(4); });
    this->sim.schedule_after(Duration::micros(101), [this] { this->log.push_back(5); });
  });
  EXPECT_EQ(this->sim.run_until(Time::from_us(700)), 2u);
  EXPECT_EQ(this->log, (std::vector<int>{1, 2, 3, 4}));
  // Time::max() runs everything but leaves now() at the last event.
  this->sim.run_until(Time::max());
  EXPECT_EQ(this->sim.now(), Time::from_us(1000));
  EXPECT_EQ(this->sim.pending(), 0u);
}

TYPED_TEST(SimulatorTest, ScheduleIntoTheGapAfterPeeking) {
  // Regression: run_until and next_event_time look at the next event without running it; events
  // then scheduled between now() and that event, including ties, must still run first and in order.
  this->at(1'000, 9);
  EXPECT_EQ(this->sim.next_event_time(), Time::from_us(1'000));
  this->sim.run_until(Time::from_us(100));
  this->at(500, 1);
  this->at(200, 0);
  this->at(500, 2);
  this->at(1'000, 10);
  this->sim.run_until(Time::from_us(300));
  this->at(500, 3);
  this->sim.run_until_idle();
  EXPECT_EQ(this->log, (std::vector<int>{0, 1, 2, 3, 9, 10}));
}

TYPED_TEST(SimulatorTest, RunEventsAndRunNext) {
  for (int i = 0; i < 5; ++i) this->at(i, i);
  EXPECT_EQ(this->sim.run_events(2), 2u);
  EXPECT_EQ(this->sim.now(), Time::from_us(1));
  EXPECT_TRUE(this->sim.run_next());
  EXPECT_EQ(this->sim.run_events(10), 2u);
  EXPECT_FALSE(this->sim.run_next());
  EXPECT_EQ(this->log, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(this->sim.events_processed(), 5u);
}

TYPED_TEST(SimulatorTest, StopEndsTheCurrentRunAfterThisEvent) {
  this->at(1, 1);
  this->sim.schedule_at(Time::from_us(2), [this] {
    this->log.push_back(2);
    this->sim.stop();
  });
  this->at(2, 3);
  this->at(3, 4);
  EXPECT_EQ(this->sim.run_until_idle(), 2u);
  EXPECT_EQ(this->log, (std::vector<int>{1, 2}));
  EXPECT_EQ(this->sim.pending(), 2u);
  // A stopped run_until does not jump to end.
  this->sim.schedule_at(Time::from_us(2), [this] { this->sim.stop(); });
  EXPECT_EQ(this->sim.run_until(Time::from_us(100)), 2u);
  EXPECT_EQ(this->sim.now(), Time::from_us(2));
  // The next run is not affected.
  EXPECT_EQ(this->sim.run_until(Time::from_us(100)), 1u);
  EXPECT_EQ(this->log, (std::vector<int>{1, 2, 3, 4}));
  this->at(200, 5);
  this->sim.schedule_at(Time::from_us(150), [this] { this->sim.stop(); });
  EXPECT_EQ(this->sim.run_events(10), 1u);
  EXPECT_EQ(this->sim.pending(), 1u);
}

TYPED_TEST(SimulatorTest, PendingAndNextEventTimeIgnoreCancelled) {
  const EventId a = this->at(5, 1);
  this->at(9, 2);
  EXPECT_EQ(this->sim.pending(), 2u);
  this->sim.cancel(a);
  EXPECT_EQ(this->sim.pending(), 1u);
  EXPECT_EQ(this->sim.next_event_time(), Time::from_us(9));
}

TYPED_TEST(SimulatorTest, MemoryFollowsPendingNotHistory) {
  // A self-rescheduling event runs many times; queue and slots stay tiny.
  int remaining = 100'000;
  struct Tick {
    TypeParam* sim;
    int* remaining;
    void operator()() const {
      if (--*remaining > 0) sim->schedule_after(Duration::micros(7), Tick{sim, remaining});
    }
  };
  this->sim.schedule_after(Duration::zero(), Tick{&this->sim, &remaining});
  EXPECT_EQ(this->sim.run_until_idle(), 100'000u);
  EXPECT_LE(this->sim.queued_keys(), 1u);
  // Mass cancellation compacts the queue: dead keys never dominate.
  std::vector<EventId> ids;
  for (int i = 0; i < 50'000; ++i) ids.push_back(this->at(1'000'000 + i, i));
  for (int i = 0; i < 50'000; ++i) {
    if (i % 10 != 0) this->sim.cancel(ids[static_cast<size_t>(i)]);
  }
  EXPECT_EQ(this->sim.pending(), 5'000u);
  EXPECT_LE(this->sim.queued_keys(), 2 * 5'000u + 1'024u);
  this->log.clear();
  this->sim.run_until_idle();
  ASSERT_EQ(this->log.size(), 5'000u);
  for (size_t i = 0; i < this->log.size(); ++i) EXPECT_EQ(this->log[i], static_cast<int>(i * 10));
}

TYPED_TEST(SimulatorTest, SameProgramSameTrace) {
  auto trace = [] {
    TypeParam sim;
    std::vector<int64_t> times;
    RandomStream rng(5, 0, purpose("trace"));
    std::vector<RandomStream> streams;
    for (int i = 0; i < 100; ++i) {
      struct Hop {
        TypeParam* sim;
        std::vector<int64_t>* times;
        RandomStream rng;
        int left;
        void operator()() {
          times->push_back(sim->now().us());
          if (--left > 0) {
            sim->schedule_after(Duration::micros(static_cast<int64_t>(rng.below(1000))), *this);
          }
        }
      };
      sim.schedule_after(Duration::micros(static_cast<int64_t>(rng.below(100))),
                         Hop{&sim, &times, RandomStream(5, static_cast<uint64_t>(i), 1), 50});
    }
    sim.run_until_idle();
    return times;
  };
  const auto first = trace();
  EXPECT_EQ(first.size(), 5'000u);
  EXPECT_EQ(trace(), first);
}

}  // namespace
}  // namespace sim
