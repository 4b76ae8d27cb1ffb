#include "harness/shrink.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <exception>
#include <utility>

#include "harness/internal/scenario_decode.h"
#include "harness/internal/scenario_points.h"
#include "harness/internal/yaml_reader.h"
#include "harness/run.h"
#include "harness/world.h"

namespace harness {
namespace {

// The keys `run` would not judge one run by: the condition is the judge.
constexpr const char* kJudgedKeys[] = {"expect",       "variants", "sweep",
                                       "replications", "live",     "$schema"};
// Probabilities whose faults grow as they fall: never lowered.
constexpr std::string_view kGoodProbabilities[] = {"pay_probability", "success_probability"};
// The lower pass stops halving a probability below this.
constexpr double kLowestProbability = 0.001;
// The scale pass stops halving the arrival rate below this (one order a minute).
constexpr double kLowestRatePerS = 1.0 / 60.0;

// One step of a path into the document: a map key or a list index.
struct Step {
  std::string key;
  size_t index = 0;
  bool is_index = false;
};
using Path = std::vector<Step>;

Path child_of(const Path& path, std::string key) {
  Path out = path;
  out.push_back(Step{std::move(key), 0, false});
  return out;
}
Path child_of(const Path& path, size_t index) {
  Path out = path;
  out.push_back(Step{"", index, true});
  return out;
}

bool is_leaf(const YAML::Node& node) { return node.IsScalar() || node.IsNull(); }

// A copy sharing nothing with `node`: the file's aliases become separate values, so that an edit
// changes only the place it names.
YAML::Node deep_copy(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      YAML::Node out(YAML::NodeType::Map);
      for (const auto& kv : node) out.force_insert(deep_copy(kv.first), deep_copy(kv.second));
      return out;
    }
    case YAML::NodeType::Sequence: {
      YAML::Node out(YAML::NodeType::Sequence);
      for (const YAML::Node& item : node) out.push_back(deep_copy(item));
      return out;
    }
    case YAML::NodeType::Scalar:
      return YAML::Node(node.Scalar());
    default:
      return YAML::Node(YAML::NodeType::Null);
  }
}

size_t leaves_of(const YAML::Node& node) {
  if (is_leaf(node)) return 1;
  size_t n = 0;
  if (node.IsMap()) {
    for (const auto& kv : node) n += leaves_of(kv.second);
  } else if (node.IsSequence()) {
    for (const YAML::Node& item : node) n += leaves_of(item);
  }
  return n;
}

// The node at `path`, a handle on the document's own memory; nullopt when it is not there.
// Lookups go through const nodes, which create nothing.
std::optional<YAML::Node> locate(const YAML::Node& root, const Path& path) {
  YAML::Node at(root);
  for (const Step& step : path) {
    const YAML::Node& here = at;
    if (step.is_index) {
      if (!here.IsSequence() || step.index >= here.size()) return std::nullopt;
      at.reset(here[step.index]);
    } else {
      if (!here.IsMap()) return std::nullopt;
      const YAML::Node child = here[step.key];
      if (!child.IsDefined()) return std::nullopt;
      at.reset(child);
    }
  }
  return at;
}

// Takes the entry at `path` out of its map or list; false when it cannot.
bool remove_at(YAML::Node& root, const Path& path) {
  if (path.empty()) return false;
  const Path parent_path(path.begin(), path.end() - 1);
  std::optional<YAML::Node> parent = locate(root, parent_path);
  if (!parent) return false;
  const Step& last = path.back();
  if (!last.is_index) return parent->IsMap() && parent->remove(last.key);
  if (!parent->IsSequence() || last.index >= parent->size() || parent_path.empty()) return false;
  // A list loses an entry by being rebuilt without it, in its map.
  const Step& list = parent_path.back();
  std::optional<YAML::Node> holder = locate(root, Path(parent_path.begin(), parent_path.end() - 1));
  if (list.is_index || !holder || !holder->IsMap()) return false;
  YAML::Node rebuilt(YAML::NodeType::Sequence);
  for (size_t i = 0; i < parent->size(); ++i) {
    if (i != last.index) rebuilt.push_back((*parent)[i]);
  }
  (*holder)[list.key] = rebuilt;
  return true;
}

