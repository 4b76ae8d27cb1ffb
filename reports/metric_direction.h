// Which way is better for a metric, so that comparison tables can mark the best variant.
//
// Lower is better for what a design should avoid: drops (dropped.*), duplicates left or mishandled
// (duplicates.charged_orders, unresolved, wrong_refunds, overcharged_minor), latencies (latency.*
// except their count), cost (cost.*) and invariants.violations; and for orders.failed. Higher is
// better for orders.paid and duplicates.refunded. Everything else (orders created or charged, how
// orders were resolved, refunds issued, the run's own sim.* numbers, latency counts) describes the
// traffic or the mechanism rather than its quality: no direction, nothing is marked.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace reports {

enum class Better { kNone, kLower, kHigher };

Better metric_direction(std::string_view metric_path);

// Indices of the best values (all of them when tied) for the direction; empty when the direction
// is kNone, when there are fewer than two values, or when every value is the same (nothing to
// choose). nullopt entries (missing values) are never best.
std::vector<std::size_t> best_indices(const std::vector<std::optional<double>>& values, Better better);

}  // namespace reports
