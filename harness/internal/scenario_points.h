// Loading the points of a sweep or a comparison, whose base scenario was loaded (its variants
// and sweep values checked) already (harness/sweep.cpp), and the document a point decodes
// (harness/shrink.cpp). Internal to harness/.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario_loader.h"

namespace harness::internal {

// As load_scenario_text, without checking every variant and sweep value again: loading N
// points that each checked all N alternatives cost N x N decodes.
LoadResult load_scenario_point(std::string_view yaml_text, const std::string& file_label,
                               const std::vector<Override>& overrides, const std::string& variant);

// The document load_scenario_text decodes for these arguments: the text parsed, old spellings
// moved to their new keys, the command line's overrides and the variant applied (the same code
// as the loader's, so what a caller edits is what would have run). Nodes the file shares through
// aliases may still be shared. Call it on text that loads without errors; nullopt if the text
// does not parse or is not a map.
std::optional<YAML::Node> configured_document(std::string_view yaml_text,
                                              const std::string& file_label,
                                              const std::vector<Override>& overrides,
                                              const std::string& variant);

}  // namespace harness::internal
