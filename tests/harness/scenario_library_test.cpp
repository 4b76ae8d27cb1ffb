// Every shipped scenario (scenarios/**/*.yaml) must load with the loader, as written and with
// each of its variants, and must validate against scenarios/schema/scenario.schema.json, so the
// library, the loader and the schema editors use cannot drift apart. Every scenario must also
// carry a header comment and an expect block: the library is a CI regression suite.
//
// No JSON Schema validator is packaged for C++ in Debian, so this file holds a small one for
// the subset of draft 2020-12 that the schema uses: $ref (local), type, enum, const,
// properties, additionalProperties, required, propertyNames, items, prefixItems, min/maxItems,
// minimum, maximum, pattern, oneOf, not. YAML scalars are typed as YAML 1.2 core does (quoted
// scalars are always strings).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "harness/scenario_loader.h"

namespace harness {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kScenarios = fs::path(PAYSIM_SOURCE_DIR) / "scenarios";

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> library_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(kScenarios)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

json scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;  // quoted: always a string
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (text == "true" || text == "false") return text == "true";
  if (text == "null" || text == "~" || text.empty()) return nullptr;
  if (std::regex_match(text, kInt)) return std::stoll(text);
  if (std::regex_match(text, kFloat)) return std::stod(text);
  return text;
}

json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) out[kv.first.Scalar()] = yaml_to_json(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(yaml_to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    default:
      return nullptr;
  }
}

// Validates `value` against `schema`, appending "path: problem" lines to `errors`.
class SchemaCheck {
 public:
  explicit SchemaCheck(const json& root) : root_(root) {}

  void validate(const json& schema_in, const json& value, const std::string& path,
                std::vector<std::string>& errors) const {
    const json& schema = resolve(schema_in);
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) errors.push_back(path + ": not allowed");
      return;
    }
    if (schema.contains("type") && !type_matches(schema["type"], value)) {
      errors.push_back(path + ": expected type " + schema["type"].dump() + ", got " + value.dump());
      return;
    }
    if (schema.contains("const") && schema["const"] != value)
      errors.push_back(path + ": must be " + schema["const"].dump());
    if (schema.contains("enum")) {
      const json& allowed = schema["enum"];
      if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
        errors.push_back(path + ": " + value.dump() + " not in " + allowed.dump());
      }
    }
    if (value.is_number()) {
      if (schema.contains("minimum") && value.get<double>() < schema["minimum"].get<double>())
        errors.push_back(path + ": below minimum");
      if (schema.contains("maximum") && value.get<double>() > schema["maximum"].get<double>())
        errors.push_back(path + ": above maximum");
    }
    if (value.is_string() && schema.contains("pattern") &&
        !matches(schema["pattern"], value.get<std::string>())) {
      errors.push_back(path + ": '" + value.get<std::string>() + "' does not match " +
                       schema["pattern"].get<std::string>());
    }
    if (value.is_object()) validate_object(schema, value, path, errors);
    if (value.is_array()) validate_array(schema, value, path, errors);
    if (schema.contains("oneOf")) {
      int passing = 0;
      for (const json& option : schema["oneOf"]) passing += accepts(option, value) ? 1 : 0;
      if (passing != 1)
        errors.push_back(path + ": matches " + std::to_string(passing) +
                         " of oneOf (need exactly 1): " + value.dump());
    }
    if (schema.contains("not") && accepts(schema["not"], value))
      errors.push_back(path + ": matches a 'not' schema");
  }

  bool accepts(const json& schema, const json& value) const {
    std::vector<std::string> errors;
    validate(schema, value, "", errors);
    return errors.empty();
  }

 private:
  const json& resolve(const json& node) const {
    if (!node.is_object() || !node.contains("$ref")) return node;
    const std::string name = node["$ref"].get<std::string>().substr(std::string("#/$defs/").size());
    return resolve(root_["$defs"][name]);
  }

  static bool matches(const json& pattern, const std::string& text) {
    return std::regex_search(text, std::regex(pattern.get<std::string>(), std::regex::ECMAScript));
  }

  static bool type_matches(const json& type, const json& value) {
    if (type.is_array()) {
      return std::any_of(type.begin(), type.end(),
                         [&](const json& t) { return type_matches(t, value); });
    }
    const std::string t = type.get<std::string>();
    if (t == "object") return value.is_object();
    if (t == "array") return value.is_array();
    if (t == "string") return value.is_string();
    if (t == "boolean") return value.is_boolean();
    if (t == "integer") return value.is_number_integer() || value.is_number_unsigned();
    if (t == "number") return value.is_number();
    if (t == "null") return value.is_null();
    return false;
  }

  void validate_object(const json& schema, const json& value, const std::string& path,
                       std::vector<std::string>& errors) const {
    if (schema.contains("required")) {
      for (const json& key : schema["required"]) {
        if (!value.contains(key.get<std::string>()))
          errors.push_back(path + ": missing " + key.get<std::string>());
      }
    }
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string child = path.empty() ? it.key() : path + "." + it.key();
      if (schema.contains("propertyNames") && !accepts(schema["propertyNames"], json(it.key()))) {
        errors.push_back(child + ": key not allowed by propertyNames");
      }
      if (schema.contains("properties") && schema["properties"].contains(it.key())) {
        validate(schema["properties"][it.key()], it.value(), child, errors);
      } else if (schema.contains("additionalProperties")) {
        validate(schema["additionalProperties"], it.value(), child, errors);
      }
    }
  }

  void validate_array(const json& schema, const json& value, const std::string& path,
                      std::vector<std::string>& errors) const {
    if (schema.contains("minItems") && value.size() < schema["minItems"].get<size_t>())
      errors.push_back(path + ": too few items");
    if (schema.contains("maxItems") && value.size() > schema["maxItems"].get<size_t>())
      errors.push_back(path + ": too many items");
    size_t first = 0;
    if (schema.contains("prefixItems")) {
      for (; first < value.size() && first < schema["prefixItems"].size(); ++first) {
        validate(schema["prefixItems"][first], value[first],
                 path + "[" + std::to_string(first) + "]", errors);
      }
    }
    if (schema.contains("items")) {
      for (size_t i = first; i < value.size(); ++i)
        validate(schema["items"], value[i], path + "[" + std::to_string(i) + "]", errors);
    }
  }

  const json& root_;
};

