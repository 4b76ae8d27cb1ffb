// scenarios/schema/scenario.schema.json must describe exactly what the loader accepts. The
// loader itself is the oracle: an unknown key at each level makes it list the allowed keys, an
// unknown enum value makes it list the allowed values; both must equal the schema's. And what an
// editor shows from it is there (issue 17): a description on every key, the default as a value.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "harness/scenario_loader.h"
#include "mock_channels/presets.h"
#include "tests/harness/scenario_schema_support.h"

namespace harness {
namespace {

using nlohmann::json;

// Every list the probes walk into has one entry, so `.0` paths exist.
constexpr const char* kProbeBase = R"(
channels: [{name: a, outages: [{start: 1m, duration: 1m}]}]
system:
  payment_service: {crashes: [{at: 1m, restart_after: 1m}]}
  order_service: {outages: [{start: 1m, duration: 1m}]}
variants: [{name: v, set: {seed: 2}}]
)";

json load_schema() { return testing::load_scenario_schema(); }

// The schema of the key at `path` (steps as testing::schema_node takes them), its $ref followed.
const json& schema_at(const json& root, const std::vector<std::string>& path) {
  static const json kMissing;
  const json* node = testing::schema_node(root, path);
  EXPECT_NE(node, nullptr) << "no schema for " << json(path).dump();
  return node != nullptr ? testing::resolve(root, *node) : kMissing;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(item.substr(item.find_first_not_of(' ')));
  return out;
}

// The list the loader prints after `marker` in its error for `--set key=value`.
std::vector<std::string> loader_list(const std::string& key, const std::string& value,
                                     const std::string& marker) {
  LoadResult result = load_scenario_text(kProbeBase, "probe.yaml", {{key, value}});
  if (result.errors.size() != 1) {
    ADD_FAILURE() << key << ": expected one error, got " << result.errors.size();
    return {};
  }
  const std::string& message = result.errors[0].message;
  size_t start = message.find(marker);
  if (start == std::string::npos) {
    ADD_FAILURE() << key << ": " << message;
    return {};
  }
  std::string list = message.substr(start + marker.size());
  return split_list(list.substr(0, list.find(" (")));
}

void check_no_additional_properties(const json& node, const std::string& where) {
  if (node.is_object()) {
    if (node.contains("properties")) {
      EXPECT_TRUE(node.contains("additionalProperties") && node["additionalProperties"] == false)
          << where;
    }
    for (auto it = node.begin(); it != node.end(); ++it)
      check_no_additional_properties(*it, where + "/" + it.key());
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i)
      check_no_additional_properties(node[i], where + "/" + std::to_string(i));
  }
}

TEST(ScenarioSchema, ParsesAndClosesEveryObject) {
  json schema = load_schema();
  ASSERT_FALSE(schema.is_discarded()) << testing::kScenarioSchemaPath;
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  check_no_additional_properties(schema, "#");
}

TEST(ScenarioSchema, KeysAtEveryLevelMatchTheLoader) {
  json schema = load_schema();
  ASSERT_FALSE(schema.is_discarded());
  const std::vector<std::pair<std::string, std::vector<std::string>>> levels = {
      {"", {}},
      {"traffic", {"traffic"}},
      {"user", {"user"}},
      {"channels.a", {"channels", "[]"}},
      {"channels.a.callback", {"channels", "[]", "callback"}},
      {"channels.a.query", {"channels", "[]", "query"}},
      {"channels.a.cancel", {"channels", "[]", "cancel"}},
      {"channels.a.refund", {"channels", "[]", "refund"}},
      {"channels.a.outages.0", {"channels", "[]", "outages", "[]"}},
      {"system", {"system"}},
      {"system.payment_service", {"system", "payment_service"}},
      {"system.order_service", {"system", "order_service"}},
      {"system.notify", {"system", "notify"}},
      {"system.compensation", {"system", "compensation"}},
      {"system.compensation.polling", {"system", "compensation", "polling"}},
      {"system.compensation.delay_message", {"system", "compensation", "delay_message"}},
      {"system.compensation.reconciliation", {"system", "compensation", "reconciliation"}},
      {"system.order_query", {"system", "order_query"}},
      {"system.dedup", {"system", "dedup"}},
      {"system.client", {"system", "client"}},
      {"system.client.push", {"system", "client", "push"}},
      {"system.client.countdown", {"system", "client", "countdown"}},
      {"environment", {"environment"}},
      {"environment.payment_service", {"environment", "payment_service"}},
      {"environment.payment_service.crashes.0",
       {"environment", "payment_service", "crashes", "[]"}},
      {"environment.order_service", {"environment", "order_service"}},
      {"environment.order_service.outages.0", {"environment", "order_service", "outages", "[]"}},
      {"environment.mq", {"environment", "mq"}},
      {"environment.push", {"environment", "push"}},
      {"variants.0", {"variants", "[]"}},
  };
  for (const auto& [level, schema_path] : levels) {
    std::string key = level.empty() ? "zz_unknown" : level + ".zz_unknown";
    std::vector<std::string> loader_keys = loader_list(key, "1", "allowed keys: ");
    std::vector<std::string> schema_keys;
    const json& properties = schema_at(schema, schema_path)["properties"];
    for (auto it = properties.begin(); it != properties.end(); ++it)
      schema_keys.push_back(it.key());
    std::sort(loader_keys.begin(), loader_keys.end());
    std::sort(schema_keys.begin(), schema_keys.end());
    EXPECT_EQ(loader_keys, schema_keys) << "level '" << level << "'";
  }
}

