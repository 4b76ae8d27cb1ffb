// `paysim schema` prints the scenario JSON Schema (SPEC section 5) and `paysim schema --report`
// the schema of report.json, which is how reports/schema/report.schema.json is regenerated: each
// is the checked-in file byte for byte.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/harness/cli_support.h"

namespace harness {
namespace {

namespace fs = std::filesystem;
using testing::fresh_dir;
using testing::paysim;
using testing::read;

const fs::path kSource = PAYSIM_SOURCE_DIR;

TEST(SchemaCommand, PrintsTheScenarioSchema) {
  const fs::path dir = fresh_dir("schema_command_scenario");
  fs::create_directories(dir);
  ASSERT_EQ(paysim("schema", (dir / "out").string()), 0);
  EXPECT_EQ(read(dir / "out"), read(kSource / "scenarios/schema/scenario.schema.json"));
}

TEST(SchemaCommand, ReportPrintsTheCheckedInReportSchema) {
  const fs::path dir = fresh_dir("schema_command_report");
  fs::create_directories(dir);
  ASSERT_EQ(paysim("schema --report", (dir / "out").string()), 0);
  EXPECT_EQ(read(dir / "out"), read(kSource / "reports/schema/report.schema.json"));
}

}  // namespace
}  // namespace harness
