// Which way is better for a metric, so that comparison tables can mark the best variant. The
// direction of every metric is the `better` column of its line in reports/metrics.cpp: lower for
// what a design should avoid (drops, duplicates left or mishandled, refunds given up, latencies
// but not their counts, cost, invariant violations, failed orders), higher for orders.paid and
// duplicates.refunded, and none for numbers that describe the traffic or the mechanism (orders
// created or charged, how orders were resolved, refunds by reason, reconciliation work, the run's
// own sim.* numbers, latency counts): nothing is marked for those.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "reports/metrics.h"

namespace reports {

// The table's direction for a metric path; kNone for a path no metric has.
Better metric_direction(std::string_view metric_path);

// Indices of the best values (all of them when tied) for the direction; empty when the direction
// is kNone, when there are fewer than two values, or when every value is the same (nothing to
// choose). nullopt entries (missing values) are never best.
std::vector<std::size_t> best_indices(const std::vector<std::optional<double>>& values,
                                      Better better);

}  // namespace reports
