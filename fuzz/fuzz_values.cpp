// libFuzzer target: the value parsers a scenario and the command line share, on arbitrary text:
// durations (and the round trip parse(format(d)) == d their contract promises), rates, and the
// `--set KEY=VALUE` splitter.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "harness/internal/value_readers.h"
#include "harness/scenario_loader.h"
#include "sim/time.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const std::optional<sim::Duration> d = sim::parse_duration(text)) {
    if (*d >= sim::Duration{}) {
      const std::optional<sim::Duration> back = sim::parse_duration(sim::format_duration(*d));
      if (!back || *back != *d) __builtin_trap();
    }
  }
  if (const std::optional<double> rate = harness::internal::parse_rate_per_s(text)) {
    if (!(*rate >= 0)) __builtin_trap();
  }
  std::string error;
  const std::optional<harness::Override> o = harness::parse_override(text, &error);
  if (!o && error.empty()) __builtin_trap();
  if (o && (o->key.empty() || o->key.find(' ') != std::string::npos)) __builtin_trap();
  return 0;
}