// "channels[b].callback.drop_probability": list entries by their name where they have one.
std::string describe(const YAML::Node& root, const Path& path) {
  std::string out;
  Path walked;
  for (const Step& step : path) {
    if (step.is_index) {
      std::optional<YAML::Node> entry = locate(root, child_of(walked, step.index));
      const YAML::Node name =
          entry && entry->IsMap() ? std::as_const(*entry)["name"] : YAML::Node();
      // fmt, not operator+: g++ 12 flags a literal + std::string falsely at -O3 (-Wrestrict).
      out += name.IsDefined() && name.IsScalar() ? fmt::format("[{}]", name.Scalar())
                                                 : fmt::format("[{}]", step.index);
    } else {
      out += (out.empty() ? "" : ".") + step.key;
    }
    walked.push_back(step);
  }
  return out;
}

// Paths the shrinker keeps: the scenario's name and seed, the scale keys (written by the scale
// pass, never removed, or removing and re-writing them would go round in circles), and the
// names of channels (a channel is dropped whole or not at all).
bool is_kept(const Path& path) {
  if (path.size() == 1 && !path[0].is_index) {
    const std::string& k = path[0].key;
    return k == "name" || k == "seed" || k == "duration" || k == "drain";
  }
  if (path.size() == 2 && path[0].key == "traffic" && path[1].key == "rate") return true;
  return path.size() == 3 && path[0].key == "channels" && path[1].is_index && path[2].key == "name";
}

// Whether removing `path` would remove a kept path with it.
bool holds_kept(const Path& path) {
  if (path.empty()) return true;
  if (path.size() == 1 && (path[0].key == "traffic" || path[0].key == "channels")) return true;
  return path.size() == 2 && path[0].key == "channels";  // a channel entry: the channel pass's
}

bool is_lowerable(const Path& path) {
  if (path.empty() || path.back().is_index) return false;
  const std::string_view key = path.back().key;
  constexpr std::string_view kSuffix = "_probability";
  if (key.size() < kSuffix.size() || key.substr(key.size() - kSuffix.size()) != kSuffix)
    return false;
  return std::find(std::begin(kGoodProbabilities), std::end(kGoodProbabilities), key) ==
         std::end(kGoodProbabilities);
}

std::optional<double> number(const YAML::Node& node) {
  if (!node.IsScalar()) return std::nullopt;
  const std::string& text = node.Scalar();
  double value = 0.0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

// Emits `node` as a person would write it: block maps, with short lists, their entries, and
// distributions (`{dist: exponential, mean: 5s}`) on one line.
void emit_node(YAML::Emitter& out, const YAML::Node& node, bool flow) {
  if (node.IsMap()) {
    bool scalars = true;
    for (const auto& kv : node) scalars = scalars && is_leaf(kv.second);
    if (flow || (scalars && std::as_const(node)["dist"].IsDefined())) out << YAML::Flow;
    out << YAML::BeginMap;
    for (const auto& kv : node) {
      out << YAML::Key;
      emit_node(out, kv.first, flow);
      out << YAML::Value;
      emit_node(out, kv.second, flow);
    }
    out << YAML::EndMap;
  } else if (node.IsSequence()) {
    bool short_entries = true;
    for (const YAML::Node& item : node) {
      bool leaf_map = item.IsMap();
      if (leaf_map) {
        for (const auto& kv : item) leaf_map = leaf_map && is_leaf(kv.second);
      }
      short_entries = short_entries && (is_leaf(item) || leaf_map);
    }
    const bool inline_list = flow || short_entries;
    if (inline_list) out << YAML::Flow;
    out << YAML::BeginSeq;
    for (const YAML::Node& item : node) emit_node(out, item, inline_list);
    out << YAML::EndSeq;
  } else if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    // Text a plain scalar would read back as null.
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
      out << YAML::DoubleQuoted;
    out << text;
  } else {
    out << YAML::Null;
  }
}

std::string emit_readable(const YAML::Node& document) {
  YAML::Emitter out;
  emit_node(out, document, false);
  return std::string(out.c_str()) + "\n";
}

CompareOp negated(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return CompareOp::kNe;
    case CompareOp::kNe:
      return CompareOp::kEq;
    case CompareOp::kLt:
      return CompareOp::kGe;
    case CompareOp::kLe:
      return CompareOp::kGt;
    case CompareOp::kGt:
      return CompareOp::kLe;
    case CompareOp::kGe:
      return CompareOp::kLt;
  }
  return CompareOp::kNe;
}

