// libFuzzer target: the scenario loader on arbitrary bytes. Whatever the input, loading returns a
// scenario or located errors: no crash, no exception, no sanitizer report, no hang. Variants and
// sweep values are checked too (an empty variant name validates them all).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "harness/scenario_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const harness::LoadResult result = harness::load_scenario_text(text, "fuzz.yaml");
  // The loader's contract: a scenario if and only if there are no errors, every error located.
  if (result.scenario.has_value() == !result.errors.empty()) __builtin_trap();
  for (const harness::ScenarioError& e : result.errors) {
    if (e.to_string().empty()) __builtin_trap();
  }
  return 0;
}
