// The JSON node at a dotted metric path ("latency.charge_to_paid_ms.p99"), shared by metric_value
// and the writers so that they resolve paths the same way.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace reports::internal {

// The node at path, or nullptr when a step is missing or walks into a non-object.
const nlohmann::ordered_json* find_metric_node(const nlohmann::ordered_json& root,
                                               std::string_view path);

}  // namespace reports::internal