std::string trim(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  const size_t last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

double condition_value(const ShrinkCondition& until, const reports::Report& report) {
  if (until.invariant) return static_cast<double>(report.invariants.violations);
  reports::Report copy = report;
  evaluate_expectations({until.expectation}, copy);
  return copy.expect.empty() ? 0.0 : copy.expect.front().actual.value_or(0.0);
}

// The order that shows the failure in a finished run, and what it is; 0 when the condition names
// no order.
std::pair<uint64_t, std::string> witness_of(const ShrinkCondition& until, const World& world,
                                            const reports::Report& report) {
  if (until.invariant) {
    if (report.invariants.details.empty()) return {0, ""};
    return {report.invariants.details.front().order, "the order of the first invariant violation"};
  }
  const std::string& metric = until.expectation.metric;
  const Recorder& recorder = world.recorder();
  auto starts = [&](std::string_view prefix) { return metric.rfind(prefix, 0) == 0; };
  if (starts("dropped.user_visible"))
    return {recorder.first_user_visible(), "the first order shown unpaid to a user who paid"};
  if (starts("dropped."))
    return {recorder.first_dropped(), "the first order that ended the run dropped"};
  if (starts("duplicates."))
    return {recorder.first_duplicate(), "the first order charged more than once"};
  return {0, ""};
}

class Shrinker {
 public:
  Shrinker(const ShrinkOptions& options, std::string label, ShrinkResult& result)
      : options_(options), label_(std::move(label)), result_(result) {}

  // Judges `document` as given; false when it does not load or does not fail.
  bool start(YAML::Node document) {
    result_.keys_before = leaves_of(document);
    std::optional<Judged> first = judge(document);
    if (!first) return false;
    if (!first->loaded) {
      result_.status = ShrinkResult::Status::kError;
      result_.errors = std::move(first->errors);
      return false;
    }
    result_.orders_before = first->report.orders.created;
    result_.value_before = condition_value(options_.until, first->report);
    if (!first->holds) {
      result_.status = ShrinkResult::Status::kDoesNotFail;
      return false;
    }
    current_ = std::move(document);
    keep(std::move(*first));
    return true;
  }

  void run_rounds() {
    for (;;) {
      const size_t kept = result_.steps.size();
      scale();
      remove_under({});
      lower();
      if (result_.steps.size() == kept || result_.budget_exhausted) break;
    }
  }

  void finish() {
    result_.status = ShrinkResult::Status::kShrunk;
    result_.keys_after = leaves_of(current_);
    result_.orders_after = best_.report.orders.created;
    result_.value_after = condition_value(options_.until, best_.report);
    result_.witness_order = best_.witness;
    result_.witness = best_.witness_text;
    result_.scenario = std::move(best_.scenario);
    YAML::Node file = deep_copy(current_);
    if (std::optional<std::pair<std::string, std::string>> expect =
            failing_expectation(options_.until)) {
      file["expect"][expect->first] = expect->second;
    }
    result_.yaml = emit_readable(file);
  }

 private:
  struct Judged {
    bool loaded = false;
    std::vector<std::string> errors;
    bool holds = false;
    reports::Report report;
    std::optional<Scenario> scenario;
    uint64_t witness = 0;
    std::string witness_text;
  };

  // Loads and runs `document`; nullopt when the run budget is spent.
  std::optional<Judged> judge(const YAML::Node& document) {
    if (result_.runs >= options_.max_runs) {
      result_.budget_exhausted = true;
      return std::nullopt;
    }
    Judged judged;
    LoadResult loaded = internal::load_scenario_point(emit_readable(document), label_, {}, "");
    if (!loaded.ok()) {
      for (const ScenarioError& e : loaded.errors) judged.errors.push_back(e.to_string());
      return judged;
    }
    judged.loaded = true;
    ++result_.runs;
    try {
      World world(*loaded.scenario);
      if (options_.planted_bug != sut::PlantedBug::kNone) world.plant_bug(options_.planted_bug);
      judged.report = world.run();
      judged.holds = condition_holds(options_.until, judged.report);
      std::tie(judged.witness, judged.witness_text) =
          witness_of(options_.until, world, judged.report);
    } catch (const std::exception& e) {
      judged.errors.push_back(std::string("the run stopped: ") + e.what());
      judged.holds = false;
    }
    judged.scenario = std::move(loaded.scenario);
    return judged;
  }

  void keep(Judged judged) { best_ = std::move(judged); }

  // Runs `candidate`; when the failure stays, it becomes the current scenario and `change` a step.
  bool try_keep(YAML::Node candidate, const std::string& change) {
    std::optional<Judged> judged = judge(candidate);
    if (!judged || !judged->loaded || !judged->holds) return false;
    current_ = std::move(candidate);
    keep(std::move(*judged));
    result_.steps.push_back(change);
    if (options_.on_step) options_.on_step(change, result_.runs);
    return true;
  }

  const Scenario& scenario() const { return *best_.scenario; }

  void scale() {
    while (!result_.budget_exhausted) {
      const sim::Duration now = scenario().duration;
      const sim::Duration half = sim::Duration::seconds(now.us() / 2'000'000);
      if (half < sim::Duration::seconds(1)) break;
      YAML::Node candidate = deep_copy(current_);
      candidate["duration"] = sim::format_duration(half);
      if (!try_keep(candidate, fmt::format("duration {} -> {}", sim::format_duration(now),
                                           sim::format_duration(half))))
        break;
    }
    while (!result_.budget_exhausted && scenario().traffic.profile.empty()) {
      const double now = scenario().traffic.rate_per_s;
      const double half = now / 2;
      if (half < kLowestRatePerS) break;
      YAML::Node candidate = deep_copy(current_);
      candidate["traffic"]["rate"] = fmt::format("{}/s", half);
      if (!try_keep(candidate, fmt::format("traffic.rate {}/s -> {}/s", now, half))) break;
    }
  }

  bool try_remove(const Path& path) {
    std::optional<YAML::Node> node = locate(current_, path);
    if (!node) return false;
    std::string change = "removed " + describe(current_, path);
    if (node->IsScalar()) change += " (" + node->Scalar() + ")";
    YAML::Node candidate = deep_copy(current_);
    return remove_at(candidate, path) && try_keep(candidate, change);
  }

  // Drops every key under `path` that the failure does not need: a whole subtree first, then,
  // when the failure needs something in it, its entries one by one.
  void remove_under(const Path& path) {
    std::optional<YAML::Node> node = locate(current_, path);
    if (!node) return;
    if (node->IsMap()) {
      std::vector<std::string> keys;
      for (const auto& kv : *node) {
        if (kv.first.IsScalar()) keys.push_back(kv.first.Scalar());
      }
      for (const std::string& key : keys) {
        if (result_.budget_exhausted) return;
        const Path child = child_of(path, key);
        if (is_kept(child)) continue;
        if (!holds_kept(child) && try_remove(child)) continue;
        if (path.empty() && key == "channels") {
          remove_channels(child);
          continue;
        }
        std::optional<YAML::Node> value = locate(current_, child);
        if (value && !is_leaf(*value)) remove_under(child);
      }
    } else if (node->IsSequence()) {
      for (size_t i = node->size(); i-- > 0;) {
        if (result_.budget_exhausted) return;
        const Path child = child_of(path, i);
        if (try_remove(child)) continue;
        std::optional<YAML::Node> value = locate(current_, child);
        if (value && !is_leaf(*value)) remove_under(child);
      }
    }
  }

  // Drops channels one at a time (the others' shares scaled to sum to 1), then shrinks each
  // channel that stays.
  void remove_channels(const Path& path) {
    std::optional<YAML::Node> list = locate(current_, path);
    if (!list || !list->IsSequence()) return;
    for (size_t i = list->size(); i-- > 0;) {
      if (result_.budget_exhausted) return;
      list = locate(current_, path);
      if (list->size() < 2 || scenario().channels.size() != list->size()) break;
      YAML::Node candidate = deep_copy(current_);
      const std::string change = "removed " + describe(current_, child_of(path, i));
      if (!remove_at(candidate, child_of(path, i))) continue;
      rescale_shares(candidate, i);
      try_keep(candidate, change);
    }
    list = locate(current_, path);
    for (size_t i = list->size(); i-- > 0;) remove_under(child_of(path, i));
  }

  // After channel `removed` left `candidate`: the others' shares in proportion, summing to 1.
  void rescale_shares(YAML::Node& candidate, size_t removed) const {
    const std::vector<channels::ChannelConfig>& before = scenario().channels;
    YAML::Node list = candidate["channels"];
    if (list.size() == 1) {
      list[0].remove("share");
      return;
    }
    double sum = 0.0;
    for (size_t i = 0; i < before.size(); ++i) sum += i == removed ? 0.0 : before[i].share;
    if (sum <= 0.0) return;
    double written = 0.0;
    size_t at = 0;
    for (size_t i = 0; i < before.size(); ++i) {
      if (i == removed) continue;
      const bool last = at + 1 == list.size();
      const double share = last ? 1.0 - written : before[i].share / sum;
      written += share;
      list[at++]["share"] = fmt::format("{}", share);
    }
  }

  void collect_lowerable(const YAML::Node& node, const Path& path, std::vector<Path>& out) const {
    if (node.IsMap()) {
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) continue;
        const Path child = child_of(path, kv.first.Scalar());
        if (is_leaf(kv.second)) {
          if (is_lowerable(child)) out.push_back(child);
        } else {
          collect_lowerable(kv.second, child, out);
        }
      }
    } else if (node.IsSequence()) {
      for (size_t i = 0; i < node.size(); ++i) collect_lowerable(node[i], child_of(path, i), out);
    }
  }

  // Halves each fault probability while the failure stays.
  void lower() {
    std::vector<Path> paths;
    collect_lowerable(current_, {}, paths);
    for (const Path& path : paths) {
      while (!result_.budget_exhausted) {
        std::optional<YAML::Node> node = locate(current_, path);
        const std::optional<double> now = node ? number(*node) : std::nullopt;
        if (!now || *now / 2 < kLowestProbability) break;
        YAML::Node candidate = deep_copy(current_);
        std::optional<YAML::Node> at = locate(candidate, path);
        *at = fmt::format("{}", *now / 2);
        if (!try_keep(candidate,
                      fmt::format("{} {} -> {}", describe(current_, path), *now, *now / 2)))
          break;
      }
    }
  }

  const ShrinkOptions& options_;
  std::string label_;
  ShrinkResult& result_;
  YAML::Node current_;  // the smallest failing document so far
  Judged best_;         // its run
};

}  // namespace

