// A scenario: one experiment, as loaded from a YAML file (SPEC section 4) and validated.
// Loading and validation live in scenario_loader.h; this header is only the data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mock_channels/channel_config.h"
#include "sim/time.h"
#include "system_under_test/config.h"
#include "workload/config.h"

namespace harness {

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

// One `expect:` entry: a report metric path compared with a threshold. The loader accepts only
// paths a report has (reports::metric_definitions), so a typo is a scenario error, not a failed
// run.
struct Expectation {
  std::string metric;  // dotted report path, e.g. latency.charge_to_paid_ms.p99
  CompareOp op = CompareOp::kEq;
  double threshold = 0.0;
  std::string text;  // as written, e.g. "< 60000"
  // "< 60000 at 95%": judged over the scenario's replications, the 95% confidence interval of
  // the metric's mean must lie on the passing side (harness/run.h). 0: one run's value.
  double confidence = 0.0;
};

// One `variants:` entry: a name and key overrides applied to the base scenario. Values are kept
// as YAML text and applied to the document before decoding, exactly like --set.
struct Variant {
  std::string name;
  std::vector<std::pair<std::string, std::string>> set;  // dotted key path -> YAML value
};

// One `sweep:` axis: a key and the values it takes (YAML text).
struct SweepAxis {
  std::string key;
  std::vector<std::string> values;
};

// Settings only live mode reads (docs/live.md); the simulator ignores them.
struct LiveConfig {
  // The file whose first line signs serve-channel's callbacks, resolved against the scenario
  // file's folder and checked by the loader; "" when not set. Never the secret itself.
  std::string signing_secret_file;
};

struct Scenario {
  std::string name;
  std::string file;     // path it was loaded from ("" for scenarios built in code)
  std::string variant;  // name of the variant applied, "" for the base
  uint64_t seed = 1;
  sim::Duration duration = sim::Duration::hours(1);  // traffic window
  sim::Duration drain = sim::Duration::hours(6);     // run on until idle or this long
  workload::TrafficConfig traffic;
  workload::UserConfig user;
  std::vector<channels::ChannelConfig> channels;
  sut::SystemConfig system;
  std::vector<Variant> variants;
  std::vector<SweepAxis> sweep;
  int replications = 1;
  std::vector<Expectation> expect;
  LiveConfig live;
  // The top-level `$schema`: where an editor or validator finds the scenario JSON Schema (a path
  // or URL), so a scenario copied into another repository still says what it follows. paysim has
  // the schema built in and never reads this one; "" when not given.
  std::string schema;
};

}  // namespace harness
