// Text that reaches a report must be UTF-8: the JSON writers refuse anything else, and a report
// that cannot be written after a long run is worse than a scenario refused at load. These checks
// run on the scenario text and on the command line's --set texts before anything is decoded.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario_loader.h"

namespace harness::internal {

// The offset of the first byte of `text` that does not start or continue a well-formed UTF-8
// sequence (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or nullopt
// when all of it is UTF-8.
std::optional<size_t> invalid_utf8_offset(std::string_view text);

// "byte 0xff at offset 3 is not UTF-8": the explanation of a failed invalid_utf8_offset.
std::string describe_invalid_utf8(std::string_view text, size_t offset);

// `text` with every byte that is not part of well-formed UTF-8 written as \xNN, so that a
// message quoting bad text is itself UTF-8.
std::string escape_invalid_utf8(std::string_view text);

// Reports every key and scalar value of the first YAML document in `yaml_text` that is not
// UTF-8, with `file`:line:column and its key path (list entries by index). Reads the document
// as a stream of parser events, so aliases are checked once where their anchor is and the cost
// is linear in the text. Requires text that yaml-cpp parses (the caller parsed it already).
void check_utf8_document(std::string_view yaml_text, const std::string& file,
                         std::vector<ScenarioError>& errors);

// Whether the first YAML document in `yaml_text` uses an alias (`*name`): then two places of
// the document tree share one node, and an override must copy before it writes
// (internal::apply_override's `unshare`).
bool has_aliases(std::string_view yaml_text);

}  // namespace harness::internal
