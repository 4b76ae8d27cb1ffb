#include "sim/callback.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>

namespace sim {
namespace {

TEST(CallbackTest, EmptyByDefault) {
  Callback cb;
  EXPECT_FALSE(cb);
}

TEST(CallbackTest, RunsSmallLambdaInline) {
  int calls = 0;
  Callback cb = [&calls] { ++calls; };
  ASSERT_TRUE(cb);
  cb();
  cb();
  EXPECT_EQ(calls, 2);
}

TEST(CallbackTest, HoldsMoveOnlyAndNonTrivialCallables) {
  auto owned = std::make_unique<int>(41);
  int seen = 0;
  Callback cb = [p = std::move(owned), &seen] { seen = ++*p; };
  Callback moved = std::move(cb);
  EXPECT_FALSE(cb);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  moved();
  EXPECT_EQ(seen, 42);
}

TEST(CallbackTest, FortyEightByteCaptureFitsInline) {
  std::array<int64_t, 6> payload{1, 2, 3, 4, 5, 6};
  int64_t sum = 0;
  auto fn = [payload, &sum] {
    for (int64_t v : payload) sum += v;
  };
  static_assert(sizeof(fn) >= 48);
  Callback cb = fn;
  cb();
  EXPECT_EQ(sum, 21);
}

TEST(CallbackTest, LargeCallableFallsBackToHeapAndIsDestroyed) {
  auto tracker = std::make_shared<int>(0);
  std::array<char, 200> big{};
  big[0] = 'x';
  {
    Callback cb = [tracker, big] { *tracker += big[0]; };
    EXPECT_EQ(tracker.use_count(), 2);
    Callback other = std::move(cb);
    other();
    EXPECT_EQ(*tracker, 'x');
    EXPECT_EQ(tracker.use_count(), 2);
  }
  EXPECT_EQ(tracker.use_count(), 1);
}

TEST(CallbackTest, MoveAssignDestroysPreviousCallable) {
  auto first = std::make_shared<int>(0);
  auto second = std::make_shared<int>(0);
  Callback cb = [first] {};
  cb = Callback([second] {});
  EXPECT_EQ(first.use_count(), 1);
  EXPECT_EQ(second.use_count(), 2);
  cb.reset();
  EXPECT_FALSE(cb);
  EXPECT_EQ(second.use_count(), 1);
}

TEST(CallbackTest, ConvertsFromFunctionPointer) {
  static int calls = 0;
  Callback cb = +[] { ++calls; };
  cb();
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace sim
