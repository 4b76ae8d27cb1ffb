// The scenario keys documented in scenarios/README.md, for the tests that hold the README to the
// loader and the schema (key_effect_test.cpp, scenario_docs_test.cpp).
//
// A documented key is a row of a table whose header starts with `key` and whose first cell is a
// backticked key path. Keys of the `channels[]` section are relative in the README; here they are
// named `channels[].callback.drop_probability`.
#pragma once

#include <cctype>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/markdown_tables.h"

namespace harness::testing {

inline const std::filesystem::path kReadme =
    std::filesystem::path(PAYSIM_SOURCE_DIR) / "scenarios" / "README.md";
inline constexpr std::string_view kChannelPrefix = "channels[].";

struct ReadmeKey {
  std::string key;  // e.g. "channels[].callback.drop_probability"
  std::string type;
  std::optional<std::string> default_text;  // the "default" cell; nullopt when the table has none
};

// GoogleTest prints a ReadmeKey parameter as its key.
inline void PrintTo(const ReadmeKey& k, std::ostream* out) { *out << k.key; }

// Every documented key, in file order.
inline std::vector<ReadmeKey> readme_keys() {
  std::vector<ReadmeKey> keys;
  for (const markdown::Table& table : markdown::tables(kReadme)) {
    if (table.header.empty() || table.header[0] != "key") continue;
    const bool channel = table.section.find("`channels[]`") != std::string::npos;
    const bool has_default = table.header.size() > 2 && table.header[2] == "default";
    for (const std::vector<std::string>& row : table.rows) {
      const std::string key = markdown::code_span(row[0]);
      if (key.empty()) continue;
      ReadmeKey documented{(channel ? std::string(kChannelPrefix) : "") + key,
                           row.size() > 1 ? row[1] : "", std::nullopt};
      if (has_default && row.size() > 2) documented.default_text = row[2];
      keys.push_back(std::move(documented));
    }
  }
  return keys;
}

inline std::vector<std::string> documented_keys() {
  std::vector<std::string> keys;
  for (ReadmeKey& documented : readme_keys()) keys.push_back(std::move(documented.key));
  return keys;
}

// The --set path of a documented key: channel keys address the first channel.
inline std::string override_path(const std::string& key) {
  if (key.rfind(kChannelPrefix, 0) == 0) return "channels.0." + key.substr(kChannelPrefix.size());
  return key;
}

// A GoogleTest parameter name for a key: letters and digits kept, anything else '_'.
inline std::string key_test_name(const std::string& key) {
  std::string name;
  for (char c : key) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

}  // namespace harness::testing