std::optional<ShrinkCondition> parse_shrink_condition(std::string_view text, std::string* error) {
  const std::string condition = trim(text);
  if (condition == "invariant") return ShrinkCondition{true, {}, condition};
  const size_t split = condition.find_first_of(" \t<>=!");
  const std::string metric = condition.substr(0, split);
  const std::string rest = split == std::string::npos ? "" : trim(condition.substr(split));
  if (metric.empty() || rest.empty()) {
    *error = "--until: expected 'invariant' or 'METRIC OP VALUE' like 'dropped.final > 0', got '" +
             condition + "'";
    return std::nullopt;
  }
  std::vector<ScenarioError> errors;
  internal::Decoder decoder(internal::Origin{"--until", false, ""}, &errors);
  YAML::Node map(YAML::NodeType::Map);
  map[metric] = rest;
  std::vector<Expectation> parsed;
  internal::decode_expect(decoder, decoder.root(map), parsed);
  if (!errors.empty() || parsed.size() != 1) {
    *error =
        errors.empty() ? "--until: cannot read '" + condition + "'" : errors.front().to_string();
    return std::nullopt;
  }
  if (parsed.front().confidence != 0.0) {
    *error = "--until: shrink judges one run at a time; leave out 'at N%' in '" + condition + "'";
    return std::nullopt;
  }
  return ShrinkCondition{false, std::move(parsed.front()), condition};
}

