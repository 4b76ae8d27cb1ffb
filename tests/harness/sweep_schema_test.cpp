// reports/schema/*.schema.json describe exactly what paysim writes: every key emitted is in the
// schema with the right type, every required key is emitted, and every property is documented.
// A small walker of the JSON Schema subset the files use ($ref, type, properties, required,
// additionalProperties, items): no validator library needed.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/sweep.h"
#include "harness/sweep_part.h"
#include "reports/experiment.h"

namespace harness {
namespace {

using nlohmann::json;

json load_schema(const std::string& name) {
  std::ifstream in(std::string(PAYSIM_SOURCE_DIR) + "/reports/schema/" + name);
  return json::parse(in);
}

bool has_type(const json& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  return false;
}

void walk(const json& root, json schema, const json& value, const std::string& where) {
  if (schema.contains("$ref")) {
    const std::string ref = schema["$ref"];
    ASSERT_EQ(ref.rfind("#/$defs/", 0), 0u) << where;
    schema = root["$defs"][ref.substr(8)];
  }
  if (schema.contains("type")) {
    const json types = schema["type"].is_array() ? schema["type"] : json::array({schema["type"]});
    bool ok = false;
    for (const json& t : types) ok = ok || has_type(value, t.get<std::string>());
    EXPECT_TRUE(ok) << where << ": " << value.dump().substr(0, 80) << " is not " << schema["type"];
    if (!ok) return;
  }
  if (schema.contains("const")) {
    EXPECT_EQ(value, schema["const"]) << where;
  }
  if (value.is_object() && schema.contains("properties")) {
    for (const auto& [key, sub] : schema["properties"].items()) {
      // A $ref's target has its own description, but an editor shows the key's (issue 17).
      EXPECT_TRUE(sub.contains("description")) << where << "." << key << " is undocumented";
    }
    for (const json& key : schema.value("required", json::array())) {
      EXPECT_TRUE(value.contains(key.get<std::string>())) << where << ": missing " << key;
    }
    for (const auto& [key, sub] : value.items()) {
      if (schema["properties"].contains(key)) {
        walk(root, schema["properties"][key], sub, where + "." + key);
      } else if (schema.contains("additionalProperties") &&
                 schema["additionalProperties"].is_object()) {
        walk(root, schema["additionalProperties"], sub, where + "." + key);
      } else {
        ADD_FAILURE() << where << "." << key << " is emitted but not in the schema";
      }
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (std::size_t i = 0; i < value.size(); ++i)
      walk(root, schema["items"], value[i], where + "[" + std::to_string(i) + "]");
  }
}

class SchemaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    plan_ =
        plan_experiment(std::string(PAYSIM_SOURCE_DIR) + "/tests/harness/data/compare_lossy.yaml",
                        {}, {}, 2, nullptr);
    ASSERT_TRUE(plan_.has_value());
    const std::optional<std::vector<Scenario>> scenarios = load_points(*plan_);
    ASSERT_TRUE(scenarios.has_value());
    runs_ = run_jobs(*plan_, *scenarios, {0, 1, 2, 3}, 2, nullptr);
  }
  static inline std::optional<Plan> plan_;
  static inline std::vector<reports::Report> runs_;
};

TEST_F(SchemaTest, ReportJsonHasExactlyTheDocumentedKeys) {
  const json schema = load_schema("report.schema.json");
  // With an expectation, and with the histograms of sweep parts.
  ASSERT_FALSE(runs_[0].expect.empty());
  walk(schema, schema, json::parse(reports::to_json(runs_[0], true).dump()), "report");
  walk(schema, schema, json::parse(reports::to_json(runs_[0], false).dump()), "report");
  // Every key the schema lists as a property is emitted by to_json(…, true).
  const json emitted = json::parse(reports::to_json(runs_[0], true).dump());
  for (const auto& [key, sub] : schema["properties"].items())
    EXPECT_TRUE(emitted.contains(key)) << key;
}

TEST_F(SchemaTest, SummaryJsonHasExactlyTheDocumentedKeys) {
  const json schema = load_schema("summary.schema.json");
  const reports::Experiment experiment = experiment_of(*plan_, runs_);
  const json summary = json::parse(reports::render_summary_json(experiment));
  walk(schema, schema, summary, "summary");
  for (const auto& [key, sub] : schema["properties"].items())
    EXPECT_TRUE(summary.contains(key)) << key;
  // Every metric of a run is summarised, except the wall clock.
  const auto paths = reports::metric_paths(reports::to_json(runs_[0]));
  EXPECT_EQ(summary["points"][0]["metrics"].size(), paths.size() - 1);
}

TEST(CompareSchema, CompareSummaryWithTheBaseAndDifferencesHasExactlyTheDocumentedKeys) {
  const std::vector<std::string> all_variants;
  const std::optional<Plan> plan =
      plan_experiment(std::string(PAYSIM_SOURCE_DIR) + "/tests/harness/data/compare_lossy.yaml", {},
                      {}, 2, &all_variants);
  ASSERT_TRUE(plan.has_value());
  const std::optional<std::vector<Scenario>> scenarios = load_points(*plan);
  ASSERT_TRUE(scenarios.has_value());
  std::vector<reports::Report> runs =
      run_jobs(*plan, *scenarios, shard_jobs(plan->job_count(), 0, 1), 2, nullptr);
  const json schema = load_schema("summary.schema.json");
  const json summary = json::parse(reports::render_summary_json(experiment_of(*plan, runs)));
  walk(schema, schema, summary, "summary");
  ASSERT_EQ(summary["points"].size(), 3u);
  EXPECT_EQ(summary["points"][0]["label"], "base");
  EXPECT_FALSE(summary["points"][0].contains("vs_base"));
  EXPECT_TRUE(summary["points"][1].contains("vs_base"));
  EXPECT_EQ(summary["points"][1]["vs_base"].size(), summary["points"][1]["metrics"].size());
}

}  // namespace
}  // namespace harness
