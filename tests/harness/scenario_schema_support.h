// scenarios/schema/scenario.schema.json for the tests that hold it to the loader and the README
// (scenario_schema_test.cpp, scenario_docs_test.cpp): loading it, and finding a key's node.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace harness::testing {

inline const std::string kScenarioSchemaPath =
    std::string(PAYSIM_SOURCE_DIR) + "/scenarios/schema/scenario.schema.json";

// The schema, or a discarded value when the file does not parse.
inline nlohmann::json load_scenario_schema() {
  std::ifstream in(kScenarioSchemaPath);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
}

// The node a local "$ref" (#/$defs/NAME) points at, followed to the end; the node itself if it
// has none.
inline const nlohmann::json& resolve(const nlohmann::json& root, const nlohmann::json& node) {
  if (!node.contains("$ref")) return node;
  const std::string name = node["$ref"].get<std::string>().substr(std::string("#/$defs/").size());
  return resolve(root, root["$defs"][name]);
}

// The schema of a key given as steps: a property name, "[]" for an array's items, or "<...>" (as
// in `sweep.<key path>`) for an object's additionalProperties. The node itself, its own "$ref"
// not followed; nullptr when the schema has no such key.
inline const nlohmann::json* schema_node(const nlohmann::json& root,
                                         const std::vector<std::string>& steps) {
  const nlohmann::json* node = &root;
  for (const std::string& step : steps) {
    const nlohmann::json& at = resolve(root, *node);
    const char* member = step == "[]"          ? "items"
                         : step.front() == '<' ? "additionalProperties"
                                               : "properties";
    if (!at.is_object() || !at.contains(member)) return nullptr;
    node = &at[member];
    if (member == std::string("properties")) {
      if (!node->contains(step)) return nullptr;
      node = &(*node)[step];
    }
  }
  return node;
}

// The steps of a documented key path: "channels[].callback.delay" -> channels, [], callback,
// delay; "sweep.<key path>" -> sweep, <key path>.
inline std::vector<std::string> key_steps(const std::string& key) {
  std::vector<std::string> steps;
  std::string step;
  for (std::size_t i = 0; i <= key.size(); ++i) {
    if (i < key.size() && key[i] == '<') {  // "<key path>" is one step, dots and all
      const std::size_t end = key.find('>', i);
      step = key.substr(i, end - i + 1);
      i = end;
      continue;
    }
    if (i == key.size() || key[i] == '.') {
      if (step.size() > 2 && step.compare(step.size() - 2, 2, "[]") == 0) {
        steps.push_back(step.substr(0, step.size() - 2));
        steps.push_back("[]");
      } else {
        steps.push_back(step);
      }
      step.clear();
      continue;
    }
    step += key[i];
  }
  return steps;
}

}  // namespace harness::testing