bool condition_holds(const ShrinkCondition& until, const reports::Report& report) {
  if (until.invariant) return report.invariants.violations > 0;
  reports::Report copy = report;
  return evaluate_expectations({until.expectation}, copy);
}

std::optional<std::pair<std::string, std::string>> failing_expectation(
    const ShrinkCondition& until) {
  if (until.invariant) return std::nullopt;
  const Expectation& e = until.expectation;
  return std::pair{e.metric, fmt::format("{} {}", to_string(negated(e.op)), e.threshold)};
}

size_t count_leaves(std::string_view yaml_text) {
  try {
    return leaves_of(YAML::Load(std::string(yaml_text)));
  } catch (const std::exception&) {
    return 0;
  }
}

ShrinkResult shrink_scenario(std::string_view yaml_text, const std::string& file_label,
                             const ShrinkOptions& options) {
  ShrinkResult result;
  const LoadResult loaded =
      load_scenario_text(yaml_text, file_label, options.overrides, options.variant);
  if (!loaded.ok()) {
    for (const ScenarioError& e : loaded.errors) result.errors.push_back(e.to_string());
    return result;
  }
  std::optional<YAML::Node> configured =
      internal::configured_document(yaml_text, file_label, options.overrides, options.variant);
  if (!configured) {
    result.errors.push_back(file_label + ": cannot rebuild the scenario's document");
    return result;
  }
  YAML::Node document = deep_copy(*configured);
  for (const char* judged : kJudgedKeys) document.remove(judged);
  document["seed"] = std::to_string(loaded.scenario->seed);
  if (!std::as_const(document)["name"].IsDefined()) document["name"] = loaded.scenario->name;

  Shrinker shrinker(options, file_label, result);
  if (!shrinker.start(document)) return result;
  shrinker.run_rounds();
  shrinker.finish();
  return result;
}

}  // namespace harness
