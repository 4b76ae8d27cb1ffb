// Keys that moved: the scenario's `system:` block describes the design under test, and the
// environment it runs in (latencies, failures, outages, crashes, pauses, message loss) moved to
// `environment:`. Files written before keep working: an old spelling is moved to its new place in
// the document tree before anything else reads it, with a one-line notice per key; an override
// path (--set, a variant's `set`, a sweep axis) in the old spelling is rewritten the same way.
// scenarios/README.md ("Moved keys") lists the table below.
#pragma once

#include <yaml-cpp/yaml.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario_loader.h"

namespace harness::internal {

struct MovedKey {
  std::string_view old_path;  // dotted, through maps only
  std::string_view new_path;
};
std::span<const MovedKey> moved_keys();

// Moves every old spelling found in the file's `document` to its new path. A key given in both
// spellings is an error (at the old one). `notices` gets "file:line:column: old is now new ..."
// lines. The maps the old key sat in stay (an empty `system.client.push` still turns push on).
void migrate_moved_keys(YAML::Node& document, const std::string& label,
                        std::vector<std::string>& notices, std::vector<ScenarioError>& errors);
// The same after each override: an old spelling now present came from that override (a whole
// map set at `system.client.push`, say), so it replaces the new one.
void migrate_overridden_keys(YAML::Node& document);

// An override path below a moved key (`system.order_service.outages.0.start`) in segments, with
// the old prefix replaced by the new one, so that it finds the moved value. A path that names the
// moved key itself, or a map above it, is applied as written and migrated afterwards.
void rewrite_moved_path(std::vector<std::string>& segments);

// Whether the override path `key` names a moved key's old spelling, a map above it, or a path
// below it: applying it may leave an old spelling for migrate_overridden_keys to move.
bool touches_moved_path(std::string_view key);

}  // namespace harness::internal
