// libFuzzer target: `--set KEY=VALUE` overrides (one per input line) applied to a small valid
// scenario with a variant and a YAML alias, the way `paysim run --set` applies them. Whatever the
// overrides, loading returns a scenario or located errors.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario_loader.h"

namespace {

constexpr std::string_view kScenario = R"(name: fuzz-base
seed: 3
duration: &d 2m
drain: *d
traffic: {arrival: poisson, rate: 5/s}
user: {pay_probability: 0.9, pay_delay: {dist: exponential, mean: 8s}}
channels:
  - name: a
    share: 0.5
    callback: {drop_probability: 0.3}
  - name: b
    share: 0.5
system:
  compensation: {strategy: polling, polling: {interval: 30s}}
variants:
  - name: slow
    set: {system.compensation.polling.interval: 2m}
expect:
  dropped.final: "== 0"
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<harness::Override> overrides;
  size_t start = 0;
  while (start <= text.size() && overrides.size() < 8) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string error;
    if (std::optional<harness::Override> o =
            harness::parse_override(text.substr(start, end - start), &error))
      overrides.push_back(std::move(*o));
    start = end + 1;
  }
  for (const std::string variant : {"", "slow"}) {
    const harness::LoadResult result =
        harness::load_scenario_text(kScenario, "fuzz.yaml", overrides, variant);
    if (result.scenario.has_value() == !result.errors.empty()) __builtin_trap();
  }
  return 0;
}
