// InlineVector against std::vector: inline up to N, spilled beyond, across copies and moves
// (also the moves sim::IdMap makes when it grows, shrinks and back-shifts on erase).
#include "sim/inline_vector.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "sim/id_map.h"

namespace sim {
namespace {

struct Money {
  uint64_t payment = 0;
  int64_t charged_minor = 0;
};

template <class T, size_t N>
std::vector<T> to_vector(const InlineVector<T, N>& v) {
  return std::vector<T>(v.begin(), v.end());
}

TEST(InlineVectorTest, EmptyByDefault) {
  InlineVector<uint64_t, 1> v;
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.size(), 0u);
  EXPECT_EQ(v.begin(), v.end());
  EXPECT_TRUE(std::span<const uint64_t>(v).empty());
}

TEST(InlineVectorTest, StaysInlineUpToN) {
  InlineVector<uint64_t, 2> v;
  v.push_back(7);
  v.push_back(8);
  EXPECT_FALSE(v.on_heap());
  EXPECT_EQ(to_vector(v), (std::vector<uint64_t>{7, 8}));
  v.push_back(9);
  EXPECT_TRUE(v.on_heap());
  EXPECT_EQ(to_vector(v), (std::vector<uint64_t>{7, 8, 9}));
}

TEST(InlineVectorTest, MatchesStdVectorWhenSpilling) {
  InlineVector<Money, 1> v;
  std::vector<Money> reference;
  for (uint64_t i = 0; i < 100; ++i) {
    v.push_back(Money{i, static_cast<int64_t>(i) * 10});
    reference.push_back(Money{i, static_cast<int64_t>(i) * 10});
    ASSERT_EQ(v.size(), reference.size());
    EXPECT_EQ(v.back().payment, i);
  }
  for (size_t i = 0; i < reference.size(); ++i) {
    EXPECT_EQ(v[i].payment, reference[i].payment);
    EXPECT_EQ(v[i].charged_minor, reference[i].charged_minor);
  }
  v.back().charged_minor = -1;
  EXPECT_EQ(v[99].charged_minor, -1);
}

TEST(InlineVectorTest, PushBackOfOwnElementSurvivesTheSpill) {
  InlineVector<uint64_t, 1> v;
  v.push_back(42);
  v.push_back(v.back());  // grows: the argument refers to the inline element being moved
  EXPECT_EQ(to_vector(v), (std::vector<uint64_t>{42, 42}));
}

TEST(InlineVectorTest, CopiesAndMovesInlineAndSpilled) {
  for (size_t count : {0u, 1u, 5u}) {
    InlineVector<uint64_t, 1> v;
    for (uint64_t i = 0; i < count; ++i) v.push_back(i + 1);
    const std::vector<uint64_t> expected = to_vector(v);

    InlineVector<uint64_t, 1> copy(v);
    EXPECT_EQ(to_vector(copy), expected);
    InlineVector<uint64_t, 1> assigned;
    assigned.push_back(99);
    assigned.push_back(98);
    assigned = v;
    EXPECT_EQ(to_vector(assigned), expected);

    InlineVector<uint64_t, 1> moved(std::move(copy));
    EXPECT_EQ(to_vector(moved), expected);
    EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
    InlineVector<uint64_t, 1> move_assigned;
    move_assigned.push_back(97);
    move_assigned = std::move(moved);
    EXPECT_EQ(to_vector(move_assigned), expected);

    // A moved-from vector is usable again.
    moved.push_back(5);  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(to_vector(moved), (std::vector<uint64_t>{5}));
  }
}

TEST(InlineVectorTest, SurvivesIdMapRehashAndBackShift) {
  // Values move when the table grows, shrinks and closes the gap of an erase.
  IdMap<InlineVector<uint64_t, 1>> map;
  for (uint64_t id = 1; id <= 1000; ++id) {
    auto& v = map.insert(id, {});
    for (uint64_t i = 0; i < id % 3 + 1; ++i) v.push_back(id * 10 + i);
  }
  for (uint64_t id = 1; id <= 1000; id += 2) map.erase(id);
  for (uint64_t id = 2; id <= 1000; id += 2) {
    const auto* v = map.find(id);
    ASSERT_NE(v, nullptr);
    ASSERT_EQ(v->size(), id % 3 + 1);
    for (uint64_t i = 0; i < v->size(); ++i) EXPECT_EQ((*v)[i], id * 10 + i);
  }
}

}  // namespace
}  // namespace sim
