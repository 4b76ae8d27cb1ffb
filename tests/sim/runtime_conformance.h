// The sim::Runtime conformance suite: what every runtime must do, whatever drives its clock
// (STYLE.md "Tests": one suite, many implementations, as ns-3's simulator-test-suite.cc runs one
// set of cases against every scheduler). The points tested are the contract written at the top of
// sim/runtime.h; the payment model relies on each of them.
//
// The suite knows nothing of how a runtime advances time. Each runtime supplies an adapter (the
// RuntimeAdapter concept below) that owns the runtime and can drive it, and instantiates the suite
// with one line in its own test file:
//
//   #include "tests/sim/runtime_conformance.h"
//   INSTANTIATE_TYPED_TEST_SUITE_P(Simulated, RuntimeConformance, SimulatedRuntimeAdapter);
//
// A real-time runtime implements run_until/run_until_idle by running its io_context (with a time
// scale, so the suite's tens of milliseconds pass quickly). Every test schedules relative to the
// runtime's now() at the start, never assumes now() starts at zero, and finishes by itself: no
// test leaves a callback that schedules forever.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "sim/random.h"
#include "sim/runtime.h"
#include "sim/time.h"

namespace sim::conformance {

// What the suite needs from a runtime under test. The adapter owns the runtime (and whatever
// drives it); destroying the adapter destroys the runtime and every callback still pending.
template <class A>
concept RuntimeAdapter = std::constructible_from<A, uint64_t /*seed*/> &&
    requires(A adapter, const Time end) {
  { adapter.runtime() } -> std::same_as<Runtime&>;
  // Runs callbacks until none is pending.
  adapter.run_until_idle();
  // Runs every callback due at or before `end`, including those
  // scheduled meanwhile; later ones stay pending.
  adapter.run_until(end);
  // Destroys every pending callback without running it; the runtime stays usable. An owner calls
  // it first in its destructor, while whatever the callbacks' captures point at still lives.
  adapter.clear();
};

// A capture that counts how often what it owns is released: a moved-from Owned owns nothing, so
// moving the callback around inside the runtime does not count.
class Owned {
 public:
  explicit Owned(int& releases) : releases_(&releases) {}
  Owned(Owned&& other) noexcept : releases_(std::exchange(other.releases_, nullptr)) {}
  Owned& operator=(Owned&&) = delete;
  ~Owned() {
    if (releases_ != nullptr) ++*releases_;
  }

 private:
  int* releases_;
};

// The two ways sim::Callback stores a callable: inline, and on the heap when it is large.
inline auto small_owner(int& releases) {
  return [owned = Owned(releases)] {};
}
inline auto large_owner(int& releases) {
  return [owned = Owned(releases), padding = std::array<uint64_t, 8>{}] { (void)padding; };
}
static_assert(Callback::stores_inline<decltype(small_owner(std::declval<int&>()))>());
static_assert(!Callback::stores_inline<decltype(large_owner(std::declval<int&>()))>());

inline Duration ms(int64_t count) { return Duration::millis(count); }

template <RuntimeAdapter Adapter>
class RuntimeConformance : public ::testing::Test {
 protected:
  static constexpr uint64_t kSeed = 20240613;

  RuntimeConformance() : start(rt().now()) {}

  Runtime& rt() { return adapter.runtime(); }
  // Schedules a callback `delay` from now that appends `tag` to the log.
  TimerId log_after(Duration delay, int tag) {
    return rt().schedule_after(delay, [this, tag] { log.push_back(tag); });
  }

  Adapter adapter{kSeed};
  const Time start;  // now() when the test began
  std::vector<int> log;
};

TYPED_TEST_SUITE_P(RuntimeConformance);

TYPED_TEST_P(RuntimeConformance, CallbacksRunInTimeOrder) {
  std::vector<Time> seen;
  for (const int delay_ms : {30, 10, 50, 20, 0, 40}) {
    this->rt().schedule_after(ms(delay_ms), [this, delay_ms, &seen] {
      this->log.push_back(delay_ms);
      seen.push_back(this->rt().now());
    });
  }
  this->adapter.run_until_idle();
  EXPECT_EQ(this->log, (std::vector<int>{0, 10, 20, 30, 40, 50}));
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end())) << "now() went back";
}

TYPED_TEST_P(RuntimeConformance, TiesRunInSchedulingOrder) {
  for (int tag = 0; tag < 100; ++tag) this->log_after(ms(10), tag);
  this->log_after(ms(5), -1);
  this->log_after(ms(15), -2);
  this->adapter.run_until_idle();
  std::vector<int> expected = {-1};
  for (int tag = 0; tag < 100; ++tag) expected.push_back(tag);
  expected.push_back(-2);
  EXPECT_EQ(this->log, expected);
}

