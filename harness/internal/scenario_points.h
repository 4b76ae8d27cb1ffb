// Loading the points of a sweep or a comparison, whose base scenario was loaded (its variants
// and sweep values checked) already. Internal to harness/: harness/sweep.cpp is its one user.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario_loader.h"

namespace harness::internal {

// As load_scenario_text, without checking every variant and sweep value again: loading N
// points that each checked all N alternatives cost N x N decodes.
LoadResult load_scenario_point(std::string_view yaml_text, const std::string& file_label,
                               const std::vector<Override>& overrides, const std::string& variant);

}  // namespace harness::internal
