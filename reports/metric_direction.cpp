#include "reports/metric_direction.h"

namespace reports {

Better metric_direction(std::string_view path) {
  const MetricDefinition* metric = find_metric(path);
  return metric != nullptr ? metric->better : Better::kNone;
}

std::vector<std::size_t> best_indices(const std::vector<std::optional<double>>& values,
                                      Better better) {
  std::vector<std::size_t> best;
  if (better == Better::kNone) return best;
  std::optional<double> target;
  bool all_equal = true;
  std::size_t present = 0;
  for (const std::optional<double>& v : values) {
    if (!v) continue;
    if (present > 0 && *v != *target) all_equal = false;
    ++present;
    if (!target || (better == Better::kLower ? *v < *target : *v > *target)) {
      target = v;
    }
  }
  if (present < 2 || all_equal) return best;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] && *values[i] == *target) best.push_back(i);
  }
  return best;
}

}  // namespace reports
