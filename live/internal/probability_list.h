// Parses "name=p,name=p" option values (--attacks, --transport-faults) against a list of known
// names. Private to live/.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstdlib>
#include <string>
#include <string_view>

namespace live::internal {

// Fills `out[i]` for each "names[i]=p" in `text` (others are left as they are). Returns false
// with the reason in `error` for an unknown name, a missing '=' or a p outside [0,1].
template <size_t N>
bool parse_probability_list(std::string_view text, const std::array<std::string_view, N>& names,
                            std::array<double, N>& out, std::string* error) {
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view part = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const size_t equals = part.find('=');
    const std::string_view name = part.substr(0, equals);
    size_t index = 0;
    while (index < N && names[index] != name) ++index;
    if (index == N || equals == std::string_view::npos) {
      std::string known;
      for (const std::string_view n : names) known += (known.empty() ? "" : ", ") + std::string(n);
      // fmt, not operator+: g++ 12 flags a literal + std::string falsely at -O3 (-Wrestrict).
      *error = fmt::format("'{}' is not KIND=PROBABILITY with KIND one of {}", part, known);
      return false;
    }
    const std::string value(part.substr(equals + 1));
    char* end = nullptr;
    const double p = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size() || !(p >= 0 && p <= 1)) {
      *error = std::string(name) + ": '" + value + "' is not a probability in [0,1]";
      return false;
    }
    out[index] = p;
  }
  return true;
}

}  // namespace live::internal
