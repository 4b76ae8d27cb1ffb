// Where a scenario's text comes from: a file, or standard input when the path is "-"
// (`cat x.yaml | paysim run -`). At most 16 MiB either way: scenario files are hand-written, and
// anything bigger is a mistake (or not a scenario).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace harness {

// The path that names standard input.
inline constexpr std::string_view kStandardInputPath = "-";

// The text at `path`. Standard input is read once, then the same text is returned to every later
// call: compare and sweep load their scenario once per point. nullopt and *error ("cannot open
// scenario file: ...", "cannot read scenario: larger than 16 MiB") when it cannot be read.
std::optional<std::string> read_scenario_text(const std::string& path, std::string* error);

// What error messages and reports call the scenario at `path`: the path, "<stdin>" for "-".
std::string scenario_label(const std::string& path);

}  // namespace harness
