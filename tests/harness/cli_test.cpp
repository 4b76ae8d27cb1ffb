// The command line as a user meets it (harness/cli.h): --version, an unknown command and
// `help CMD`, options and positionals in any order in every command, one --format to standard
// output, a scenario read from standard input, and the completions and man page generated from
// the command definitions.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "harness/build_info.h"
#include "tests/harness/cli_support.h"

namespace harness {
namespace {

namespace fs = std::filesystem;
using testing::fresh_dir;
using testing::Output;
using testing::paysim_output;
using testing::read;
using testing::shell_output;

const std::string kScenario =
    std::string(PAYSIM_SOURCE_DIR) + "/tests/harness/data/compare_lossy.yaml";
const std::string kShort = " --set duration=1m";

// report.json without its wall-clock line, the one line two runs may differ in.
std::string without_wall_clock(const std::string& report) {
  return std::regex_replace(report, std::regex(R"(\n *"wall_ms": [^\n]*)"), "");
}

TEST(Cli, VersionNamesTheVersionAndTheSourceRevision) {
  const Output r = paysim_output("--version", "version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "paysim " PAYSIM_VERSION " (revision " + std::string(paysim_revision()) + ")\n");
  EXPECT_TRUE(
      std::regex_match(std::string(paysim_revision()), std::regex("[0-9a-f]{12}(-dirty)?|unknown")))
      << paysim_revision();
}
}  // namespace
}  // namespace harness
