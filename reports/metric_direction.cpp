#include "reports/metric_direction.h"

#include <string>

namespace reports {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Better metric_direction(std::string_view path) {
  if (path == "orders.paid" || path == "duplicates.refunded") return Better::kHigher;
  if (path == "orders.failed" || path == "invariants.violations") return Better::kLower;
  if (starts_with(path, "dropped.") || starts_with(path, "cost.")) return Better::kLower;
  if (starts_with(path, "latency.")) return ends_with(path, ".count") ? Better::kNone : Better::kLower;
  if (path == "duplicates.charged_orders" || path == "duplicates.unresolved" || path == "duplicates.wrong_refunds" ||
      path == "duplicates.overcharged_minor") {
    return Better::kLower;
  }
  return Better::kNone;
}

std::vector<std::size_t> best_indices(const std::vector<std::optional<double>>& values, Better better) {
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
