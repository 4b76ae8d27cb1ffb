#include "reports/table_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <nlohmann/json.hpp>

#include "reports/internal/number_text.h"

namespace reports {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::size_t kGroupWidth = 13;  // at least: wider when a name needs it
constexpr std::size_t kMetricWidth = 22;
constexpr int kValueWidth = 14;
// 15 + 7 * 12 = 99 columns; a value keeps at least one space before it up to 11 characters.
constexpr int kLatencyNameWidth = 15;
constexpr int kLatencyValueWidth = 12;
constexpr std::size_t kLatencyTextMax = 11;
// The groups rendered by their own sections rather than as "group metric value" rows.
constexpr std::string_view kSpecialGroups[] = {"latency", "invariants", "timeseries", "histograms"};

bool is_special_group(std::string_view key) {
  for (std::string_view special : kSpecialGroups) {
    if (key == special) return true;
  }
  return false;
}

// "7h 00m 00.000s", "3m 05.250s" or "12.500s".
std::string simulated_time_text(double ms) {
  const auto total_ms = static_cast<std::int64_t>(std::llround(ms));
  const std::int64_t hours = total_ms / 3'600'000;
  const std::int64_t minutes = total_ms / 60'000 % 60;
  const double seconds = static_cast<double>(total_ms % 60'000) / 1000.0;
  if (hours > 0) return fmt::format("{}h {:02}m {:06.3f}s", hours, minutes, seconds);
  if (minutes > 0) return fmt::format("{}m {:06.3f}s", minutes, seconds);
  return fmt::format("{:.3f}s", seconds);
}

void append_header(const Json& j, std::string& out) {
  const Json& sim = j.at("sim");
  const std::string variant = j.at("variant").get<std::string>();
  fmt::format_to(std::back_inserter(out), "paysim  scenario {}  variant {}  seed {}\n",
                 j.at("scenario").get<std::string>(), variant.empty() ? "-" : variant,
                 internal::number_text(j.at("seed")));
  fmt::format_to(std::back_inserter(out), "        simulated {}  events {}  wall {:.0f} ms\n\n",
                 simulated_time_text(sim.at("simulated_ms").get<double>()),
                 internal::number_text(sim.at("events")), sim.at("wall_ms").get<double>());
}

bool is_counter_group(const std::string& group, const Json& metrics) {
  return metrics.is_object() && !is_special_group(group) && group != "sim";
}

void append_counter_groups(const Json& j, std::string& out) {
  // The columns widen for a longer name ("reconciliation", "forged_signature_accepted") so that a
  // name never runs into the next column.
  std::size_t group_width = kGroupWidth;
  std::size_t metric_width = kMetricWidth;
  for (const auto& [group, metrics] : j.items()) {
    if (!is_counter_group(group, metrics)) continue;
    group_width = std::max(group_width, group.size() + 1);
    for (const auto& [metric, value] : metrics.items()) {
      if (value.is_number()) metric_width = std::max(metric_width, metric.size() + 1);
    }
  }
  fmt::format_to(std::back_inserter(out), "{:<{}}{:<{}}{:>{}}\n", "group", group_width, "metric",
                 metric_width, "value", kValueWidth);
  for (const auto& [group, metrics] : j.items()) {
    if (!is_counter_group(group, metrics)) continue;
    bool first = true;
    for (const auto& [metric, value] : metrics.items()) {
      if (!value.is_number()) continue;
      fmt::format_to(std::back_inserter(out), "{:<{}}{:<{}}{:>{}}\n", first ? group : "",
                     group_width, metric, metric_width, internal::number_text(value), kValueWidth);
      first = false;
    }
  }
}

// Milliseconds with 3 decimals; whole milliseconds once that would not fit the column (from
// about 2.8 hours up), so a long drain never runs two columns together.
std::string latency_text(const Json& value) {
  if (!value.is_number_float()) return internal::number_text(value);
  std::string text = fmt::format("{:.3f}", value.get<double>());
  if (text.size() > kLatencyTextMax) text = fmt::format("{:.0f}", value.get<double>());
  return text;
}

void append_latencies(const Json& j, std::string& out) {
  fmt::format_to(std::back_inserter(out), "\n{:<{}}", "latency (ms)", kLatencyNameWidth);
  for (const char* column : {"count", "mean", "p50", "p90", "p99", "p999", "max"}) {
    fmt::format_to(std::back_inserter(out), "{:>{}}", column, kLatencyValueWidth);
  }
  out += '\n';
  for (const auto& [name, summary] : j.at("latency").items()) {
    std::string label = name;
    if (label.size() > 3 && label.compare(label.size() - 3, 3, "_ms") == 0)
      label.resize(label.size() - 3);
    fmt::format_to(std::back_inserter(out), "{:<{}}", label, kLatencyNameWidth);
    for (const auto& [column, value] : summary.items()) {
      const std::string text = latency_text(value);
      fmt::format_to(std::back_inserter(out), "{:>{}}", text, kLatencyValueWidth);
    }
    out += '\n';
  }
}

void append_expectations(const Json& j, std::string& out) {
  const Json& expect = j.at("expect");
  if (expect.empty()) return;
  out += "\nexpectations\n";
  for (const Json& e : expect) {
    std::string condition =
        fmt::format("{} {} {}", e.at("metric").get<std::string>(), e.at("op").get<std::string>(),
                    internal::number_text(e.at("threshold")));
    std::string actual =
        e.at("actual").is_null() ? "no such metric" : internal::number_text(e.at("actual"));
    std::string word = e.at("pass").get<bool>() ? "PASS" : "FAIL";
    if (e.contains("verdict")) {  // judged over the replications (report.h, ConfidenceVerdict)
      condition += " at " + internal::number_text(e.at("confidence").get<double>() * 100) + "%";
      actual += fmt::format("; mean {:.6g}, interval [{:.6g}, {:.6g}] over {} runs",
                            e.at("mean").get<double>(), e.at("ci_low").get<double>(),
                            e.at("ci_high").get<double>(), e.at("replications").get<uint64_t>());
      if (e.at("verdict") == "inconclusive" && !e.at("actual").is_null()) word = "INCONCLUSIVE";
    }
    fmt::format_to(std::back_inserter(out), "  {}  {:<60} actual {}\n", word, condition, actual);
  }
}

void append_invariants(const Json& j, std::string& out) {
  const Json& invariants = j.at("invariants");
  const auto violations = invariants.at("violations").get<std::uint64_t>();
  fmt::format_to(std::back_inserter(out), "\ninvariants   {} violation{}\n", violations,
                 violations == 1 ? "" : "s");
  const Json& details = invariants.at("details");
  for (const Json& d : details) {
    fmt::format_to(std::back_inserter(out), "  order {} at {:.3f} ms, event {}: {}\n",
                   internal::number_text(d.at("order")), d.at("time_ms").get<double>(),
                   d.at("event").get<std::string>(), d.at("message").get<std::string>());
  }
  if (violations > details.size()) {
    fmt::format_to(std::back_inserter(out), "  ... and {} more (only the first {} are kept)\n",
                   violations - details.size(), details.size());
  }
}

}  // namespace

std::string render_table(const Report& report) {
  const Json j = to_json(report);
  std::string out;
  append_header(j, out);
  append_counter_groups(j, out);
  append_latencies(j, out);
  append_expectations(j, out);
  append_invariants(j, out);
  return out;
}

}  // namespace reports
