// metric_value and metric_paths of reports/report.h: dotted paths into a report's JSON.
#include <nlohmann/json.hpp>

#include "reports/internal/metric_lookup.h"
#include "reports/report.h"

namespace reports {
namespace {

using Json = nlohmann::ordered_json;

// The top-level key that holds raw histogram buckets (to_json with include_histograms): data for
// merging shards, not metrics.
constexpr std::string_view kHistogramsKey = "histograms";

void collect_numeric_leaves(const Json& node, const std::string& prefix,
                            std::vector<std::string>& paths) {
  for (const auto& [key, value] : node.items()) {
    const std::string path = prefix + "." + key;
    if (value.is_object()) {
      collect_numeric_leaves(value, path, paths);
    } else if (value.is_number()) {
      paths.push_back(path);
    }
  }
}

}  // namespace

namespace internal {

const Json* find_metric_node(const Json& root, std::string_view path) {
  const Json* node = &root;
  while (true) {
    if (!node->is_object()) return nullptr;
    const std::size_t dot = path.find('.');
    const auto it = node->find(std::string(path.substr(0, dot)));
    if (it == node->end()) return nullptr;
    node = &*it;
    if (dot == std::string_view::npos) return node;
    path.remove_prefix(dot + 1);
  }
}

}  // namespace internal

std::optional<double> metric_value(const Json& report_json, std::string_view path) {
  const Json* node = internal::find_metric_node(report_json, path);
  if (node == nullptr || !node->is_number()) return std::nullopt;
  return node->get<double>();
}

std::vector<std::string> metric_paths(const Json& report_json) {
  std::vector<std::string> paths;
  if (!report_json.is_object()) return paths;
  for (const auto& [key, value] : report_json.items()) {
    if (value.is_object() && key != kHistogramsKey) collect_numeric_leaves(value, key, paths);
  }
  return paths;
}

}  // namespace reports
