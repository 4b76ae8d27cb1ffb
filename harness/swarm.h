// Swarm runs (STYLE.md "Tests"; TigerBeetle's VOPR): random scenarios from random seeds. Each
// seed draws one configuration (traffic, users, channels and their faults, strategies, guards)
// and runs it twice:
//  - safety, faults on: no invariant breaks (the recorder's checks: money in the records against
//    the ledger, terminal states, the outcome classes partitioning the orders...) and no refund
//    takes the only charge of a PAID order;
//  - liveness, the same draws with every fault off: no invariant breaks either, and when the
//    configuration has a recovering strategy (has_recovering_strategy) everything converges:
//    nothing dropped, no duplicate charge left.
//
// The generator writes YAML text, a standalone scenario file, which the ordinary loader then
// reads: it is validated like any file, and the text is exactly what ran, so a failing seed is
// reproduced by `paysim run` on the written file. Every draw comes from sim::RandomStream keyed
// by the swarm seed; both phases make the same draws; the same seed (and BASE) gives the same
// text on every machine.
//
// BASE: a scenario file whose settings the swarm starts from. Every key BASE writes stays as
// BASE has it, and the swarm draws the rest; BASE's channels are kept (names, presets, shapes)
// and only the faults BASE does not set are drawn onto them. The liveness phase turns every fault
// off, BASE's included. BASE's `expect`, `variants`, `sweep`, `replications` and `live` are dropped
// (the swarm judges its own properties), and the seed is always the swarm seed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario.h"
#include "system_under_test/planted_bug.h"

namespace harness {

// The seeds a swarm runs: FROM, FROM + 1, ..., FROM + COUNT - 1.
struct SeedRange {
  uint64_t from = 1;
  uint64_t count = 40;
};

// Bounds a seed range so that a typo cannot start a run of days (a seed takes about a second).
constexpr uint64_t kMaxSwarmSeeds = 100'000;

// "" when `range` can run: COUNT from 1 to kMaxSwarmSeeds, and FROM + COUNT - 1 a seed (no
// overflow past 2^64 - 1). Otherwise why not, in words, naming FROM and COUNT as given
// ("COUNT must be ...", "--seeds must be ...").
std::string check_seed_range(const SeedRange& range, std::string_view from_name = "FROM",
                             std::string_view count_name = "COUNT");

// PAYSIM_SWARM_SEEDS ("FROM:COUNT", both decimal) for the swarm test. Null (unset) gives the
// default range; on a malformed value, returns nullopt and says why in `error`, quoting it.
std::optional<SeedRange> parse_swarm_seeds_env(const char* text, std::string* error);

enum class SwarmPhase : uint8_t { kSafety, kLiveness };
std::string_view to_string(SwarmPhase phase);  // "safety", "liveness"

// A BASE scenario file, read and checked once.
struct SwarmBase {
  std::string path;
  std::string text;
};

// Reads `path` and checks that it loads as a scenario. nullopt with the loader's errors (one
// line each) in `errors` when it does not.
std::optional<SwarmBase> load_swarm_base(const std::string& path, std::vector<std::string>* errors);

// One phase's scenario of one seed.
struct SwarmScenario {
  std::string yaml;                // a standalone scenario file: what runs
  std::optional<Scenario> loaded;  // nullopt when `yaml` did not load (see load_errors)
  std::vector<std::string> load_errors;
  bool recovering = false;  // has_recovering_strategy(*loaded)
};

// Draws the scenario of `seed` for `phase`, on top of `base` when non-null.
SwarmScenario generate_swarm_scenario(uint64_t seed, SwarmPhase phase,
                                      const SwarmBase* base = nullptr);

// Whether the liveness claim applies to `s` with its faults off: something settles what the
// users' behaviour leaves (duplicate payments, late payments): every channel can refund, and
// reconciliation runs at least twice within the drain, or duplicates are refunded with a
// re-query strategy and none of the configurations known to keep money by design (late_payment:
// reject, on_not_found: mark_failed with success_after_failed: ignore, consumer_ack:
// before_update, refund.on_accepted: trust).
bool has_recovering_strategy(const Scenario& s);

struct SwarmOptions {
  const SwarmBase* base = nullptr;
  // Test seam (system_under_test/planted_bug.h): the system under test commits this bug in both
  // phases, so a test can show that the swarm finds it. Never set by the command.
  sut::PlantedBug planted_bug = sut::PlantedBug::kNone;
};

struct SwarmSeedResult {
  uint64_t seed = 0;
  bool passed = true;
  SwarmPhase phase = SwarmPhase::kSafety;  // with !passed: the phase that failed
  std::vector<std::string> failures;       // with !passed: what failed, one line each
  std::string yaml;                        // with !passed: that phase's scenario
  bool liveness_checked = false;           // the liveness claim was asserted
  // What the safety phase met, so a swarm can show it was not vacuous.
  uint64_t orders = 0;
  uint64_t duplicate_charged = 0;
  uint64_t refunds_issued = 0;
  uint64_t callbacks_lost = 0;
  uint64_t reconciled = 0;
};

// Runs both phases of `seed` (the liveness phase only when the safety phase passed).
SwarmSeedResult run_swarm_seed(uint64_t seed, const SwarmOptions& options = {});

// The totals of many seeds, for the summary line.
struct SwarmTotals {
  uint64_t seeds = 0;
  uint64_t failed = 0;
  uint64_t liveness_checked = 0;
  uint64_t orders = 0;
  uint64_t duplicate_charged = 0;
  uint64_t refunds_issued = 0;
  uint64_t callbacks_lost = 0;
  uint64_t reconciled = 0;

  void add(const SwarmSeedResult& result);
  // "40 seed(s): 40 passed, 0 failed; liveness asserted on 25; 31234 orders, ..."
  std::string summary() const;
};

// "swarm-seed-17-safety.yaml"
std::string swarm_failure_file_name(uint64_t seed, SwarmPhase phase);

}  // namespace harness
