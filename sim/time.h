// Simulated time: strong integer types over microseconds.
//
// `Duration` is a signed span, `Time` a point since the run started (the epoch, 0). Both are plain
// int64_t counts of microseconds, so arithmetic is exact and identical on every platform. Nothing
// in sim/ reads a wall clock: time advances only when the simulator (or, in live mode, the runtime)
// says so. Arithmetic does not check for overflow; `Duration::max()`/`Time::max()` are sentinels
// ("never"), not values to add to.
#pragma once

#include <compare>
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace sim {

class Duration {
 public:
  constexpr Duration() = default;  // zero

  static constexpr Duration micros(int64_t count) { return Duration(count); }
  static constexpr Duration millis(int64_t count) { return Duration(count * 1'000); }
  static constexpr Duration seconds(int64_t count) { return Duration(count * 1'000'000); }
  static constexpr Duration minutes(int64_t count) { return Duration(count * 60'000'000); }
  static constexpr Duration hours(int64_t count) { return Duration(count * 3'600'000'000); }
  static constexpr Duration days(int64_t count) { return Duration(count * 86'400'000'000); }
  static constexpr Duration zero() { return Duration(); }
  static constexpr Duration max() { return Duration(std::numeric_limits<int64_t>::max()); }

  constexpr int64_t us() const { return us_; }  // raw count of microseconds
  constexpr double ms() const { return static_cast<double>(us_) / 1e3; }
  constexpr double secs() const { return static_cast<double>(us_) / 1e6; }

  constexpr Duration operator-() const { return Duration(-us_); }
  constexpr Duration& operator+=(Duration other) {
    us_ += other.us_;
    return *this;
  }
  constexpr Duration& operator-=(Duration other) {
    us_ -= other.us_;
    return *this;
  }
  friend constexpr Duration operator+(Duration a, Duration b) { return Duration(a.us_ + b.us_); }
  friend constexpr Duration operator-(Duration a, Duration b) { return Duration(a.us_ - b.us_); }
  friend constexpr Duration operator*(Duration d, int64_t k) { return Duration(d.us_ * k); }
  friend constexpr Duration operator*(int64_t k, Duration d) { return Duration(d.us_ * k); }
  friend constexpr Duration operator/(Duration d, int64_t k) { return Duration(d.us_ / k); }
  // How many whole `b` fit in `a` (truncating toward zero, like integer division).
  friend constexpr int64_t operator/(Duration a, Duration b) { return a.us_ / b.us_; }
  friend constexpr Duration operator%(Duration a, Duration b) { return Duration(a.us_ % b.us_); }
  friend constexpr auto operator<=>(Duration, Duration) = default;
  friend constexpr bool operator==(Duration, Duration) = default;

 private:
  constexpr explicit Duration(int64_t us) : us_(us) {}
  int64_t us_ = 0;
};

class Time {
 public:
  constexpr Time() = default;  // the epoch: the moment the run started

  static constexpr Time from_us(int64_t us) { return Time(us); }
  static constexpr Time zero() { return Time(); }
  static constexpr Time max() { return Time(std::numeric_limits<int64_t>::max()); }

  constexpr int64_t us() const { return us_; }  // microseconds since the epoch

  constexpr Time& operator+=(Duration d) {
    us_ += d.us();
    return *this;
  }
  constexpr Time& operator-=(Duration d) {
    us_ -= d.us();
    return *this;
  }
  friend constexpr Time operator+(Time t, Duration d) { return Time(t.us_ + d.us()); }
  friend constexpr Time operator+(Duration d, Time t) { return Time(t.us_ + d.us()); }
  friend constexpr Time operator-(Time t, Duration d) { return Time(t.us_ - d.us()); }
  friend constexpr Duration operator-(Time a, Time b) { return Duration::micros(a.us_ - b.us_); }
  friend constexpr auto operator<=>(Time, Time) = default;
  friend constexpr bool operator==(Time, Time) = default;

 private:
  constexpr explicit Time(int64_t us) : us_(us) {}
  int64_t us_ = 0;
};

// Parses a non-negative duration written as one or more <number><unit> parts with units strictly
// decreasing: "250ms", "10s", "5m", "2h", "1d", "100us", "1.5s", "0s", "1h30m", "1s500ms".
// Units: us, ms, s, m, h, d. A number is digits with an optional fraction ("1.5"); the result must
// be a whole number of microseconds. Returns nullopt for anything else: empty text, a bare number,
// a sign, spaces, unknown or repeated units, a fraction finer than 1us, or overflow.
std::optional<Duration> parse_duration(std::string_view text);

// Formats a duration exactly, without fractions: whole days, hours, minutes and seconds as a
// compound ("1d", "1h30m", "10s"), then any sub-second rest in ms if whole, else us ("250ms",
// "1500us", "1s500ms"). Zero is "0s". For every d >= 0, parse_duration(format_duration(d)) == d.
// A negative duration gets a leading '-' (which parse_duration rejects, by design).
std::string format_duration(Duration d);

// Debug/print helpers, e.g. for GoogleTest failure messages.
std::string to_string(Duration d);
std::string to_string(Time t);  // "t+1h30m"
std::ostream& operator<<(std::ostream& out, Duration d);
std::ostream& operator<<(std::ostream& out, Time t);

}  // namespace sim
