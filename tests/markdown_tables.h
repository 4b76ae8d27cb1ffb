// The tables of a Markdown file, for the tests that hold documentation to the code:
// scenarios/README.md's key tables (tests/harness/key_effect_test.cpp,
// tests/harness/scenario_docs_test.cpp) and docs/report-format.md's metric tables
// (tests/reports/metrics_test.cpp).
//
// A table is a run of lines starting with '|': a header row, the |---| row, then body rows. Cells
// are trimmed; `\|` is a '|' inside a cell, and so is a '|' inside backticks.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace markdown {

struct Table {
  std::string section;  // the last "## " heading above the table, without the "## "
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // the body, without the |---| row
};

inline std::vector<std::string> split_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  bool in_code = false;
  for (size_t i = 1; i < line.size(); ++i) {  // line[0] is the leading '|'
    const char c = line[i];
    if (c == '`') in_code = !in_code;
    if (c == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      cell += '|';
      ++i;
      continue;
    }
    if (c == '|' && !in_code) {
      cells.push_back(cell);
      cell.clear();
      continue;
    }
    cell += c;
  }
  for (std::string& text : cells) {
    const size_t first = text.find_first_not_of(' ');
    const size_t last = text.find_last_not_of(' ');
    text = first == std::string::npos ? "" : text.substr(first, last - first + 1);
  }
  return cells;
}

// The text of a cell that is one code span ("`dropped.final`" -> "dropped.final"), else "".
inline std::string code_span(const std::string& cell) {
  if (cell.size() < 3 || cell.front() != '`' || cell.back() != '`') return "";
  const std::string inner = cell.substr(1, cell.size() - 2);
  return inner.find('`') == std::string::npos ? inner : "";
}

inline bool is_delimiter_row(const std::vector<std::string>& cells) {
  for (const std::string& cell : cells) {
    if (cell.find_first_not_of("-: ") != std::string::npos) return false;
  }
  return !cells.empty();
}

// Every table of the file, in file order.
inline std::vector<Table> tables(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<Table> out;
  std::string section;
  bool in_table = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("## ", 0) == 0) section = line.substr(3);
    if (line.empty() || line[0] != '|') {
      in_table = false;
      continue;
    }
    std::vector<std::string> cells = split_cells(line);
    if (!in_table) {
      in_table = true;
      out.push_back({section, std::move(cells), {}});
    } else if (!is_delimiter_row(cells)) {
      out.back().rows.push_back(std::move(cells));
    }
  }
  return out;
}

}  // namespace markdown
