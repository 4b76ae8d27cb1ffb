// The golden report (STYLE.md "Tests"; ns-3's example .reflog files, TigerBeetle's snaptest.zig):
// tests/harness/data/golden.yaml's full report.json is checked in beside it, and `paysim run` must
// write it again byte for byte, sim.wall_ms (the one wall-clock number) aside. Any change to what
// the model does, how a number is computed or how the report is written shows up here as a diff a
// reviewer can read.
//
// To regenerate it, on purpose, for an intended behaviour change only (docs/architecture.md,
// "Tests"):  PAYSIM_UPDATE_GOLDEN=1 ctest --test-dir build/debug -R Golden
// then read `git diff tests/harness/data/golden.report.json` and commit it saying why it changed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/harness/cli_support.h"

namespace harness {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(PAYSIM_SOURCE_DIR) / "tests" / "harness" / "data";
const fs::path kScenario = kData / "golden.yaml";
const fs::path kGolden = kData / "golden.report.json";

// The report with the value of "wall_ms" written as 0. Empty, with `error` set, unless the key
// occurs exactly once: the golden file may ignore that one number and nothing else.
std::string without_wall_clock(std::string json, std::string* error) {
  constexpr std::string_view kKey = "\"wall_ms\": ";
  const size_t at = json.find(kKey);
  if (at == std::string::npos || json.find(kKey, at + 1) != std::string::npos) {
    *error = "expected exactly one \"wall_ms\" key in the report";
    return "";
  }
  const size_t value = at + kKey.size();
  const size_t end = json.find_first_not_of("0123456789.eE+-", value);
  if (end == value) {
    *error = "\"wall_ms\" is not followed by a number";
    return "";
  }
  json.replace(value, end - value, "0");
  return json;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  return lines;
}

// One hunk around the lines that differ, in the shape of a unified diff: the common lines before
// and after the difference are cut to `kContext`, each side of it to `kMaxShown` lines.
// Empty if the texts are equal.
std::string diff(std::string_view expected, std::string_view actual,
                 const std::string& expected_name, const std::string& actual_name) {
  constexpr size_t kContext = 3, kMaxShown = 20;
  if (expected == actual) return "";
  const std::vector<std::string_view> old_lines = lines_of(expected), new_lines = lines_of(actual);
  size_t prefix = 0;
  while (prefix < old_lines.size() && prefix < new_lines.size() &&
         old_lines[prefix] == new_lines[prefix]) {
    ++prefix;
  }
  size_t suffix = 0;
  while (suffix < old_lines.size() - prefix && suffix < new_lines.size() - prefix &&
         old_lines[old_lines.size() - 1 - suffix] == new_lines[new_lines.size() - 1 - suffix]) {
    ++suffix;
  }
  std::string out = "--- " + expected_name + "\n+++ " + actual_name + "\n";
  const size_t first = prefix - std::min(prefix, kContext);
  out += "@@ -" + std::to_string(first + 1) + " +" + std::to_string(first + 1) + " @@ first " +
         "difference at line " + std::to_string(prefix + 1) + "\n";
  for (size_t i = first; i < prefix; ++i) out += " " + std::string(old_lines[i]) + "\n";
  auto changed = [&](const std::vector<std::string_view>& lines, char sign) {
    const size_t end = lines.size() - suffix;
    for (size_t i = prefix; i < end && i < prefix + kMaxShown; ++i) {
      out += sign + std::string(lines[i]) + "\n";
    }
    if (end - prefix > kMaxShown) {
      out += sign + std::string("... ") + std::to_string(end - prefix - kMaxShown) + " more\n";
    }
  };
  changed(old_lines, '-');
  changed(new_lines, '+');
  const size_t after = new_lines.size() - suffix;
  for (size_t i = after; i < new_lines.size() && i < after + kContext; ++i) {
    out += " " + std::string(new_lines[i]) + "\n";
  }
  if (expected.ends_with('\n') != actual.ends_with('\n'))
    out += "(the files differ in the final newline)\n";
  return out;
}

TEST(Golden, ReportMatchesTheCheckedInFile) {
  const fs::path out = testing::fresh_dir("golden-" + std::to_string(::getpid()));
  const std::string log = out.string() + ".log";
  ASSERT_EQ(
      testing::paysim("run " + kScenario.string() + " --format json --out " + out.string(), log), 0)
      << testing::read(log);
  std::string error;
  const std::string actual = without_wall_clock(testing::read(out / "report.json"), &error);
  ASSERT_TRUE(error.empty()) << error;

  const char* update = std::getenv("PAYSIM_UPDATE_GOLDEN");
  if (update != nullptr && std::string_view(update) == "1") {
    std::ofstream(kGolden, std::ios::binary) << actual;
    GTEST_SKIP() << "PAYSIM_UPDATE_GOLDEN=1: wrote " << kGolden.string()
                 << "; read its git diff and commit it saying which behaviour changed";
  }
  ASSERT_TRUE(fs::exists(kGolden))
      << kGolden << " is missing; regenerate it with "
      << "PAYSIM_UPDATE_GOLDEN=1 ctest --test-dir build/debug -R Golden";
  const std::string expected = testing::read(kGolden);
  // Not EXPECT_EQ: it would print both 300-line texts; the diff says what changed.
  if (expected != actual) {
    ADD_FAILURE() << "report.json differs from the golden file (sim.wall_ms aside):\n"
                  << diff(expected, actual, "tests/harness/data/golden.report.json",
                          "paysim run tests/harness/data/golden.yaml")
                  << "If the change is intended, regenerate the file with "
                     "PAYSIM_UPDATE_GOLDEN=1 ctest --test-dir build/debug -R Golden and say why "
                     "in the commit (docs/architecture.md, \"Tests\").";
  }
  fs::remove_all(out);
  fs::remove(log);
}

TEST(Golden, OnlyTheWallClockIsIgnored) {
  std::string error;
  EXPECT_EQ(without_wall_clock(
                "{\n  \"sim\": {\n    \"events\": 12,\n    \"wall_ms\": 81.25\n  }\n}\n", &error),
            "{\n  \"sim\": {\n    \"events\": 12,\n    \"wall_ms\": 0\n  }\n}\n");
  EXPECT_TRUE(error.empty()) << error;
  EXPECT_EQ(without_wall_clock("{\"a\": {\"wall_ms\": 1e-05, \"b\": 2}}", &error),
            "{\"a\": {\"wall_ms\": 0, \"b\": 2}}");
  EXPECT_EQ(without_wall_clock("{\"events\": 12}", &error), "");
  EXPECT_NE(error.find("exactly one"), std::string::npos);
  error.clear();
  EXPECT_EQ(without_wall_clock("{\"wall_ms\": 1, \"x\": {\"wall_ms\": 2}}", &error), "");
  EXPECT_NE(error.find("exactly one"), std::string::npos);
}

TEST(Golden, DiffShowsTheFirstDifferingLinesWithContext) {
  EXPECT_EQ(diff("a\nb\n", "a\nb\n", "old", "new"), "");
  EXPECT_EQ(diff("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nfive\n6\n7\n8\n", "old", "new"),
            "--- old\n+++ new\n"
            "@@ -2 +2 @@ first difference at line 5\n"
            " 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
  // A line added at the end; and a long difference is cut.
  EXPECT_EQ(diff("a\n", "a\nb\n", "old", "new"),
            "--- old\n+++ new\n@@ -1 +1 @@ first difference at line 2\n a\n+b\n");
  std::string many;
  for (int i = 0; i < 30; ++i) many += std::to_string(i) + "\n";
  const std::string shown = diff("x\n", many, "old", "new");
  EXPECT_NE(shown.find("-x\n+0\n"), std::string::npos) << shown;
  EXPECT_NE(shown.find("+19\n+... 10 more\n"), std::string::npos) << shown;
  EXPECT_NE(diff("a\n", "a", "old", "new").find("final newline"), std::string::npos);
}

}  // namespace
}  // namespace harness