// A tie scheduled from a callback takes its place after everything already scheduled for that
// time, from outside or from an earlier callback.
TYPED_TEST_P(RuntimeConformance, TiesScheduledFromACallbackRunInSchedulingOrder) {
  this->rt().schedule_after(ms(10), [this] {
    this->log.push_back(1);
    this->log_after(ms(5), 3);  // due at 15, after 2 which was scheduled first
    this->log_after(ms(5), 4);
  });
  this->log_after(ms(15), 2);
  this->rt().schedule_after(ms(12), [this] {
    this->log_after(ms(3), 5);  // due at 15 too, scheduled last
  });
  this->adapter.run_until_idle();
  EXPECT_EQ(this->log, (std::vector<int>{1, 2, 3, 4, 5}));
}

TYPED_TEST_P(RuntimeConformance, ZeroDelayRunsAfterTheCurrentAndAlreadyDueCallbacks) {
  this->rt().schedule_after(ms(10), [this] {
    this->log.push_back(1);
    this->rt().schedule_after(Duration::zero(), [this] {
      this->log.push_back(4);
      this->log_after(Duration::zero(), 6);  // after 5, scheduled before it ran
    });
    this->log_after(Duration::zero(), 5);
    this->log.push_back(2);  // the current callback finishes first
  });
  this->log_after(ms(10), 3);
  this->log_after(ms(11), 7);
  // Scheduling never runs a callback on the caller's stack, even with no delay.
  this->log_after(Duration::zero(), 0);
  EXPECT_TRUE(this->log.empty());
  this->adapter.run_until_idle();
  EXPECT_EQ(this->log, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TYPED_TEST_P(RuntimeConformance, NowInsideACallbackIsItsDueTime) {
  Runtime& rt = this->rt();
  std::vector<std::pair<Time, Time>> due_and_now;
  for (const int delay_ms : {0, 7, 7, 20}) {
    const Time due = this->start + ms(delay_ms);
    rt.schedule_after(ms(delay_ms), [&rt, &due_and_now, due] {
      due_and_now.emplace_back(due, rt.now());
      // And for a callback scheduled from this one, relative to this one's time.
      const Time nested_due = rt.now() + ms(3);
      rt.schedule_after(ms(3), [&rt, &due_and_now, nested_due] {
        due_and_now.emplace_back(nested_due, rt.now());
      });
    });
  }
  this->adapter.run_until_idle();
  ASSERT_EQ(due_and_now.size(), 8u);
  for (const auto& [due, now] : due_and_now) EXPECT_EQ(now, due);
}

TYPED_TEST_P(RuntimeConformance, CancelBeforeFiringMeansItNeverRuns) {
  this->log_after(ms(5), 1);
  const TimerId cancelled = this->log_after(ms(10), 2);
  this->log_after(ms(15), 3);
  EXPECT_TRUE(this->rt().cancel(cancelled));
  this->adapter.run_until_idle();
  EXPECT_EQ(this->log, (std::vector<int>{1, 3}));
}

TYPED_TEST_P(RuntimeConformance, CancelTwiceIsTrueThenFalse) {
  int releases = 0;
  const TimerId id = this->rt().schedule_after(ms(10), small_owner(releases));
  EXPECT_TRUE(this->rt().cancel(id));
  EXPECT_FALSE(this->rt().cancel(id));
  this->adapter.run_until_idle();
  EXPECT_FALSE(this->rt().cancel(id));
  EXPECT_EQ(releases, 1);
}

TYPED_TEST_P(RuntimeConformance, CancelAfterFiringIsFalse) {
  const TimerId first = this->log_after(ms(5), 1);
  bool cancelled_from_later_callback = true;
  this->rt().schedule_after(ms(10), [this, first, &cancelled_from_later_callback] {
    cancelled_from_later_callback = this->rt().cancel(first);
  });
  const TimerId tie = this->log_after(ms(10), 2);
  this->adapter.run_until_idle();
  EXPECT_FALSE(cancelled_from_later_callback);
  EXPECT_FALSE(this->rt().cancel(first));
  EXPECT_FALSE(this->rt().cancel(tie));
  EXPECT_EQ(this->log, (std::vector<int>{1, 2}));
}

TYPED_TEST_P(RuntimeConformance, CancellingItselfWhileRunningIsANoOp) {
  int releases = 0;
  int releases_seen_after_cancel = -1;
  bool cancelled = true;
  TimerId self;
  self = this->rt().schedule_after(ms(10), [this, &self, &cancelled, &releases,
                                            &releases_seen_after_cancel, owned = Owned(releases)] {
    cancelled = this->rt().cancel(self);
    // The running callback's captures are still alive: cancel did not destroy it.
    releases_seen_after_cancel = releases;
    this->log.push_back(1);
  });
  this->log_after(ms(20), 2);
  this->adapter.run_until_idle();
  EXPECT_FALSE(cancelled);
  EXPECT_EQ(releases_seen_after_cancel, 0);
  EXPECT_EQ(releases, 1);
  EXPECT_EQ(this->log, (std::vector<int>{1, 2}));
}

TYPED_TEST_P(RuntimeConformance, ACallbackCanCancelAnotherDueAtTheSameTime) {
  TimerId victim;
  bool cancelled = false;
  this->rt().schedule_after(ms(10), [this, &victim, &cancelled] {
    this->log.push_back(1);
    cancelled = this->rt().cancel(victim);
  });
  victim = this->log_after(ms(10), 2);
  this->log_after(ms(10), 3);
  this->adapter.run_until_idle();
  EXPECT_TRUE(cancelled);
  EXPECT_EQ(this->log, (std::vector<int>{1, 3}));
  EXPECT_FALSE(this->rt().cancel(victim));
}

TYPED_TEST_P(RuntimeConformance, TheEmptyIdCancelsNothing) {
  this->log_after(ms(1), 1);
  EXPECT_FALSE(TimerId{}.valid());
  EXPECT_FALSE(this->rt().cancel(TimerId{}));
  this->adapter.run_until_idle();
  EXPECT_EQ(this->log, (std::vector<int>{1}));
}

TYPED_TEST_P(RuntimeConformance, TimerIdsAreValidAndUnique) {
  Runtime& rt = this->rt();
  std::set<uint64_t> ids;
  size_t scheduled = 0;
  auto remember = [&](TimerId id) {
    EXPECT_TRUE(id.valid());
    ids.insert(id.value);
    ++scheduled;
    return id;
  };
  // Rounds of scheduling, cancelling and running, so that storage freed by earlier timers is
  // reused by later ones, with ids minted from inside callbacks too.
  for (int round = 0; round < 4; ++round) {
    std::vector<TimerId> round_ids;
    for (int i = 0; i < 200; ++i) {
      round_ids.push_back(remember(rt.schedule_after(
          ms(1 + i % 7), [&rt, &remember] { remember(rt.schedule_after(ms(1), [] {})); })));
    }
    for (size_t i = 0; i < round_ids.size(); i += 3) EXPECT_TRUE(rt.cancel(round_ids[i]));
    this->adapter.run_until_idle();
  }
  EXPECT_EQ(ids.size(), scheduled) << "an id was handed out twice";
}

// An id kept after its timer ran or was cancelled must not cancel a later timer, even one that
// the runtime stores where the old one was (SimRuntime reuses the slot; see event_id.h).
TYPED_TEST_P(RuntimeConformance, AStaleIdNeverCancelsANewerTimer) {
  Runtime& rt = this->rt();
  const TimerId fired = this->log_after(ms(1), 1);
  this->adapter.run_until_idle();
  const TimerId after_fired = this->log_after(ms(1), 2);
  EXPECT_NE(after_fired, fired);
  EXPECT_FALSE(rt.cancel(fired));

  const TimerId cancelled = this->log_after(ms(1), -1);
  EXPECT_TRUE(rt.cancel(cancelled));
  const TimerId after_cancelled = this->log_after(ms(1), 3);
  EXPECT_NE(after_cancelled, cancelled);
  EXPECT_NE(after_cancelled, after_fired);
  EXPECT_FALSE(rt.cancel(cancelled));

  this->adapter.run_until_idle();
  EXPECT_EQ(this->log, (std::vector<int>{1, 2, 3}));
}

TYPED_TEST_P(RuntimeConformance, CallbacksScheduleMoreCallbacks) {
  Runtime& rt = this->rt();
  // A chain of 100 links, each 1 ms after the last, and a binary tree 6 levels deep.
  int links = 0;
  std::function<void()> link = [&] {
    if (++links < 100) rt.schedule_after(ms(1), [&] { link(); });
  };
  rt.schedule_after(ms(1), [&] { link(); });
  int nodes = 0;
  std::function<void(int)> node = [&](int depth) {
    ++nodes;
    if (depth == 6) return;
    for (int child = 0; child < 2; ++child) {
      rt.schedule_after(ms(depth), [&node, depth] { node(depth + 1); });
    }
  };
  rt.schedule_after(Duration::zero(), [&] { node(0); });
  this->adapter.run_until_idle();
  EXPECT_EQ(links, 100);
  EXPECT_EQ(nodes, 127);
  EXPECT_GE(rt.now(), this->start + ms(100));
}

TYPED_TEST_P(RuntimeConformance, CallbacksDueAfterTheEndStayPending) {
  this->log_after(ms(10), 1);
  this->rt().schedule_after(ms(20), [this] {
    this->log.push_back(2);
    this->log_after(Duration::zero(), 3);  // due at the end: runs in this call too
    this->log_after(ms(1), 5);
  });
  const TimerId later = this->log_after(ms(30), 4);
  this->adapter.run_until(this->start + ms(20));
  EXPECT_EQ(this->log, (std::vector<int>{1, 2, 3}));
  EXPECT_TRUE(this->rt().cancel(later)) << "a callback due after the end ran or was dropped";
  this->adapter.run_until_idle();
  EXPECT_EQ(this->log, (std::vector<int>{1, 2, 3, 5}));
}

// What a callback owns is released after it runs and before the next callback runs, once.
TYPED_TEST_P(RuntimeConformance, ARunCallbackIsReleasedOnceRightAfterItRuns) {
  int small = 0, large = 0;
  std::vector<std::pair<int, int>> seen;
  this->rt().schedule_after(ms(10), small_owner(small));
  this->rt().schedule_after(ms(10), large_owner(large));
  this->rt().schedule_after(ms(10), [&] { seen.emplace_back(small, large); });
  this->adapter.run_until_idle();
  EXPECT_EQ(seen, (std::vector<std::pair<int, int>>{{1, 1}}));
  EXPECT_EQ(small, 1);
  EXPECT_EQ(large, 1);
}

// The model relies on this: cancelling a timer that holds an order's activity lets the order
// retire at once.
TYPED_TEST_P(RuntimeConformance, ACancelledCallbackIsReleasedOnceInsideCancel) {
  int small = 0, large = 0;
  const TimerId small_id = this->rt().schedule_after(ms(10), small_owner(small));
  const TimerId large_id = this->rt().schedule_after(ms(10), large_owner(large));
  EXPECT_EQ(small + large, 0);
  EXPECT_TRUE(this->rt().cancel(small_id));
  EXPECT_EQ(small, 1);
  EXPECT_TRUE(this->rt().cancel(large_id));
  EXPECT_EQ(large, 1);
  this->adapter.run_until_idle();
  EXPECT_FALSE(this->rt().cancel(small_id));
  EXPECT_EQ(small, 1);
  EXPECT_EQ(large, 1);
}

TYPED_TEST_P(RuntimeConformance, PendingCallbacksAreReleasedOnceAtShutdown) {
  int ran = 0, cancelled = 0, never_ran_small = 0, never_ran_large = 0;
  {
    auto other = std::make_unique<TypeParam>(TestFixture::kSeed);
    Runtime& rt = other->runtime();
    rt.schedule_after(ms(1), small_owner(ran));
    EXPECT_TRUE(rt.cancel(rt.schedule_after(ms(1), large_owner(cancelled))));
    other->run_until_idle();
    for (int i = 0; i < 10; ++i) {
      rt.schedule_after(ms(10 + i), small_owner(never_ran_small));
      rt.schedule_after(ms(10 + i), large_owner(never_ran_large));
    }
    EXPECT_EQ(never_ran_small + never_ran_large, 0);
  }  // destroys the runtime with twenty callbacks pending
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(cancelled, 1);
  EXPECT_EQ(never_ran_small, 10);
  EXPECT_EQ(never_ran_large, 10);
}

// The shutdown above destroys what is pending after everything declared later is gone; an owner
// whose callbacks hold on to its components clears first (World, SutServer, LiveRun).
TYPED_TEST_P(RuntimeConformance, ClearReleasesEveryPendingCallbackWithoutRunningIt) {
  int ran = 0, small = 0, large = 0;
  std::vector<TimerId> ids;
  for (int i = 0; i < 10; ++i) {
    ids.push_back(this->rt().schedule_after(ms(10 + i), small_owner(small)));
    ids.push_back(this->rt().schedule_after(ms(10 + i), large_owner(large)));
    this->rt().schedule_after(ms(10 + i), [&ran] { ++ran; });
  }
  EXPECT_TRUE(this->rt().cancel(ids[4]));
  // A callback whose destructor calls back into the runtime (a released hold cancels a timer):
  // each callback is still released exactly once.
  int found_pending = 0;
  struct Canceller {
    Runtime* rt;
    TimerId other;
    int* found;
    Canceller(Runtime& r, TimerId o, int& f) : rt(&r), other(o), found(&f) {}
    Canceller(Canceller&& c) noexcept
        : rt(std::exchange(c.rt, nullptr)), other(c.other), found(c.found) {}
    Canceller& operator=(Canceller&&) = delete;
    ~Canceller() {
      if (rt != nullptr && rt->cancel(other)) ++*found;
    }
  };
  this->rt().schedule_after(ms(5), [c = Canceller(this->rt(), ids[0], found_pending)] {});
  this->adapter.clear();
  EXPECT_EQ(ran, 0);
  EXPECT_EQ(small, 10);
  EXPECT_EQ(large, 10);
  EXPECT_LE(found_pending, 1);
  for (const TimerId id : ids) EXPECT_FALSE(this->rt().cancel(id));
  this->adapter.run_until_idle();
  EXPECT_EQ(ran, 0);
  // The runtime goes on as before.
  this->log_after(ms(1), 1);
  this->adapter.run_until_idle();
  EXPECT_EQ(this->log, std::vector<int>{1});
}

TYPED_TEST_P(RuntimeConformance, RandomStreamsAreKeyedBySeedEntityPurposeAndIndex) {
  auto draws = [](RandomStream stream) {
    std::vector<uint64_t> out;
    for (int i = 0; i < 8; ++i) out.push_back(stream.next_u64());
    return out;
  };
  Runtime& rt = this->rt();
  const uint64_t p = purpose("conformance.test");
  EXPECT_EQ(rt.seed(), TestFixture::kSeed);
  const std::vector<uint64_t> expected = draws(RandomStream(TestFixture::kSeed, 7, p, 2));
  EXPECT_EQ(draws(rt.random(7, p, 2)), expected);
  EXPECT_EQ(draws(rt.random(7, p, 2)), expected) << "a second stream with the same keys differs";
  EXPECT_EQ(draws(rt.random(7, p)), draws(rt.random(7, p, 0)));
  EXPECT_NE(draws(rt.random(7, p, 3)), expected);
  EXPECT_NE(draws(rt.random(8, p, 2)), expected);
  EXPECT_NE(draws(rt.random(7, purpose("conformance.other"), 2)), expected);

  // The same keys give the same stream later in the run and in another runtime with the seed.
  std::vector<uint64_t> inside_callback;
  rt.schedule_after(ms(5), [&] { inside_callback = draws(rt.random(7, p, 2)); });
  this->adapter.run_until_idle();
  EXPECT_EQ(inside_callback, expected);
  TypeParam same_seed(TestFixture::kSeed);
  EXPECT_EQ(same_seed.runtime().seed(), TestFixture::kSeed);
  EXPECT_EQ(draws(same_seed.runtime().random(7, p, 2)), expected);
  TypeParam other_seed(TestFixture::kSeed + 1);
  EXPECT_NE(draws(other_seed.runtime().random(7, p, 2)), expected);
}

REGISTER_TYPED_TEST_SUITE_P(
    RuntimeConformance, CallbacksRunInTimeOrder, TiesRunInSchedulingOrder,
    TiesScheduledFromACallbackRunInSchedulingOrder,
    ZeroDelayRunsAfterTheCurrentAndAlreadyDueCallbacks, NowInsideACallbackIsItsDueTime,
    CancelBeforeFiringMeansItNeverRuns, CancelTwiceIsTrueThenFalse, CancelAfterFiringIsFalse,
    CancellingItselfWhileRunningIsANoOp, ACallbackCanCancelAnotherDueAtTheSameTime,
    TheEmptyIdCancelsNothing, TimerIdsAreValidAndUnique, AStaleIdNeverCancelsANewerTimer,
    CallbacksScheduleMoreCallbacks, CallbacksDueAfterTheEndStayPending,
    ARunCallbackIsReleasedOnceRightAfterItRuns, ACancelledCallbackIsReleasedOnceInsideCancel,
    PendingCallbacksAreReleasedOnceAtShutdown, ClearReleasesEveryPendingCallbackWithoutRunningIt,
    RandomStreamsAreKeyedBySeedEntityPurposeAndIndex);

}  // namespace sim::conformance
