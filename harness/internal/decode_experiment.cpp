// The top level of a scenario, and the keys that describe the experiment rather than the world:
// `variants:`, `sweep:`, `replications:` and `expect:`.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "harness/internal/overrides.h"
#include "harness/internal/scenario_decode.h"
#include "harness/internal/value_readers.h"
#include "reports/metrics.h"

namespace harness::internal {
namespace {

// Every metric path a report has, from the metric table (reports/metrics.h), so a metric added
// there is valid in `expect:` without a list to keep in step here.
const std::vector<std::string>& known_metric_paths() {
  static const std::vector<std::string> paths = [] {
    std::vector<std::string> out;
    for (const reports::MetricDefinition& metric : reports::metric_definitions()) {
      out.push_back(metric.path);
    }
    return out;
  }();
  return paths;
}

// The metric groups (the first segment of the paths), in report order.
std::vector<std::string> metric_groups() {
  std::vector<std::string> groups;
  for (const std::string& path : known_metric_paths()) {
    std::string group = path.substr(0, path.find('.'));
    if (std::find(groups.begin(), groups.end(), group) == groups.end())
      groups.push_back(std::move(group));
  }
  return groups;
}

// Why `metric` is not a metric path of the report, or "" when it is one.
std::string unknown_metric_problem(const std::string& metric) {
  const std::vector<std::string>& paths = known_metric_paths();
  if (std::find(paths.begin(), paths.end(), metric) != paths.end()) return "";
  std::string problem = "unknown metric '" + metric + "'";
  const std::string suggestion = did_you_mean(metric, paths);
  if (!suggestion.empty()) return problem + suggestion;
  // No near miss: list what the group has, or the groups when the group itself is unknown.
  const std::string group = metric.substr(0, metric.find('.'));
  std::vector<std::string> in_group;
  for (const std::string& path : paths) {
    if (path.compare(0, group.size() + 1, group + ".") == 0) in_group.push_back(path);
  }
  if (!in_group.empty()) return problem + "; '" + group + "' has: " + join(in_group);
  const std::vector<std::string> groups = metric_groups();
  return problem + "; metric groups: " + join(groups) + did_you_mean(group, groups);
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<double> parse_threshold(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0.0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<Expectation> decode_expectation(Decoder& d, const Cursor& at,
                                              const std::string& metric) {
  Expectation expectation;
  expectation.metric = metric;
  if (!at.node.IsScalar()) {
    d.error(at, "expected a number or a comparison like \"< 60000\", got " + describe(at.node));
    return std::nullopt;
  }
  std::string_view text = trim(at.node.Scalar());
  expectation.text = std::string(text);
  // Two-character operators first, so "<=" is not read as "<" followed by "=".
  static constexpr std::pair<std::string_view, CompareOp> kOps[] = {
      {"<=", CompareOp::kLe}, {">=", CompareOp::kGe}, {"==", CompareOp::kEq},
      {"!=", CompareOp::kNe}, {"<", CompareOp::kLt},  {">", CompareOp::kGt}};
  for (const auto& [spelling, op] : kOps) {
    if (text.substr(0, spelling.size()) == spelling) {
      expectation.op = op;
      text.remove_prefix(spelling.size());
      break;
    }
  }
  // "< 60000 at 95%": a confidence over the replications.
  if (const size_t at_sign = text.rfind(" at "); at_sign != std::string_view::npos) {
    std::string_view level = trim(text.substr(at_sign + 4));
    text = trim(text.substr(0, at_sign));
    const std::optional<double> percent = level.size() > 1 && level.back() == '%'
                                              ? parse_threshold(level.substr(0, level.size() - 1))
                                              : std::nullopt;
    if (!percent || *percent < 80 || *percent > 99.9) {
      d.error(at,
              "expected a confidence like \"at 95%\" (80% to 99.9%) after the threshold, got '" +
                  at.node.Scalar() + "'");
      return std::nullopt;
    }
    if (expectation.op == CompareOp::kEq || expectation.op == CompareOp::kNe) {
      d.error(at,
              "a confidence needs <, <=, > or >= (an interval is on one side of a threshold), "
              "got '" +
                  at.node.Scalar() + "'");
      return std::nullopt;
    }
    expectation.confidence = *percent / 100.0;
  }
  if (std::optional<double> threshold = parse_threshold(text)) {
    expectation.threshold = *threshold;
    return expectation;
  }
  d.error(at,
          "expected a number or a comparison like \"< 60000\", \"<= 5\", \">= 0.99\", \"== 0\", "
          "\"!= 0\" or \"< 60000 at 95%\", got '" +
              at.node.Scalar() + "'");
  return std::nullopt;
}

bool is_valid_key_path(Decoder& d, const Cursor& at, const std::string& key) {
  std::string problem;
  if (split_key_path(key, &problem)) return true;
  d.error(at, problem);
  return false;
}

}  // namespace

std::string to_yaml_text(const YAML::Node& node) {
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << node;
  return out.good() ? std::string(out.c_str()) : std::string();
}

void decode_expect(Decoder& d, const Cursor& at, std::vector<Expectation>& out) {
  out.clear();
  if (!at.node.IsMap()) {
    d.error(at, "expected a map of metric: threshold, got " + describe(at.node));
    return;
  }
  for (const auto& kv : at.node) {
    std::string metric = kv.first.IsScalar() ? kv.first.Scalar() : "";
    Cursor value_at = d.child(at, kv.second, "expect." + metric);
    if (metric.find('.') == std::string::npos || metric.back() == '.') {
      d.error_at(value_at, kv.first,
                 "expected a metric path like dropped.final, got '" + metric + "'");
      continue;
    }
    if (std::string problem = unknown_metric_problem(metric); !problem.empty()) {
      d.error_at(value_at, kv.first, std::move(problem));
      continue;
    }
    bool duplicate = std::any_of(out.begin(), out.end(),
                                 [&](const Expectation& e) { return e.metric == metric; });
    if (duplicate) {
      d.error_at(value_at, kv.first, "duplicate key '" + metric + "'");
      continue;
    }
    if (auto expectation = decode_expectation(d, value_at, metric))
      out.push_back(std::move(*expectation));
  }
}

void decode_variants(Decoder& d, const Cursor& at, std::vector<Variant>& out) {
  out.clear();
  for_each_item(d, at, [&](const Cursor& item) {
    MapReader reader(d, item);
    if (!reader.is_map()) {
      if (item.node.IsNull()) d.error(item, "a variant needs 'name' and 'set'");
      return;
    }
    Variant variant;
    if (!reader.read("name", variant.name, decode_string)) {
      if (!reader.has("name")) d.error(item, "a variant needs a 'name'");
      return;
    }
    for (const Variant& other : out) {
      if (other.name == variant.name)
        d.error(item, "duplicate variant name '" + variant.name + "'");
    }
    std::optional<Cursor> set_at = reader.get("set");
    if (!set_at || !set_at->node.IsMap()) {
      d.error(set_at ? *set_at : item, "a variant needs 'set': a map of dotted.key: value");
      return;
    }
    for (const auto& kv : set_at->node) {
      std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      Cursor value_at = d.child(*set_at, kv.second, set_at->path + "." + key);
      if (!is_valid_key_path(d, value_at, key)) continue;
      variant.set.emplace_back(key, to_yaml_text(kv.second));
    }
    out.push_back(std::move(variant));
  });
}

void decode_sweep(Decoder& d, const Cursor& at, std::vector<SweepAxis>& out) {
  out.clear();
  if (!at.node.IsMap()) {
    d.error(at, "expected a map of dotted.key: [values...], got " + describe(at.node));
    return;
  }
  for (const auto& kv : at.node) {
    SweepAxis axis;
    axis.key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    Cursor values_at = d.child(at, kv.second, "sweep." + axis.key);
    if (!is_valid_key_path(d, values_at, axis.key)) continue;
    if (!kv.second.IsSequence() || kv.second.size() == 0) {
      d.error(values_at, "expected a non-empty list of values, got " + describe(kv.second));
      continue;
    }
    if (kv.second.size() > kMaxListLength) {
      d.error(values_at, fmt::format("at most {} values allowed", kMaxListLength));
      continue;
    }
    for (const YAML::Node& value : kv.second) axis.values.push_back(to_yaml_text(value));
    out.push_back(std::move(axis));
  }
}

void decode_scenario(Decoder& d, const YAML::Node& document, Scenario& out,
                     bool decode_alternatives) {
  Cursor root = d.root(document);
  if (!document || document.IsNull()) {
    d.error(root,
            "the file holds no scenario (it is empty or only comments); a scenario is a YAML map "
            "of keys (name, seed, channels, system, ...)");
    return;
  }
  if (!document.IsMap()) {
    d.error(root,
            "a scenario must be a YAML map of keys (name, seed, channels, system, ...), got " +
                describe(document));
    return;
  }
  MapReader reader(d, root);
  reader.read("name", out.name, decode_string);
  reader.read("seed", out.seed, decode_uint64);
  const std::optional<Cursor> duration_at = reader.get("duration");
  if (duration_at) {
    if (auto duration = decode_positive_duration(d, *duration_at)) out.duration = *duration;
  }
  reader.read("drain", out.drain, decode_duration);
  const std::optional<Cursor> traffic_at = reader.get("traffic");
  if (traffic_at) decode_traffic(d, *traffic_at, out.traffic);
  check_workload_fits(d,
                      traffic_at    ? *traffic_at
                      : duration_at ? *duration_at
                                    : root,
                      out.traffic, out.duration);
  if (auto at = reader.get("user")) decode_user(d, *at, out.user);
  if (auto at = reader.get("channels")) {
    decode_channels(d, *at, out.channels);
  } else {
    Cursor missing = root;
    missing.path = "channels";
    d.error(missing, "at least one channel is required");
  }
  if (auto at = reader.get("system")) decode_system(d, *at, out.system);
  if (auto at = reader.get("environment")) decode_environment(d, *at, out.system);
  if (!decode_alternatives) {
    reader.has("variants");
    reader.has("sweep");
  } else {
    if (auto at = reader.get("variants")) decode_variants(d, *at, out.variants);
    if (auto at = reader.get("sweep")) decode_sweep(d, *at, out.sweep);
  }
  reader.read("replications", out.replications, IntInRange{1, 100'000});
  if (auto at = reader.get("expect")) {
    decode_expect(d, *at, out.expect);
    const bool with_confidence = std::any_of(out.expect.begin(), out.expect.end(),
                                             [](const Expectation& e) { return e.confidence > 0; });
    if (with_confidence && out.replications < 2) {
      d.error(*at,
              "an expectation \"at N%\" is judged over the scenario's replications: set "
              "replications to 2 or more (5 to 30 gives a useful interval)");
    }
  }
  if (auto at = reader.get("live")) decode_live(d, *at, out.live);
  reader.read("$schema", out.schema, decode_string);
}

}  // namespace harness::internal