TEST(ScenarioLibrary, HasAtLeastThirteenScenarios) { EXPECT_GE(library_files().size(), 13u); }

TEST(ScenarioLibrary, EveryScenarioAndVariantLoads) {
  for (const fs::path& file : library_files()) {
    const LoadResult base = load_scenario_file(file.string());
    ASSERT_TRUE(base.ok()) << file << ": "
                           << (base.errors.empty() ? "" : base.errors[0].to_string());
    EXPECT_FALSE(base.scenario->expect.empty())
        << file << ": a library scenario needs an expect block";
    for (const Variant& variant : base.scenario->variants) {
      const LoadResult loaded = load_scenario_file(file.string(), {}, variant.name);
      EXPECT_TRUE(loaded.ok()) << file << " variant " << variant.name << ": "
                               << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
    }
  }
}

TEST(ScenarioLibrary, EveryScenarioValidatesAgainstTheSchema) {
  const json schema = json::parse(read_text(kScenarios / "schema" / "scenario.schema.json"));
  const SchemaCheck check(schema);
  for (const fs::path& file : library_files()) {
    std::vector<std::string> errors;
    check.validate(schema, yaml_to_json(YAML::LoadFile(file.string())), "", errors);
    EXPECT_TRUE(errors.empty()) << file << ":\n  " << (errors.empty() ? "" : errors[0]);
  }
}

TEST(ScenarioLibrary, EveryScenarioSaysWhatItTeaches) {
  for (const fs::path& file : library_files()) {
    const std::string text = read_text(file);
    EXPECT_EQ(text.rfind("# yaml-language-server: $schema=schema/scenario.schema.json", 0), 0u)
        << file;
    EXPECT_NE(text.find("# Teaches:"), std::string::npos) << file;
  }
}

// The validator itself: a wrong key, a wrong enum and a wrong type must each be caught, so a
// passing library test means something.
TEST(ScenarioLibrary, SchemaCheckRejectsBrokenScenarios) {
  const json schema = json::parse(read_text(kScenarios / "schema" / "scenario.schema.json"));
  const SchemaCheck check(schema);
  const json good = yaml_to_json(
      YAML::Load("channels: [{name: a, preset: alipay-like}]\nexpect: {dropped.final: 0}"));
  EXPECT_TRUE(check.accepts(schema, good));
  for (const char* bad :
       {"channels: [{name: a, colour: red}]", "channels: [{name: a, preset: nosuch}]",
        "channels: [{name: a}]\nsystem: {compensation: {strategy: polling, polling: {interval: "
        "fast}}}",
        // The schema checks the shape of a metric path; which paths exist is the loader's check
        // (from the report itself, so new metrics need no schema change).
        "channels: [{name: a}]\nexpect: {dropped: 0}",
        "channels: [{name: a}]\nexpect: {dropped.final: \"~ 0\"}",
        "channels: [{name: a}]\nuser: {pay_probability: \"0.5\"}"}) {
    EXPECT_FALSE(check.accepts(schema, yaml_to_json(YAML::Load(bad)))) << bad;
  }
}

}  // namespace
}  // namespace harness
