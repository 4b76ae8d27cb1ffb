#include "reports/csv_writer.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "reports/internal/metric_lookup.h"
#include "reports/internal/number_text.h"

namespace reports {
namespace {

constexpr std::string_view kRecordEnd = "\r\n";

void append_record(const std::vector<std::string>& fields, std::string& out) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_field(fields[i]);
  }
  out += kRecordEnd;
}

}  // namespace

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string render_csv(const std::vector<const Report*>& reports) {
  std::vector<nlohmann::ordered_json> documents;
  documents.reserve(reports.size());
  std::vector<std::string> columns;
  for (const Report* report : reports) {
    documents.push_back(to_json(*report));
    for (std::string& path : metric_paths(documents.back())) {
      if (std::find(columns.begin(), columns.end(), path) == columns.end()) {
        columns.push_back(std::move(path));
      }
    }
  }

  std::string out;
  std::vector<std::string> fields = {"scenario", "variant", "seed"};
  fields.insert(fields.end(), columns.begin(), columns.end());
  append_record(fields, out);
  for (std::size_t r = 0; r < reports.size(); ++r) {
    fields = {reports[r]->scenario, reports[r]->variant, std::to_string(reports[r]->seed)};
    for (const std::string& path : columns) {
      // The node itself rather than metric_value, so integers keep their integer text.
      const nlohmann::ordered_json* node = internal::find_metric_node(documents[r], path);
      fields.push_back(node != nullptr ? internal::number_text(*node) : std::string());
    }
    append_record(fields, out);
  }
  return out;
}

}  // namespace reports
