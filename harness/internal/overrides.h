// Applying one dotted-path override (--set, a variant's `set:`, a sweep value) to a scenario's
// YAML document tree, before anything is decoded.
//
// Paths: `system.compensation.strategy`; list entries by name or index
// (`channels.wallet_a.share`, `channels[wallet_a].share`, `channels.0.share`). In the maps whose
// keys are themselves dotted (`expect`, `sweep`, a variant's `set`), the rest of the path is
// one key: `expect.latency.charge_to_paid_ms.p99`.
// Missing map keys along the path are created; whether they are allowed is then decided by the
// decoder, which reports unknown keys with the override's origin. A path that would go through
// a scalar, name a list entry that does not exist, or index past a list's end is an error here.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harness::internal {

// Splits "a.b[c].d" into {"a", "b", "c", "d"}; nullopt (and a message) on empty segments or
// unbalanced brackets.
std::optional<std::vector<std::string>> split_key_path(std::string_view key, std::string* error);

// Puts `value` at `key` in `document` (a map, or null which becomes a map). Returns the node
// now holding the value's subtree (shared with the document, so it can be registered as an
// origin), or nullopt with `*error` explaining why the path cannot be applied.
//
// `unshare`: the document has aliases (`drain: *d`), so a node on the path may also be reached
// from elsewhere, and writing into it would change every place that shares it. Each map and
// list along the path is then copied (one level, its entries still shared) and the copy put in
// its place before anything is written, so the override changes only the path it names. The
// copies have no position in the file; errors about them fall back to the override's origin.
std::optional<YAML::Node> apply_override(YAML::Node& document, std::string_view key,
                                         const YAML::Node& value, std::string* error,
                                         bool unshare = false);

}  // namespace harness::internal
