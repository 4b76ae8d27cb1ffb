#include "sim/time.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sim {
namespace {

TEST(DurationTest, UnitsAndArithmetic) {
  EXPECT_EQ(Duration().us(), 0);
  EXPECT_EQ(Duration::millis(250).us(), 250'000);
  EXPECT_EQ(Duration::days(1), Duration::hours(24));
  EXPECT_EQ(Duration::hours(1), Duration::minutes(60));
  EXPECT_EQ(Duration::seconds(3) + Duration::millis(500), Duration::micros(3'500'000));
  EXPECT_EQ(Duration::seconds(3) - Duration::seconds(5), -Duration::seconds(2));
  EXPECT_EQ(Duration::seconds(3) * 4, Duration::seconds(12));
  EXPECT_EQ(4 * Duration::seconds(3), Duration::seconds(12));
  EXPECT_EQ(Duration::seconds(12) / 4, Duration::seconds(3));
  EXPECT_EQ(Duration::seconds(10) / Duration::seconds(3), 3);
  EXPECT_EQ(Duration::seconds(10) % Duration::seconds(3), Duration::seconds(1));
  EXPECT_DOUBLE_EQ(Duration::micros(1500).ms(), 1.5);
  EXPECT_DOUBLE_EQ(Duration::millis(2500).secs(), 2.5);
  Duration d = Duration::seconds(1);
  d += Duration::seconds(2);
  d -= Duration::millis(500);
  EXPECT_EQ(d, Duration::millis(2500));
  EXPECT_LT(Duration::millis(999), Duration::seconds(1));
  EXPECT_GT(Duration::max(), Duration::days(100'000));
}

TEST(TimeTest, Arithmetic) {
  const Time t = Time::from_us(1'000);
  EXPECT_EQ(Time().us(), 0);
  EXPECT_EQ(Time::zero(), Time());
  EXPECT_EQ((t + Duration::millis(1)).us(), 2'000);
  EXPECT_EQ((Duration::millis(1) + t).us(), 2'000);
  EXPECT_EQ((t - Duration::micros(1'000)), Time::zero());
  EXPECT_EQ(Time::from_us(5'000) - t, Duration::millis(4));
  Time u = t;
  u += Duration::seconds(1);
  EXPECT_EQ(u.us(), 1'001'000);
  u -= Duration::seconds(1);
  EXPECT_EQ(u, t);
  EXPECT_LT(t, Time::max());
}

TEST(ParseDurationTest, AcceptsEveryUnit) {
  EXPECT_EQ(parse_duration("250ms"), Duration::millis(250));
  EXPECT_EQ(parse_duration("10s"), Duration::seconds(10));
  EXPECT_EQ(parse_duration("5m"), Duration::minutes(5));
  EXPECT_EQ(parse_duration("2h"), Duration::hours(2));
  EXPECT_EQ(parse_duration("1d"), Duration::days(1));
  EXPECT_EQ(parse_duration("100us"), Duration::micros(100));
  EXPECT_EQ(parse_duration("0s"), Duration::zero());
  EXPECT_EQ(parse_duration("1.5s"), Duration::millis(1500));
  EXPECT_EQ(parse_duration("0.25ms"), Duration::micros(250));
  EXPECT_EQ(parse_duration("1.000001s"), Duration::micros(1'000'001));
  EXPECT_EQ(parse_duration("1h30m"), Duration::minutes(90));
  EXPECT_EQ(parse_duration("1d2h3m4s5ms6us"), Duration::days(1) + Duration::hours(2) +
                                                  Duration::minutes(3) + Duration::seconds(4) +
                                                  Duration::millis(5) + Duration::micros(6));
  EXPECT_EQ(parse_duration("007s"), Duration::seconds(7));
}

TEST(ParseDurationTest, RejectsBadInput) {
  const std::vector<std::string> bad = {
      "",           "10",
      "-5s",        "+5s",
      "5 x",        "5 s",
      " 5s",        "5s ",
      "s",          "ms",
      "5x",         "5sec",
      "1.s",        ".5s",
      "1..5s",      "1.5.5s",
      "30m1h",      "1s1s",
      "1m1m",       "5S",
      "5Ms",        "1e3s",
      "0.5us",      "1.0000001s",
      "1h30",       "99999999999999999999s",
      "106751992d", "9223372036854775807ms",
      "5µs",        "5s\n",
  };
  for (const std::string& text : bad) {
    EXPECT_EQ(parse_duration(text), std::nullopt) << "accepted \"" << text << "\"";
  }
}

TEST(FormatDurationTest, ShortestExactForms) {
  EXPECT_EQ(format_duration(Duration::zero()), "0s");
  EXPECT_EQ(format_duration(Duration::millis(250)), "250ms");
  EXPECT_EQ(format_duration(Duration::seconds(10)), "10s");
  EXPECT_EQ(format_duration(Duration::minutes(5)), "5m");
  EXPECT_EQ(format_duration(Duration::minutes(90)), "1h30m");
  EXPECT_EQ(format_duration(Duration::days(1)), "1d");
  EXPECT_EQ(format_duration(Duration::micros(1500)), "1500us");
  EXPECT_EQ(format_duration(Duration::millis(1500)), "1s500ms");
  EXPECT_EQ(format_duration(-Duration::seconds(5)), "-5s");
}

TEST(FormatDurationTest, RoundTripsThroughParse) {
  const std::vector<Duration> values = {
      Duration::zero(),
      Duration::micros(1),
      Duration::micros(999),
      Duration::micros(1500),
      Duration::millis(1),
      Duration::millis(1500),
      Duration::seconds(59),
      Duration::seconds(61),
      Duration::minutes(90),
      Duration::hours(25),
      Duration::days(400),
      Duration::max(),
      Duration::days(1) + Duration::micros(1),
  };
  for (const Duration d : values) {
    EXPECT_EQ(parse_duration(format_duration(d)), d) << format_duration(d);
  }
  // A spread of arbitrary values, including every digit pattern of the sub-second part.
  uint64_t x = 12345;
  for (int i = 0; i < 10'000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const Duration d = Duration::micros(static_cast<int64_t>(x >> (1 + (i % 40))));
    ASSERT_EQ(parse_duration(format_duration(d)), d) << format_duration(d);
  }
}

}  // namespace
}  // namespace sim
