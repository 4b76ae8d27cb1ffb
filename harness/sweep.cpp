// Planning sweeps and comparisons (harness/sweep.h): seeds, the grid, and loading each point.
#include "harness/sweep.h"

#include <fmt/format.h>

#include <cstdio>
#include <set>

#include "harness/commands.h"
#include "harness/internal/scenario_points.h"
#include "harness/scenario_source.h"
#include "sim/random.h"

namespace harness {
namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// The digest of the file the base scenario was just loaded from, read under the loader's bound.
std::string file_digest(const std::string& path) {
  std::string error;
  const std::string bytes = read_scenario_text(path, &error).value_or("");
  return fmt::format("fnv1a64:{:016x}", sim::purpose(bytes));  // FNV-1a 64
}

std::string last_segment(const std::string& key) {
  const std::size_t dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

}  // namespace

std::uint64_t replication_seed(std::uint64_t scenario_seed, std::size_t replication) {
  if (replication == 0) return scenario_seed;
  return splitmix64(scenario_seed + replication);
}

std::vector<PlanPoint> grid_points(const std::vector<SweepAxis>& axes) {
  std::set<std::string> short_names;
  for (const SweepAxis& axis : axes) short_names.insert(last_segment(axis.key));
  const bool short_labels = short_names.size() == axes.size();
  std::vector<PlanPoint> points = {PlanPoint{}};
  for (const SweepAxis& axis : axes) {
    std::vector<PlanPoint> next;
    for (const PlanPoint& point : points) {
      for (const std::string& value : axis.values) {
        PlanPoint p = point;
        p.values.push_back({axis.key, value});
        p.label += (p.label.empty() ? "" : ", ") +
                   (short_labels ? last_segment(axis.key) : axis.key) + "=" + value;
        next.push_back(std::move(p));
      }
    }
    points = std::move(next);
  }
  if (axes.empty()) points.front().label = kBaseLabel;
  return points;
}

std::optional<SweepAxis> parse_axis(const std::string& text, std::string* error) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    *error = "expected KEY=V1,V2,... (e.g. system.compensation.polling.interval=10s,60s)";
    return std::nullopt;
  }
  SweepAxis axis{text.substr(0, eq), {}};
  std::string rest = text.substr(eq + 1);
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = rest.find(',', start);
    std::string value =
        rest.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (value.empty()) {
      *error = "empty value in the list";
      return std::nullopt;
    }
    axis.values.push_back(std::move(value));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return axis;
}

std::optional<Plan> plan_experiment(const std::string& path, const std::vector<Override>& set,
                                    const std::vector<SweepAxis>& cli_axes,
                                    int replications_override,
                                    const std::vector<std::string>* variants) {
  const LoadResult base = load_scenario_file(path, set);
  if (!base.ok()) {
    print_load_errors(base);
    return std::nullopt;
  }
  print_load_notices(base);
  const Scenario& s = *base.scenario;
  Plan plan;
  plan.kind = variants != nullptr ? "compare" : "sweep";
  plan.scenario = s.name;
  plan.file = path;
  plan.file_digest = file_digest(path);
  plan.set = set;
  int replications = variants != nullptr ? 1 : s.replications;
  if (replications_override > 0) replications = replications_override;
  for (int r = 0; r < replications; ++r)
    plan.seeds.push_back(replication_seed(s.seed, static_cast<std::size_t>(r)));

  if (variants == nullptr) {
    plan.axes = s.sweep;
    for (const SweepAxis& axis : cli_axes) {
      bool replaced = false;
      for (SweepAxis& existing : plan.axes) {
        if (existing.key == axis.key) existing.values = axis.values, replaced = true;
      }
      if (!replaced) plan.axes.push_back(axis);
    }
    plan.points = grid_points(plan.axes);
    return plan;
  }

  if (s.variants.empty()) {
    std::fprintf(stderr,
                 "%s: the scenario has no variants: to compare, list them under `variants:`\n",
                 path.c_str());
    return std::nullopt;
  }
  // The base scenario is always the first column: the library keeps one side of a comparison
  // in the base, and every variant is also reported as its difference from it.
  for (const Variant& v : s.variants) {
    if (v.name != kBaseLabel) continue;
    std::fprintf(
        stderr,
        "%s: a variant is named '%s', which compare uses for the base scenario (its column and "
        "directory): rename the variant\n",
        path.c_str(), kBaseLabel);
    return std::nullopt;
  }
  plan.points.push_back(PlanPoint{kBaseLabel, {}, ""});
  for (const Variant& v : s.variants) {
    if (!variants->empty() &&
        std::find(variants->begin(), variants->end(), v.name) == variants->end())
      continue;
    PlanPoint point{v.name, {}, v.name};
    for (const auto& [key, value] : v.set) point.values.push_back({key, value});
    plan.points.push_back(std::move(point));
  }
  for (const std::string& name : *variants) {
    const bool known = std::any_of(s.variants.begin(), s.variants.end(),
                                   [&](const Variant& v) { return v.name == name; });
    if (!known) {
      std::string names;
      for (const Variant& v : s.variants) names += (names.empty() ? "" : ", ") + v.name;
      std::fprintf(stderr, "%s: --variant %s: no such variant (the scenario has: %s)\n",
                   path.c_str(), name.c_str(), names.c_str());
      return std::nullopt;
    }
  }
  return plan;
}

std::optional<std::vector<Scenario>> load_points(const Plan& plan) {
  // Read once for all points; the base's load checked every variant and sweep value already.
  std::string error;
  const std::optional<std::string> text = read_scenario_text(plan.file, &error);
  if (!text) {
    std::fprintf(stderr, "%s: %s\n", scenario_label(plan.file).c_str(), error.c_str());
    return std::nullopt;
  }
  std::vector<Scenario> scenarios;
  for (const PlanPoint& point : plan.points) {
    std::vector<Override> overrides = plan.set;
    if (point.variant.empty())
      overrides.insert(overrides.end(), point.values.begin(), point.values.end());
    const LoadResult loaded =
        internal::load_scenario_point(*text, scenario_label(plan.file), overrides, point.variant);
    if (!loaded.ok()) {
      std::fprintf(stderr, "point %s:\n", point.label.c_str());
      print_load_errors(loaded);
      return std::nullopt;
    }
    scenarios.push_back(*loaded.scenario);
  }
  return scenarios;
}

}  // namespace harness
