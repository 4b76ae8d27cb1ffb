#include "harness/compare.h"

#include <algorithm>

namespace harness {
namespace {

constexpr std::string_view kBestMark = " *";

std::string group_of(const std::string& cell) { return cell.substr(0, cell.find('.')); }

// Display width in terminal columns: UTF-8 continuation bytes take no column.
std::size_t width(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

std::string render_text_table(const reports::HtmlTable& table, bool group_rows) {
  const std::size_t columns = table.header.size();
  std::vector<std::vector<std::string>> cells = {table.header};
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    std::vector<std::string> row = table.rows[r];
    row.resize(columns);
    for (std::size_t c = 0; c < columns; ++c) {
      const bool best = r < table.best.size() && c < table.best[r].size() && table.best[r][c];
      row[c] += best ? std::string(kBestMark) : "  ";
    }
    cells.push_back(std::move(row));
  }
  cells[0].resize(columns);
  for (std::size_t c = 1; c < columns; ++c) cells[0][c] += "  ";
  std::vector<std::size_t> widths(columns, 0);
  for (const auto& row : cells) {
    for (std::size_t c = 0; c < columns; ++c) widths[c] = std::max(widths[c], width(row[c]));
  }
  std::string out;
  for (std::size_t r = 0; r < cells.size(); ++r) {
    if (group_rows && r > 1 && group_of(cells[r][0]) != group_of(cells[r - 1][0])) out += '\n';
    for (std::size_t c = 0; c < columns; ++c) {
      const std::string& cell = cells[r][c];
      const std::string pad(widths[c] - width(cell), ' ');
      out += c == 0 ? cell + pad : "  " + pad + cell;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
  }
  return out;
}

std::string safe_dir_name(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) c = '_';
  }
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

}  // namespace harness
