// Loading a scenario file (SPEC section 4) into a validated `Scenario`.
//
// The loader reads YAML, applies the chosen variant's `set:` block and then the command line's
// `--set KEY=VALUE` overrides to the document tree (so variants, sweeps and --set share one code
// path), then decodes every key onto the structs of harness/scenario.h and validates it.
//
// Errors are values, never exceptions: every function here is noexcept in effect (nothing a
// malformed file or override can do throws out of it). Each error names where it was found
// (file:line:column, or "--set" for a command-line override) and the key path
// (e.g. `channels[wallet_a].callback.drop_probability`). The loader collects as many errors as
// it can in one pass; a scenario is returned only when there are none.
//
// The full list of keys, their types, units and defaults is in scenarios/README.md, and
// scenarios/schema/scenario.schema.json is the same schema for editors.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario.h"

namespace harness {

// One problem in a scenario. `line` and `column` are 1-based; 0 means unknown (for instance a
// value that came from --set). `key_path` is dotted, channels are addressed by name.
struct ScenarioError {
  std::string file;
  int line = 0;
  int column = 0;
  std::string key_path;
  std::string message;

  // "file:line:column: key.path: message"; the parts that are unknown are left out.
  std::string to_string() const;
};

// One --set KEY=VALUE: a dotted key path and a value written as YAML text ("10s", "[1s, 2s]",
// "{dist: fixed, value: 5ms}"). A channel in the `channels` list is addressed by its name
// (channels.wallet_a.share) or its index (channels.0.share).
struct Override {
  std::string key;
  std::string value;
};

struct LoadResult {
  std::optional<Scenario> scenario;  // set if and only if errors is empty
  std::vector<ScenarioError> errors;
  // One line per key written in a deprecated spelling ("file:line:column: old is now new ..."),
  // for the command to print on standard error; loading goes on as if the new one was written.
  std::vector<std::string> notices;

  bool ok() const { return scenario.has_value() && errors.empty(); }
};

// Loads `path`, applies the variant named `variant` (if non-empty; an unknown name is an error
// that lists the known ones), then `overrides` in order (the command line wins over the
// variant), then decodes and validates. When `variant` is empty, every variant and every sweep
// value is also checked, so `paysim validate` catches mistakes in them; their errors carry the
// location of the offending value and a message naming the variant or sweep axis.
LoadResult load_scenario_file(const std::string& path, const std::vector<Override>& overrides = {},
                              const std::string& variant = "");

// As load_scenario_file, for text already in memory; `file_label` is used in error locations
// and as Scenario::file.
LoadResult load_scenario_text(std::string_view yaml_text, const std::string& file_label,
                              const std::vector<Override>& overrides = {},
                              const std::string& variant = "");

// Parses "a.b.c=value" (the text of one --set). Splits at the first '='; the key must be
// non-empty and free of spaces, the value may be empty (YAML null: "use the default").
// Returns nullopt and, if `error` is non-null, stores a one-line explanation in it.
std::optional<Override> parse_override(std::string_view key_equals_value, std::string* error);

}  // namespace harness
