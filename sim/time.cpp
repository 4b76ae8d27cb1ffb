#include "sim/time.h"

#include <array>
#include <ostream>

namespace sim {
namespace {

__extension__ typedef __int128 int128;  // g++/clang builtin, for exact fraction checks

struct Unit {
  std::string_view suffix;
  int64_t us;
};

// Largest first: parse_duration requires parts in this order, format_duration emits in it.
constexpr std::array<Unit, 6> kUnits = {{{"d", 86'400'000'000},
                                         {"h", 3'600'000'000},
                                         {"m", 60'000'000},
                                         {"s", 1'000'000},
                                         {"ms", 1'000},
                                         {"us", 1}}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads a run of digits at `pos` into `value`, failing on overflow of int64_t.
bool read_digits(std::string_view text, size_t& pos, int64_t& value, int& count) {
  value = 0;
  count = 0;
  while (pos < text.size() && is_digit(text[pos])) {
    if (__builtin_mul_overflow(value, int64_t{10}, &value) ||
        __builtin_add_overflow(value, int64_t{text[pos] - '0'}, &value)) {
      return false;
    }
    ++pos;
    ++count;
  }
  return count > 0;
}

// Matches the longest unit suffix at `pos` ("ms" before "m"); returns its index or -1.
int read_unit(std::string_view text, size_t& pos) {
  int best = -1;
  size_t best_length = 0;
  for (size_t i = 0; i < kUnits.size(); ++i) {
    const std::string_view suffix = kUnits[i].suffix;
    if (text.substr(pos, suffix.size()) == suffix && suffix.size() > best_length) {
      best = static_cast<int>(i);
      best_length = suffix.size();
    }
  }
  pos += best_length;
  return best;
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  size_t pos = 0;
  int64_t total_us = 0;
  int previous_unit = -1;
  while (pos < text.size()) {
    int64_t whole = 0;
    int whole_digits = 0;
    if (!read_digits(text, pos, whole, whole_digits)) return std::nullopt;
    int64_t fraction = 0;
    int fraction_digits = 0;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      // Fractions longer than 18 digits cannot be exact microseconds of any sane value.
      if (!read_digits(text, pos, fraction, fraction_digits) || fraction_digits > 18) {
        return std::nullopt;
      }
    }
    const int unit = read_unit(text, pos);
    if (unit < 0 || unit <= previous_unit) return std::nullopt;
    previous_unit = unit;
    const int64_t unit_us = kUnits[static_cast<size_t>(unit)].us;

    int64_t part_us = 0;
    if (__builtin_mul_overflow(whole, unit_us, &part_us)) return std::nullopt;
    if (fraction_digits > 0) {
      int128 scale = 1;
      for (int i = 0; i < fraction_digits; ++i) scale *= 10;
      const int128 numerator = static_cast<int128>(fraction) * unit_us;
      if (numerator % scale != 0) return std::nullopt;  // finer than one microsecond
      if (__builtin_add_overflow(part_us, static_cast<int64_t>(numerator / scale), &part_us)) {
        return std::nullopt;
      }
    }
    if (__builtin_add_overflow(total_us, part_us, &total_us)) return std::nullopt;
  }
  return Duration::micros(total_us);
}

std::string format_duration(Duration d) {
  if (d == Duration::zero()) return "0s";
  std::string out;
  int64_t rest_us = d.us();
  if (rest_us < 0) {
    out = "-";
    // -min() is not representable; it is never a meaningful duration anyway.
    rest_us = rest_us == std::numeric_limits<int64_t>::min() ? std::numeric_limits<int64_t>::max()
                                                             : -rest_us;
  }
  // Whole d/h/m/s as a compound, like "1h30m".
  for (size_t i = 0; i < 4; ++i) {
    const int64_t count = rest_us / kUnits[i].us;
    if (count > 0) {
      out += std::to_string(count);
      out += kUnits[i].suffix;
      rest_us -= count * kUnits[i].us;
    }
  }
  // The sub-second rest in one unit, so "1500us" rather than "1ms500us".
  if (rest_us > 0) {
    if (rest_us % 1'000 == 0) {
      out += std::to_string(rest_us / 1'000) + "ms";
    } else {
      out += std::to_string(rest_us) + "us";
    }
  }
  return out;
}

std::string to_string(Duration d) { return format_duration(d); }
std::string to_string(Time t) {
  std::string out = "t+";
  out += format_duration(t - Time::zero());
  return out;
}
std::ostream& operator<<(std::ostream& out, Duration d) { return out << to_string(d); }
std::ostream& operator<<(std::ostream& out, Time t) { return out << to_string(t); }

}  // namespace sim