TEST(ScenarioSchema, EnumsMatchTheLoader) {
  json schema = load_schema();
  ASSERT_FALSE(schema.is_discarded());
  const std::vector<std::pair<std::string, std::vector<std::string>>> enums = {
      {"traffic.arrival", {"traffic", "arrival"}},
      {"channels.a.mode", {"channels", "[]", "mode"}},
      {"system.order_service.late_payment", {"system", "order_service", "late_payment"}},
      {"system.compensation.strategy", {"system", "compensation", "strategy"}},
      {"system.compensation.polling.source", {"system", "compensation", "polling", "source"}},
      {"system.compensation.delay_message.levels",
       {"system", "compensation", "delay_message", "levels"}},
      {"system.compensation.retry_storage", {"system", "compensation", "retry_storage"}},
      {"system.compensation.pending_row", {"system", "compensation", "pending_row"}},
  };
  for (const auto& [key, schema_path] : enums) {
    std::vector<std::string> loader_values = loader_list(key, "zz", "expected one of: ");
    std::vector<std::string> schema_values =
        schema_at(schema, schema_path)["enum"].get<std::vector<std::string>>();
    EXPECT_EQ(loader_values, schema_values) << key;
  }
}

TEST(ScenarioSchema, PresetEnumListsEveryPreset) {
  json schema = load_schema();
  ASSERT_FALSE(schema.is_discarded());
  std::vector<std::string> presets;
  for (const channels::PresetInfo& info : channels::channel_presets()) presets.push_back(info.name);
  EXPECT_EQ(schema_at(schema, {"channels", "[]", "preset"})["enum"].get<std::vector<std::string>>(),
            presets);
}

// Calls `visit(where, key, node)` for every property of every object schema under `node`: each
// level, each $defs entry, each branch of a oneOf.
template <class Visit>
void for_each_property(const json& node, const std::string& where, const Visit& visit) {
  if (node.is_object()) {
    if (node.contains("properties")) {
      for (auto it = node["properties"].begin(); it != node["properties"].end(); ++it)
        visit(where + "." + it.key(), it.value());
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      const bool named = it.key() == "properties" || it.key() == "$defs";
      const std::string prefix = it.key() == "$defs" ? where + ".$defs" : where;
      for (auto sub = it->begin(); named && sub != it->end(); ++sub)
        for_each_property(*sub, prefix + "." + sub.key(), visit);
      if (!named) for_each_property(*it, where, visit);
    }
  } else if (node.is_array()) {
    for (const json& item : node) for_each_property(item, where, visit);
  }
}

TEST(ScenarioSchema, EveryKeyHasADescription) {
  json schema = load_schema();
  ASSERT_FALSE(schema.is_discarded());
  int keys = 0;
  for_each_property(schema, "#", [&](const std::string& where, const json& node) {
    ++keys;
    EXPECT_FALSE(node.value("description", "").empty()) << where << " has no description";
  });
  EXPECT_GT(keys, 140);  // every level was walked
}

// YAML's reading of a default as the schema writes it: a flow map or list, true/false, a number,
// or else a string ("1h", "10/s", "rocketmq").
json yaml_to_json(const YAML::Node& node) {
  if (node.IsSequence()) {
    json out = json::array();
    for (const YAML::Node& item : node) out.push_back(yaml_to_json(item));
    return out;
  }
  if (node.IsMap()) {
    json out = json::object();
    for (const auto& entry : node) out[entry.first.as<std::string>()] = yaml_to_json(entry.second);
    return out;
  }
  const std::string text = node.Scalar();
  if (text == "true" || text == "false") return text == "true";
  char* end = nullptr;
  const long long integer = std::strtoll(text.c_str(), &end, 10);
  if (!text.empty() && *end == '\0') return integer;
  const double number = std::strtod(text.c_str(), &end);
  if (!text.empty() && *end == '\0') return number;
  return text;
}

// A key whose description says "Default X." with X one YAML value (not a phrase such as
// "Default: not set.") has "default": X, so an editor can fill it in; and no key has a "default"
// its description does not state. scenario_docs_test.cpp holds the description's default to
// scenarios/README.md and to what the loader gives, so "default" is the loader's too.
TEST(ScenarioSchema, DefaultsAreTheDescribedOnes) {
  json schema = load_schema();
  ASSERT_FALSE(schema.is_discarded());
  const std::regex described(R"(Default (\{[^}]*\}|\[\]|\S+?)\.(\s|$))");
  int defaults = 0;
  for_each_property(schema, "#", [&](const std::string& where, const json& node) {
    const std::string description = node.value("description", "");
    std::smatch match;
    if (!std::regex_search(description, match, described)) {
      EXPECT_FALSE(node.contains("default")) << where << ": a default its description lacks";
      return;
    }
    ++defaults;
    ASSERT_TRUE(node.contains("default"))
        << where << ": described as \"" << match[0] << "\" but has no \"default\"";
    EXPECT_EQ(node["default"], yaml_to_json(YAML::Load(match[1].str())))
        << where << ": \"" << match[0] << "\"";
  });
  EXPECT_GT(defaults, 80);
}

}  // namespace
}  // namespace harness
