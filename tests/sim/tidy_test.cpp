// Guards determinism by scanning the model's sources (SPEC section 7): no wall clocks, no
// unseeded, shared or library-dependent randomness, and no unordered containers, whose iteration
// order depends on addresses and hashing and so differs between runs and standard libraries.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;

// The folders whose code runs inside a simulation. harness/ is not among them: it reads the wall
// clock on purpose, for sim.wall_ms only.
constexpr const char* kModelFolders[] = {"sim",   "contracts", "mock_channels", "system_under_test",
                                         "links", "workload"};

// How a pattern must stand in the code to count.
enum class Match {
  kAnywhere,   // as a substring ("system_clock" in "std::chrono::system_clock::now()")
  kWordStart,  // not preceded by an identifier character ("rand(" but not "operand(")
  kWord,       // a whole identifier ("normal_distribution" but not "normal_distribution_ms")
};

struct Banned {
  std::string pattern;
  Match match;
  std::string why;
};

const std::vector<Banned>& banned() {
  static const std::vector<Banned> list = [] {
    const std::string wall_clock = "wall clock in the model; read time from sim::Runtime::now()";
    const std::string unordered =
        "unordered containers are banned in the model outright: iterating them is "
        "address/hash-order dependent; use ";
    const std::string engine =
        "a generator outside the keyed streams (and default_random_engine differs between "
        "standard libraries); use sim::RandomStream and sim::Distribution";
    std::vector<Banned> out = {
        {"random_device", Match::kAnywhere,
         "nondeterministic seed; use sim::RandomStream keyed by the seed"},
        {"rand(", Match::kWordStart, "shared global generator; use sim::RandomStream"},
        {"srand(", Match::kWordStart, "shared global generator; use sim::RandomStream"},
        {"system_clock", Match::kAnywhere, wall_clock},
        {"steady_clock", Match::kAnywhere, wall_clock},
        {"high_resolution_clock", Match::kAnywhere, wall_clock},
        {"time(nullptr)", Match::kWordStart, wall_clock},
        {"unordered_map", Match::kAnywhere, unordered + "std::map or a sorted vector"},
        {"unordered_set", Match::kAnywhere, unordered + "std::set or a sorted vector"},
        // Word starts, so that mt19937_64 and minstd_rand0 are caught by the same pattern.
        {"mt19937", Match::kWordStart, engine},
        {"minstd_rand", Match::kWordStart, engine},
        {"default_random_engine", Match::kWordStart, engine},
    };
    // Every distribution of <random>: the standard fixes their results, not their algorithms.
    for (const char* name : {"uniform_int_distribution",
                             "uniform_real_distribution",
                             "bernoulli_distribution",
                             "binomial_distribution",
                             "negative_binomial_distribution",
                             "geometric_distribution",
                             "poisson_distribution",
                             "exponential_distribution",
                             "gamma_distribution",
                             "weibull_distribution",
                             "extreme_value_distribution",
                             "normal_distribution",
                             "lognormal_distribution",
                             "chi_squared_distribution",
                             "cauchy_distribution",
                             "fisher_f_distribution",
                             "student_t_distribution",
                             "discrete_distribution",
                             "piecewise_constant_distribution",
                             "piecewise_linear_distribution"}) {
      out.push_back({name, Match::kWord,
                     "std::*_distribution differs between standard libraries; use "
                     "sim::RandomStream and sim::Distribution"});
    }
    return out;
  }();
  return list;
}

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The code part of a line: text before a `//` comment (a comment may explain why we avoid these).
std::string_view code_of(std::string_view line) { return line.substr(0, line.find("//")); }

bool stands_as(std::string_view code, size_t at, const Banned& b) {
  const bool starts_word = at == 0 || !is_identifier_char(code[at - 1]);
  const size_t end = at + b.pattern.size();
  const bool ends_word = end == code.size() || !is_identifier_char(code[end]);
  switch (b.match) {
    case Match::kAnywhere:
      return true;
    case Match::kWordStart:
      return starts_word;
    case Match::kWord:
      return starts_word && ends_word;
  }
  return true;
}

