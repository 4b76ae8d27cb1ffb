// CallTracker: the debug-build check of "exactly one reply per call" (contracts/ids.h).
#include "contracts/call_tracker.h"

#include <gtest/gtest.h>

namespace contracts {
namespace {

TEST(CallTracker, CountsCallsInFlightAcrossAnyReplyOrder) {
  CallTracker tracker;
  for (CallId id = 1; id <= 1000; ++id) tracker.called(id);
  // Answer the even ids first, then the odd ones backwards: the window must follow.
  for (CallId id = 2; id <= 1000; id += 2) tracker.answered(id);
  EXPECT_EQ(tracker.in_flight(), 500u);
  for (int id = 999; id >= 1; id -= 2) tracker.answered(static_cast<CallId>(id));
  EXPECT_EQ(tracker.in_flight(), 0u);
  tracker.called(5000);  // ids may jump
  tracker.answered(5000);
  EXPECT_EQ(tracker.in_flight(), 0u);
}

TEST(CallTracker, ALongRunningCallKeepsItsPlaceWhileOthersComeAndGo) {
  CallTracker tracker;
  tracker.called(1);
  for (CallId id = 2; id < 100'000; ++id) {
    tracker.called(id);
    tracker.answered(id);
  }
  EXPECT_EQ(tracker.in_flight(), 1u);
  tracker.answered(1);
  EXPECT_EQ(tracker.in_flight(), 0u);
}

TEST(CallTracker, ForgetsTheCallsOfAPreviousIncarnation) {
  CallTracker tracker;
  tracker.called(1);
  tracker.called(2);
  tracker.forget();  // a crash: replies to 1 and 2 may still arrive, or never
  EXPECT_EQ(tracker.in_flight(), 0u);
  tracker.called(3);
  tracker.answered(2);  // a late reply to the old incarnation: not checked
  EXPECT_EQ(tracker.in_flight(), 1u);
  tracker.answered(3);
  EXPECT_EQ(tracker.in_flight(), 0u);
}

#ifndef NDEBUG
TEST(CallTrackerDeathTest, AfterForgettingNewCallsAreStillChecked) {
  CallTracker tracker;
  tracker.called(1);
  tracker.forget();
  tracker.called(2);
  tracker.answered(2);
  EXPECT_DEATH(tracker.answered(2), "not in flight");
}

TEST(CallTrackerDeathTest, ASecondReplyIsCaught) {
  CallTracker tracker;
  tracker.called(1);
  tracker.answered(1);
  EXPECT_DEATH(tracker.answered(1), "not in flight");
}

TEST(CallTrackerDeathTest, AReplyNeverAskedForIsCaught) {
  CallTracker tracker;
  tracker.called(1);
  EXPECT_DEATH(tracker.answered(2), "not in flight");
}

TEST(CallTrackerDeathTest, AnIdUsedTwiceIsCaught) {
  CallTracker tracker;
  tracker.called(3);
  EXPECT_DEATH(tracker.called(3), "used twice");
}
#endif

}  // namespace
}  // namespace contracts
