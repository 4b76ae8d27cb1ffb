// Text of numbers as the human-facing writers print them: integers in full, doubles in the
// shortest form that reads back to the same value without a needless ".0" (60000, 0.5, 72000.125),
// "" for anything that is not a number.
#pragma once

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

namespace reports::internal {

inline std::string number_text(double value) { return fmt::format("{}", value); }

inline std::string number_text(const nlohmann::ordered_json& value) {
  if (value.is_number_float()) return number_text(value.get<double>());
  return value.is_number() ? value.dump() : std::string();
}

}  // namespace reports::internal