// Every banned use in `text` (the contents of a source file), one line each:
// "NAME:LINE: `pattern`: why".
std::vector<std::string> violations_in(std::string_view text, const std::string& shown_name) {
  std::vector<std::string> found;
  std::istringstream in{std::string(text)};
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string_view code = code_of(line);
    for (const Banned& b : banned()) {
      for (size_t at = code.find(b.pattern); at != std::string_view::npos;
           at = code.find(b.pattern, at + 1)) {
        if (!stands_as(code, at, b)) continue;
        found.push_back(shown_name + ":" + std::to_string(number) + ": `" + b.pattern +
                        "`: " + b.why);
        break;
      }
    }
  }
  return found;
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(TidyTest, ModelSourcesAreDeterministic) {
  const fs::path root = PAYSIM_SOURCE_DIR;
  std::vector<std::string> violations;
  std::string scanned;
  for (const char* folder : kModelFolders) {
    const fs::path dir = root / folder;
    ASSERT_TRUE(fs::is_directory(dir)) << "a model folder is missing: " << dir;
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      const std::string ext = entry.path().extension().string();
      if (entry.is_regular_file() &&
          (ext == ".h" || ext == ".hpp" || ext == ".cpp" || ext == ".cc")) {
        files.push_back(entry.path());
      }
    }
    EXPECT_FALSE(files.empty()) << "no sources found under " << dir;
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      const auto found = violations_in(read_file(file), fs::relative(file, root).string());
      violations.insert(violations.end(), found.begin(), found.end());
    }
    scanned += std::string(scanned.empty() ? "" : ", ") + folder + "/";
  }
  std::string report;
  for (const std::string& v : violations) report += "  " + v + "\n";
  EXPECT_TRUE(violations.empty()) << "banned in model code (" << scanned << "):\n" << report;
}

TEST(TidyTest, ScannerFindsWhatItShould) {
  const auto found = violations_in(
      "int a = rand();\n"                              // 1: hit
      "int b = operand(1);\n"                          // 2: near miss
      "std::unordered_map<int, int> m;\n"              // 3: hit
      "// std::steady_clock is banned here\n"          // 4: comment only
      "auto t = std::chrono::system_clock::now();\n",  // 5: hit
      "probe.cpp");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].rfind("probe.cpp:1:", 0), 0u);
  EXPECT_EQ(found[1].rfind("probe.cpp:3:", 0), 0u);
  EXPECT_NE(found[1].find("address"), std::string::npos);
  EXPECT_EQ(found[2].rfind("probe.cpp:5:", 0), 0u);
}

// A planted use of each <random> engine or distribution is caught with its reason; names that
// only contain one (ours, or in a comment) are not.
TEST(TidyTest, ScannerCatchesStandardEnginesAndDistributions) {
  const auto found = violations_in(
      "std::mt19937 gen(42);\n"                                       // 1: hit
      "std::mt19937_64 wide;\n"                                       // 2: hit
      "std::minstd_rand0 lcg;\n"                                      // 3: hit
      "std::default_random_engine any;\n"                             // 4: hit
      "std::uniform_int_distribution<int> dice(1, 6);\n"              // 5: hit
      "using namespace std; normal_distribution<double> n;\n"         // 6: hit
      "std::piecewise_linear_distribution<> pl;\n"                    // 7: hit
      "auto d = decode_distribution(cursor);\n"                       // 8: near miss
      "double normal_distribution_ms = 0;\n"                          // 9: near miss
      "sim::Distribution delay = sim::Distribution::fixed(x);\n"      // 10: ours
      "// std::exponential_distribution differs between libraries\n"  // 11: comment
      "int my_mt19937_seed = 0;\n",                                   // 12: near miss
      "planted.cpp");
  std::string all;
  for (const std::string& f : found) all += f + "\n";
  ASSERT_EQ(found.size(), 7u) << all;
  for (int line = 1; line <= 7; ++line) {
    EXPECT_EQ(
        found[static_cast<size_t>(line - 1)].rfind("planted.cpp:" + std::to_string(line) + ":", 0),
        0u)
        << all;
  }
  EXPECT_NE(found[0].find("use sim::RandomStream and sim::Distribution"), std::string::npos);
  EXPECT_NE(found[4].find("`uniform_int_distribution`: std::*_distribution differs between "
                          "standard libraries; use sim::RandomStream and sim::Distribution"),
            std::string::npos)
      << found[4];
}

}  // namespace
