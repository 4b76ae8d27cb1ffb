#include "harness/internal/moved_keys.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

#include "harness/internal/overrides.h"

namespace harness::internal {

namespace {

constexpr std::array<MovedKey, 11> kMoved = {{
    {"system.payment_service.step_latency", "environment.payment_service.step_latency"},
    {"system.payment_service.crashes", "environment.payment_service.crashes"},
    {"system.dedup.lock_stall_probability", "environment.payment_service.lock_stall_probability"},
    {"system.dedup.lock_stall", "environment.payment_service.lock_stall"},
    {"system.order_service.notify_latency", "environment.order_service.notify_latency"},
    {"system.order_service.notify_failure_probability",
     "environment.order_service.notify_failure_probability"},
    {"system.order_service.outages", "environment.order_service.outages"},
    {"system.notify.mq_latency", "environment.mq.latency"},
    {"system.notify.mq_loss_probability", "environment.mq.loss_probability"},
    {"system.client.push.loss_probability", "environment.push.loss_probability"},
    {"system.client.push.latency", "environment.push.latency"},
}};

std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    out.emplace_back(path.substr(start, dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

// The map node at `segments` (all but the last), or an invalid node if any step is missing or
// not a map.
YAML::Node parent_of(const YAML::Node& document, const std::vector<std::string>& segments) {
  YAML::Node current;
  current.reset(document);
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    if (!current.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    // Looked up through a const node: a missing key must not leave an empty entry behind.
    YAML::Node next = std::as_const(current)[segments[i]];
    if (!next.IsDefined() || !next.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    current.reset(next);
  }
  return current;
}

// The map at `segments` (all but the last), created along the way. False if a step is a
// non-map value (the decoder will report that key).
bool ensure_parent(YAML::Node& document, const std::vector<std::string>& segments,
                   YAML::Node& out) {
  YAML::Node current;
  current.reset(document);
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    YAML::Node next = current[segments[i]];
    if (!next.IsDefined() || next.IsNull()) {
      current[segments[i]] = YAML::Node(YAML::NodeType::Map);
      next = current[segments[i]];
    }
    if (!next.IsMap()) return false;
    current.reset(next);
  }
  out.reset(current);
  return true;
}

// `notices` and `errors` null: after the overrides, an old spelling wins.
void migrate(YAML::Node& document, const std::string& label, std::vector<std::string>* notices,
             std::vector<ScenarioError>* errors) {
  if (!document.IsMap()) return;
  for (const MovedKey& moved : kMoved) {
    const std::vector<std::string> old_segments = split(moved.old_path);
    YAML::Node old_parent = parent_of(document, old_segments);
    if (!old_parent.IsDefined() || !old_parent.IsMap()) continue;
    const YAML::Node value = std::as_const(old_parent)[old_segments.back()];
    if (!value.IsDefined()) continue;
    const YAML::Mark mark = value.Mark();
    const int line = mark.line >= 0 ? mark.line + 1 : 0;
    const int column = mark.column >= 0 ? mark.column + 1 : 0;
    const std::vector<std::string> new_segments = split(moved.new_path);
    const YAML::Node new_parent = parent_of(document, new_segments);
    const bool both =
        new_parent.IsDefined() && new_parent.IsMap() && new_parent[new_segments.back()].IsDefined();
    if (both && errors != nullptr) {
      errors->push_back({label, line, column, std::string(moved.old_path),
                         "given twice: also as " + std::string(moved.new_path) +
                             " (its new spelling); keep only " + std::string(moved.new_path)});
      old_parent.remove(old_segments.back());  // reported once, here
      continue;
    }
    YAML::Node target;
    if (!ensure_parent(document, new_segments, target)) continue;  // the decoder reports it
    target[new_segments.back()] = value;
    old_parent.remove(old_segments.back());
    if (notices == nullptr) continue;
    std::string where = label + ":";
    if (line > 0) where += std::to_string(line) + ":" + std::to_string(column) + ":";
    notices->push_back(where + " " + std::string(moved.old_path) + " is now " +
                       std::string(moved.new_path) +
                       " (the environment, not the design); the old spelling still works");
  }
}

}  // namespace

std::span<const MovedKey> moved_keys() { return kMoved; }

void migrate_moved_keys(YAML::Node& document, const std::string& label,
                        std::vector<std::string>& notices, std::vector<ScenarioError>& errors) {
  migrate(document, label, &notices, &errors);
}

void migrate_overridden_keys(YAML::Node& document) { migrate(document, "", nullptr, nullptr); }

void rewrite_moved_path(std::vector<std::string>& segments) {
  for (const MovedKey& moved : kMoved) {
    const std::vector<std::string> old_segments = split(moved.old_path);
    if (segments.size() <= old_segments.size()) continue;
    if (!std::equal(old_segments.begin(), old_segments.end(), segments.begin())) continue;
    std::vector<std::string> rewritten = split(moved.new_path);
    rewritten.insert(rewritten.end(),
                     segments.begin() + static_cast<std::ptrdiff_t>(old_segments.size()),
                     segments.end());
    segments = std::move(rewritten);
    return;
  }
}

bool touches_moved_path(std::string_view key) {
  std::string problem;
  const std::optional<std::vector<std::string>> segments = split_key_path(key, &problem);
  if (!segments) return false;
  for (const MovedKey& moved : kMoved) {
    const std::vector<std::string> old_segments = split(moved.old_path);
    const size_t common = std::min(old_segments.size(), segments->size());
    if (std::equal(old_segments.begin(), old_segments.begin() + static_cast<std::ptrdiff_t>(common),
                   segments->begin()))
      return true;
  }
  return false;
}

}  // namespace harness::internal
