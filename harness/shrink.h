// Shrinking a failing scenario (`paysim shrink`): delta debugging over the scenario file, as
// property-based testing shrinks a failing input and Elle reports a minimal anomaly, for a whole
// configuration.
//
// The failure is a condition on one run's report that holds while the failure stays: an
// invariant broken (`invariant`) or a metric condition written as in `expect:`
// (`dropped.final > 0`). The shrinker starts from the scenario as it would run (variant, --set
// and --seed applied; `expect`, `variants`, `sweep`, `replications` and `live` left out: the
// condition is the judge, and one run is judged) and keeps every change after which the
// condition still holds, in rounds, until a round keeps nothing:
//  - scale: halve the traffic window (`duration`) and the arrival rate (`traffic.rate`), which
//    it writes explicitly and never removes; `drain` is left as it is (less time to settle would
//    be a different failure, and the run stops once nothing is pending anyway);
//  - remove: drop each key, whole subtrees first, then their keys one by one (hierarchical delta
//    debugging, Misherghi and Su, ICSE 2006): a key left out takes its default; channels are
//    dropped one at a time, the others' shares scaled to sum to 1; list entries one by one;
//  - lower: halve each fault probability (keys ending `_probability`, except the good ones:
//    `pay_probability`, `success_probability`) down to 0.001.
// Every candidate is written as YAML and read by the ordinary loader, so a change the loader
// refuses is simply not kept, and the result is a standalone file that runs as it shrank.
//
// The result is 1-minimal for removal: taking out any one remaining key (channel names and the
// scale keys aside) loses the failure, unless the run budget stopped the rounds first
// (`budget_exhausted`). Runs are deterministic (the scenario's seed), so the same input gives the
// same result. Random streams are keyed by entity and purpose, not by position, so removing one
// fault does not reshuffle the draws of the others: most removals keep the same failing orders.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario.h"
#include "harness/scenario_loader.h"
#include "reports/report.h"
#include "system_under_test/planted_bug.h"

namespace harness {

// What must stay true of a run's report for the failure to be there.
struct ShrinkCondition {
  bool invariant = false;   // report.invariants.violations > 0
  Expectation expectation;  // otherwise: this holds (one run's value; no "at N%")
  std::string text;         // as given: "invariant", "dropped.final > 0"
};

// Parses --until: `invariant`, or `METRIC OP VALUE` (`dropped.final > 0`,
// `duplicates.unresolved >= 1`) with METRIC a report metric and OP VALUE as in `expect:`.
// nullopt and *error (one line) otherwise, a confidence ("at 95%") included: shrink judges one run.
std::optional<ShrinkCondition> parse_shrink_condition(std::string_view text, std::string* error);

// Whether `report` shows the failure.
bool condition_holds(const ShrinkCondition& until, const reports::Report& report);

// The `expect:` entry that fails exactly when `until` holds (`dropped.final: "<= 0"`), so that
// `paysim run` on the shrunk file exits 1; nullopt for `invariant`, which fails a run already.
std::optional<std::pair<std::string, std::string>> failing_expectation(
    const ShrinkCondition& until);

struct ShrinkOptions {
  ShrinkCondition until;
  std::vector<Override> overrides;  // --set (and --seed as `seed=S`), applied as `run` does
  std::string variant;              // --variant: shrink that variant
  uint64_t max_runs = 1000;         // scenario runs, the first included
  // Called with each kept change ("removed channels[b]", "duration 10m -> 5m") and the runs so far.
  std::function<void(const std::string& change, uint64_t runs)> on_step;
  // Test seam (system_under_test/planted_bug.h): every run commits this bug. Never set by the
  // command.
  sut::PlantedBug planted_bug = sut::PlantedBug::kNone;
};

struct ShrinkResult {
  enum class Status : uint8_t {
    kShrunk,       // the scenario failed as given; `yaml` is the smallest failing one found
    kDoesNotFail,  // the condition does not hold for the scenario as given: nothing to shrink
    kError,        // the scenario does not load (`errors`, one line each)
  };
  Status status = Status::kError;
  std::vector<std::string> errors;
  std::string yaml;                  // kShrunk: the shrunk scenario (no expect block)
  std::optional<Scenario> scenario;  // kShrunk: `yaml`, loaded
  std::vector<std::string> steps;    // the kept changes, in order
  uint64_t runs = 0;                 // scenario runs made, the first included
  bool budget_exhausted = false;     // stopped at max_runs: smaller, not shown minimal
  size_t keys_before = 0;            // values written (leaves of the document)
  size_t keys_after = 0;
  uint64_t orders_before = 0;  // orders.created of the scenario as given and as shrunk
  uint64_t orders_after = 0;
  double value_before = 0.0;  // the condition's metric (invariant: violations), before and after
  double value_after = 0.0;
  // The order that shows the failure in the shrunk run: the first invariant violation's order,
  // or the first order dropped (dropped.*), doubly charged (duplicates.*), seen unpaid by a user
  // who paid (dropped.user_visible*); 0 when the condition names no order.
  uint64_t witness_order = 0;
  std::string witness;  // what the witness order is, in words ("the first order dropped")
};

ShrinkResult shrink_scenario(std::string_view yaml_text, const std::string& file_label,
                             const ShrinkOptions& options);

// The number of values a YAML document writes (its scalar and null leaves).
size_t count_leaves(std::string_view yaml_text);

}  // namespace harness
