// The loader's entry points: read, apply variant and overrides to the document tree, decode,
// and (for the base scenario) check that every variant and sweep value also decodes.
#include "harness/scenario_loader.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <set>

#include "harness/file_text.h"
#include "harness/internal/moved_keys.h"
#include "harness/internal/overrides.h"
#include "harness/internal/scenario_decode.h"
#include "harness/internal/scenario_points.h"
#include "harness/internal/text_check.h"
#include "harness/internal/yaml_reader.h"
#include "harness/scenario_source.h"

namespace harness {
namespace {

using internal::Decoder;
using internal::Origin;

// Variant and sweep values checked when loading the base scenario.
constexpr size_t kMaxExtraChecks = 1000;

// A sweep value to apply after the variant: the axis key and the index of the value.
struct SweepPoint {
  std::string key;
  size_t index = 0;
};

ScenarioError error_at_mark(const std::string& file, const YAML::Mark& mark, std::string key_path,
                            std::string message) {
  ScenarioError error{file, 0, 0, std::move(key_path), std::move(message)};
  if (mark.line >= 0 && mark.column >= 0) {
    error.line = mark.line + 1;
    error.column = mark.column + 1;
  }
  return error;
}

// The map entry `key` of `map` as a (key node, value node) pair, without creating anything.
std::optional<std::pair<YAML::Node, YAML::Node>> find_entry(const YAML::Node& map,
                                                            std::string_view key) {
  if (!map.IsMap()) return std::nullopt;
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return std::make_pair(kv.first, kv.second);
  }
  return std::nullopt;
}

std::vector<std::string> variant_names(const YAML::Node& document) {
  std::vector<std::string> names;
  auto variants = find_entry(document, "variants");
  if (!variants || !variants->second.IsSequence()) return names;
  for (const YAML::Node& item : variants->second) {
    auto name = find_entry(item, "name");
    if (name && name->second.IsScalar()) names.push_back(name->second.Scalar());
  }
  return names;
}

// The document being rewritten, and whether it has aliases (internal::apply_override's
// `unshare`: then an override copies the nodes on its path before it writes).
struct Document {
  YAML::Node root;
  bool has_aliases = false;
};

// Applies one dotted `key` = `value` and registers the value's origin; reports a bad path.
void apply_one(Document& document, Decoder& decoder, const std::string& key,
               const YAML::Node& value, Origin origin, ScenarioError path_error_location,
               std::vector<ScenarioError>& errors) {
  std::string problem;
  std::optional<YAML::Node> applied =
      internal::apply_override(document.root, key, value, &problem, document.has_aliases);
  if (!applied) {
    path_error_location.message = std::move(problem) + origin.note;
    errors.push_back(std::move(path_error_location));
    return;
  }
  decoder.add_origin(*applied, std::move(origin));
  // An old spelling it wrote (or a map holding one) moves now, so a later override wins.
  internal::migrate_overridden_keys(document.root);
}

void apply_variant(Document& document, Decoder& decoder, const std::string& label,
                   const std::string& variant, std::vector<ScenarioError>& errors) {
  auto variants = find_entry(document.root, "variants");
  if (variants && variants->second.IsSequence()) {
    for (const YAML::Node& item : variants->second) {
      auto name = find_entry(item, "name");
      if (!name || !name->second.IsScalar() || name->second.Scalar() != variant) continue;
      auto set = find_entry(item, "set");
      if (!set || !set->second.IsMap()) return;  // decoding the variants reports it
      for (const auto& kv : set->second) {
        if (!kv.first.IsScalar()) continue;
        const std::string key = kv.first.Scalar();
        Origin origin{label, true, " (set by variants[" + variant + "])", kv.first.Mark()};
        apply_one(document, decoder, key, kv.second, origin,
                  error_at_mark(label, kv.first.Mark(), key, ""), errors);
      }
      return;
    }
  }
  std::vector<std::string> known = variant_names(document.root);
  YAML::Mark mark = variants ? variants->first.Mark() : YAML::Mark::null_mark();
  std::string message = known.empty()
                            ? "unknown variant '" + variant + "'; the scenario defines no variants"
                            : "unknown variant '" + variant +
                                  "'; known variants: " + internal::join(known) +
                                  internal::did_you_mean(variant, known);
  errors.push_back(error_at_mark(label, mark, "variants", std::move(message)));
}

void apply_sweep_point(Document& document, Decoder& decoder, const std::string& label,
                       const SweepPoint& point, std::vector<ScenarioError>& errors) {
  auto sweep = find_entry(document.root, "sweep");
  if (!sweep) return;
  auto axis = find_entry(sweep->second, point.key);
  if (!axis || !axis->second.IsSequence() || point.index >= axis->second.size()) return;
  YAML::Node value = axis->second[point.index];
  Origin origin{label, true,
                " (sweep value " + std::to_string(point.index + 1) + " of '" + point.key + "')",
                axis->first.Mark()};
  apply_one(document, decoder, point.key, value, origin,
            error_at_mark(label, axis->first.Mark(), "sweep." + point.key, ""), errors);
}

// Whether an override rewrites the alternatives themselves (`variants...`, `sweep...`): those
// apply before a variant or sweep value is picked, or the run would use the file's version.
bool rewrites_alternatives(const Override& override) {
  const std::string_view key = override.key;
  const auto top = key.substr(0, key.find_first_of(".["));
  return top == "variants" || top == "sweep";
}

// Whether the key and value of `override` are UTF-8 (both may reach a report: the value as the
// scenario's name, both as an experiment's settings); reports them when not.
bool is_utf8_override(const Override& override, std::vector<ScenarioError>& errors) {
  const std::string key = internal::escape_invalid_utf8(override.key);
  if (std::optional<size_t> bad = internal::invalid_utf8_offset(override.key)) {
    errors.push_back({"--set", 0, 0, key,
                      "the key is not valid UTF-8 (" +
                          internal::describe_invalid_utf8(override.key, *bad) + ")"});
    return false;
  }
  if (std::optional<size_t> bad = internal::invalid_utf8_offset(override.value)) {
    errors.push_back({"--set", 0, 0, key,
                      "the value is not valid UTF-8 (" +
                          internal::describe_invalid_utf8(override.value, *bad) + ")"});
    return false;
  }
  return true;
}

// Applies the overrides for which `wanted(override)` holds, in command-line order.
template <class Wanted>
void apply_overrides(Document& document, Decoder& decoder, const std::vector<Override>& overrides,
                     std::vector<ScenarioError>& errors, Wanted&& wanted) {
  for (const Override& override : overrides) {
    if (!wanted(override)) continue;
    if (!is_utf8_override(override, errors)) continue;
    YAML::Node value;
    try {
      value = YAML::Load(override.value);
    } catch (const YAML::Exception& e) {
      errors.push_back(
          {"--set", 0, 0, override.key, "invalid YAML value '" + override.value + "': " + e.msg});
      continue;
    }
    apply_one(document, decoder, override.key, value, Origin{"--set", false, ""},
              ScenarioError{"--set", 0, 0, override.key, ""}, errors);
  }
}

// Positioned errors first, in file order; then the rest (--set) in the order found.
void sort_errors(std::vector<ScenarioError>& errors) {
  std::stable_sort(errors.begin(), errors.end(),
                   [](const ScenarioError& a, const ScenarioError& b) {
                     bool a_positioned = a.line > 0;
                     bool b_positioned = b.line > 0;
                     if (a_positioned != b_positioned) return a_positioned;
                     if (!a_positioned) return false;
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
}

std::string default_name(const std::string& label) {
  std::string stem = std::filesystem::path(label).stem().string();
  return stem.empty() ? label : stem;
}

// Applies the command line's overrides, the variant and the sweep point to `document` (already
// migrated), in that order of precedence (SPEC section 4: the command line wins).
void apply_configuration(Document& document, Decoder& decoder, const std::string& label,
                         const std::vector<Override>& overrides, const std::string& variant,
                         const std::optional<SweepPoint>& sweep_point,
                         std::vector<ScenarioError>& errors) {
  apply_overrides(document, decoder, overrides, errors, rewrites_alternatives);
  if (!variant.empty()) apply_variant(document, decoder, label, variant, errors);
  if (sweep_point) apply_sweep_point(document, decoder, label, *sweep_point, errors);
  apply_overrides(document, decoder, overrides, errors,
                  [](const Override& override) { return !rewrites_alternatives(override); });
}

// Whether any key the alternative writes (the command line's, the variant's or the sweep
// axis's) involves a moved key: migrating after it writes into maps that the copy-on-write
// document shares with the base, so that alternative is checked on a fresh parse instead.
bool touches_moved_key(const Scenario& base, const std::vector<Override>& overrides,
                       const std::string& variant, const std::optional<SweepPoint>& point) {
  for (const Override& override : overrides) {
    if (internal::touches_moved_path(override.key)) return true;
  }
  for (const Variant& v : base.variants) {
    if (v.name != variant) continue;
    for (const auto& [key, value] : v.set) {
      if (internal::touches_moved_path(key)) return true;
    }
  }
  return point && internal::touches_moved_path(point->key);
}

LoadResult load(std::string_view text, const std::string& label,
                const std::vector<Override>& overrides, const std::string& variant,
                const std::optional<SweepPoint>& sweep_point, bool check_alternatives);

// Decodes every variant and every sweep value of `base` (loaded from `text` without errors) and
// adds the errors they cause to `errors`. The file is parsed once for all of them: each applies
// its overrides to a copy-on-write view of that one document (apply_override's `unshare`) and
// decodes the result, leaving out `variants:` and `sweep:`, which the base decoded already; so
// the cost is linear in the number of alternatives, not in alternatives times file size.
void check_alternatives(std::string_view text, const std::string& label,
                        const std::vector<Override>& overrides, const Scenario& base,
                        std::vector<ScenarioError>& errors) {
  if (base.variants.empty() && base.sweep.empty()) return;
  Document pristine{YAML::Load(std::string(text)), true};
  std::vector<std::string> notices;           // reported by the base's pass
  std::vector<ScenarioError> migrate_errors;  // likewise
  internal::migrate_moved_keys(pristine.root, label, notices, migrate_errors);

  // Only errors the variant or sweep value adds are news; the rest were reported by the base.
  std::set<std::string> seen;
  size_t checks = 0;
  auto check = [&](const std::string& name, const std::optional<SweepPoint>& point,
                   const YAML::Mark& written_at) {
    if (++checks > kMaxExtraChecks) return;
    std::vector<ScenarioError> found;
    if (touches_moved_key(base, overrides, name, point)) {
      found = load(text, label, overrides, name, point, false).errors;
    } else {
      Document view = pristine;  // shares the tree; overrides copy what they write into
      // A node the overrides built has no position of its own: such an error points at the
      // variant or the sweep axis that caused it.
      Decoder decoder(Origin{label, true, "", written_at}, &found);
      apply_configuration(view, decoder, label, overrides, name, point, found);
      Scenario scenario;
      internal::decode_scenario(decoder, view.root, scenario, /*decode_alternatives=*/false);
    }
    for (ScenarioError& error : found) {
      if (seen.insert(error.to_string()).second) errors.push_back(std::move(error));
    }
  };
  auto variants = find_entry(pristine.root, "variants");
  std::vector<YAML::Mark> variant_marks;
  if (variants && variants->second.IsSequence()) {
    for (const YAML::Node& item : variants->second) variant_marks.push_back(item.Mark());
  }
  for (size_t i = 0; i < base.variants.size(); ++i) {
    check(base.variants[i].name, std::nullopt,
          i < variant_marks.size() ? variant_marks[i] : YAML::Mark::null_mark());
  }
  auto sweep = find_entry(pristine.root, "sweep");
  for (const SweepAxis& axis : base.sweep) {
    std::optional<std::pair<YAML::Node, YAML::Node>> axis_entry;
    if (sweep) axis_entry = find_entry(sweep->second, axis.key);
    const YAML::Mark mark = axis_entry ? axis_entry->first.Mark() : YAML::Mark::null_mark();
    for (size_t i = 0; i < axis.values.size(); ++i) check("", SweepPoint{axis.key, i}, mark);
  }
}

// One decoding pass. `check_alternatives` (base scenario only): also decode every variant and
// sweep value, keeping the errors they add.
LoadResult load(std::string_view text, const std::string& label,
                const std::vector<Override>& overrides, const std::string& variant,
                const std::optional<SweepPoint>& sweep_point, bool check_alternatives) {
  LoadResult result;
  std::vector<ScenarioError>& errors = result.errors;
  Document document;
  try {
    document.root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    errors.push_back(error_at_mark(label, e.mark, "", "invalid YAML: " + e.msg));
    return result;
  }
  internal::check_utf8_document(text, label, errors);
  if (!errors.empty()) {
    sort_errors(errors);
    return result;
  }
  Decoder decoder(Origin{label, true, ""}, &errors);
  document.has_aliases = internal::has_aliases(text);
  if (document.root.IsMap() || document.root.IsNull()) {
    internal::migrate_moved_keys(document.root, label, result.notices, errors);
    apply_configuration(document, decoder, label, overrides, variant, sweep_point, errors);
  }
  Scenario scenario;
  internal::decode_scenario(decoder, document.root, scenario);

  if (check_alternatives && errors.empty())
    harness::check_alternatives(text, label, overrides, scenario, errors);
  if (scenario.name.empty() && errors.empty()) {
    scenario.name = default_name(label);
    if (std::optional<size_t> bad = internal::invalid_utf8_offset(scenario.name)) {
      errors.push_back({internal::escape_invalid_utf8(label), 0, 0, "name",
                        "the scenario has no 'name' and its file name is not valid UTF-8 (" +
                            internal::describe_invalid_utf8(scenario.name, *bad) +
                            "): add a name"});
    }
  }
  sort_errors(errors);
  if (!errors.empty()) return result;
  scenario.file = label;
  scenario.variant = variant;
  result.scenario = std::move(scenario);
  return result;
}

}  // namespace

std::string ScenarioError::to_string() const {
  std::string out;
  if (!file.empty()) out += file + ":";
  if (line > 0) {
    out += std::to_string(line) + ":";
    if (column > 0) out += std::to_string(column) + ":";
  }
  if (!key_path.empty()) out += (out.empty() ? "" : " ") + key_path + ":";
  out += (out.empty() ? "" : " ") + message;
  return out;
}

namespace {

// The loader's entry points never throw: an exception is a bug in the loader or yaml-cpp, not a
// problem with the file.
LoadResult load_catching(std::string_view yaml_text, const std::string& file_label,
                         const std::vector<Override>& overrides, const std::string& variant,
                         bool check_alternatives) {
  try {
    return load(yaml_text, file_label, overrides, variant, std::nullopt, check_alternatives);
  } catch (const std::exception& e) {
    LoadResult result;
    result.errors.push_back(
        {file_label, 0, 0, "", std::string("internal error while loading: ") + e.what()});
    return result;
  }
}

}  // namespace

LoadResult load_scenario_text(std::string_view yaml_text, const std::string& file_label,
                              const std::vector<Override>& overrides, const std::string& variant) {
  return load_catching(yaml_text, file_label, overrides, variant, variant.empty());
}

LoadResult internal::load_scenario_point(std::string_view yaml_text, const std::string& file_label,
                                         const std::vector<Override>& overrides,
                                         const std::string& variant) {
  return load_catching(yaml_text, file_label, overrides, variant, false);
}

std::optional<YAML::Node> internal::configured_document(std::string_view yaml_text,
                                                        const std::string& file_label,
                                                        const std::vector<Override>& overrides,
                                                        const std::string& variant) {
  try {
    Document document{YAML::Load(std::string(yaml_text)), internal::has_aliases(yaml_text)};
    if (!document.root.IsMap()) return std::nullopt;
    std::vector<ScenarioError> errors;
    std::vector<std::string> notices;
    Decoder decoder(Origin{file_label, true, ""}, &errors);
    internal::migrate_moved_keys(document.root, file_label, notices, errors);
    apply_configuration(document, decoder, file_label, overrides, variant, std::nullopt, errors);
    if (!errors.empty()) return std::nullopt;
    return document.root;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

LoadResult load_scenario_file(const std::string& path, const std::vector<Override>& overrides,
                              const std::string& variant) {
  std::string error;
  const std::optional<std::string> text = read_scenario_text(path, &error);
  if (!text) {
    LoadResult result;
    result.errors.push_back({scenario_label(path), 0, 0, "", error});
    return result;
  }
  return load_scenario_text(*text, scenario_label(path), overrides, variant);
}

std::optional<Override> parse_override(std::string_view key_equals_value, std::string* error) {
  auto fail = [&](std::string message) -> std::optional<Override> {
    if (error) *error = std::move(message);
    return std::nullopt;
  };
  size_t equals = key_equals_value.find('=');
  if (equals == std::string_view::npos) {
    return fail("expected KEY=VALUE (e.g. system.compensation.strategy=polling), got '" +
                std::string(key_equals_value) + "'");
  }
  std::string key(key_equals_value.substr(0, equals));
  if (key.empty()) return fail("missing key before '=' in '" + std::string(key_equals_value) + "'");
  if (key.find_first_of(" \t") != std::string::npos)
    return fail("the key '" + key + "' contains spaces");
  std::string problem;
  if (!internal::split_key_path(key, &problem)) return fail(problem);
  return Override{std::move(key), std::string(key_equals_value.substr(equals + 1))};
}

}  // namespace harness
