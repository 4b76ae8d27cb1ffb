#include "reports/timeseries.h"

#include <algorithm>
#include <cassert>
#include <nlohmann/json.hpp>

namespace reports {

MinuteSeries::MinuteSeries(std::vector<std::string> column_names)
    : columns_(std::move(column_names)) {}

std::int64_t* MinuteSeries::cell_for_write(std::int64_t minute, std::size_t column) {
  assert(minute >= 0 && minute < kMaxMinutes && "minute out of range");
  assert(column < columns_.size() && "no such column");
  if (minute < 0 || minute >= kMaxMinutes || column >= columns_.size()) return nullptr;
  extend_to(minute + 1);
  return &cells_[static_cast<std::size_t>(minute) * columns_.size() + column];
}

void MinuteSeries::add(std::int64_t minute, std::size_t column, std::int64_t delta) {
  if (std::int64_t* cell = cell_for_write(minute, column)) *cell += delta;
}

void MinuteSeries::set(std::int64_t minute, std::size_t column, std::int64_t value) {
  if (std::int64_t* cell = cell_for_write(minute, column)) *cell = value;
}

void MinuteSeries::set_max(std::int64_t minute, std::size_t column, std::int64_t value) {
  if (std::int64_t* cell = cell_for_write(minute, column)) *cell = std::max(*cell, value);
}

void MinuteSeries::extend_to(std::int64_t minute_count) {
  if (columns_.empty()) return;
  minute_count = std::min(minute_count, kMaxMinutes);
  const std::size_t cells =
      static_cast<std::size_t>(std::max<std::int64_t>(minute_count, 0)) * columns_.size();
  if (cells > cells_.size()) cells_.resize(cells, 0);
}

std::int64_t MinuteSeries::at(std::int64_t minute, std::size_t column) const {
  if (minute < 0 || minute >= minute_count() || column >= columns_.size()) return 0;
  return cells_[static_cast<std::size_t>(minute) * columns_.size() + column];
}

std::size_t MinuteSeries::column_index(const std::string& name) const {
  return static_cast<std::size_t>(std::find(columns_.begin(), columns_.end(), name) -
                                  columns_.begin());
}

std::int64_t MinuteSeries::minute_count() const {
  return columns_.empty() ? 0 : static_cast<std::int64_t>(cells_.size() / columns_.size());
}

nlohmann::ordered_json MinuteSeries::to_json() const {
  nlohmann::ordered_json j;
  j["columns"] = columns_;
  auto& rows = j["rows"] = nlohmann::ordered_json::array();
  for (std::int64_t minute = 0; minute < minute_count(); ++minute) {
    auto row = nlohmann::ordered_json::array();
    row.push_back(minute);
    for (std::size_t column = 0; column < columns_.size(); ++column) {
      row.push_back(at(minute, column));
    }
    rows.push_back(std::move(row));
  }
  return j;
}

}  // namespace reports
