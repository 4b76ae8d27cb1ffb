// Guards determinism by scanning the model's sources (SPEC section 7): no wall clocks, no
// unseeded or shared randomness, and no unordered containers, whose iteration order depends on
// addresses and hashing and so differs between runs and standard libraries.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Banned {
  std::string pattern;
  bool call_like;  // must not be preceded by an identifier character ("rand(" but not "brand(")
  std::string why;
};

const std::vector<Banned>& banned() {
  static const std::vector<Banned> list = {
      {"random_device", false, "nondeterministic seed; use sim::RandomStream keyed by the seed"},
      {"rand(", true, "shared global generator; use sim::RandomStream"},
      {"srand(", true, "shared global generator; use sim::RandomStream"},
      {"system_clock", false, "wall clock in the model; read time from sim::Runtime::now()"},
      {"steady_clock", false, "wall clock in the model; read time from sim::Runtime::now()"},
      {"high_resolution_clock", false,
       "wall clock in the model; read time from sim::Runtime::now()"},
      {"time(nullptr)", true, "wall clock in the model; read time from sim::Runtime::now()"},
      {"unordered_map", false,
       "unordered containers are banned in the model outright: iterating them is "
       "address/hash-order "
       "dependent; use std::map or a sorted vector"},
      {"unordered_set", false,
       "unordered containers are banned in the model outright: iterating them is "
       "address/hash-order "
       "dependent; use std::set or a sorted vector"},
  };
  return list;
}

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The code part of a line: text before a `//` comment (a comment may explain why we avoid these).
std::string code_of(const std::string& line) {
  const size_t comment = line.find("//");
  return comment == std::string::npos ? line : line.substr(0, comment);
}

std::vector<std::string> violations_in(const fs::path& file, const std::string& shown_name) {
  std::vector<std::string> found;
  std::ifstream in(file);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string code = code_of(line);
    for (const Banned& b : banned()) {
      for (size_t at = code.find(b.pattern); at != std::string::npos;
           at = code.find(b.pattern, at + 1)) {
        if (b.call_like && at > 0 && is_identifier_char(code[at - 1])) continue;
        found.push_back(shown_name + ":" + std::to_string(number) + ": `" + b.pattern +
                        "`: " + b.why);
        break;
      }
    }
  }
  return found;
}

TEST(TidyTest, ModelSourcesAreDeterministic) {
  const fs::path root = PAYSIM_SOURCE_DIR;
  std::vector<std::string> violations;
  int files_scanned = 0;
  for (const char* folder : {"sim", "mock_channels", "system_under_test"}) {
    const fs::path dir = root / folder;
    if (!fs::exists(dir)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      const std::string ext = entry.path().extension().string();
      if (entry.is_regular_file() &&
          (ext == ".h" || ext == ".hpp" || ext == ".cpp" || ext == ".cc")) {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      ++files_scanned;
      const auto found = violations_in(file, fs::relative(file, root).string());
      violations.insert(violations.end(), found.begin(), found.end());
    }
  }
  EXPECT_GT(files_scanned, 0) << "no model sources found under " << root;
  std::string report;
  for (const std::string& v : violations) report += "  " + v + "\n";
  EXPECT_TRUE(violations.empty()) << "banned in model code (sim/, mock_channels/, "
                                     "system_under_test/):\n"
                                  << report;
}

TEST(TidyTest, ScannerFindsWhatItShould) {
  // The scanner itself: write a file with violations and a few near misses.
  const fs::path file = fs::temp_directory_path() / "paysim_tidy_probe.cpp";
  {
    std::ofstream out(file);
    out << "int a = rand();\n"                              // 1: hit
           "int b = operand(1);\n"                          // 2: near miss
           "std::unordered_map<int, int> m;\n"              // 3: hit
           "// std::steady_clock is banned here\n"          // 4: comment only
           "auto t = std::chrono::system_clock::now();\n";  // 5: hit
  }
  const auto found = violations_in(file, "probe.cpp");
  fs::remove(file);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].rfind("probe.cpp:1:", 0), 0u);
  EXPECT_EQ(found[1].rfind("probe.cpp:3:", 0), 0u);
  EXPECT_NE(found[1].find("address"), std::string::npos);
  EXPECT_EQ(found[2].rfind("probe.cpp:5:", 0), 0u);
}

}  // namespace
