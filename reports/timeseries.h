// MinuteSeries: per-simulated-minute rows of named integer columns (the report's "timeseries").
//
// Contract:
// - The columns are fixed at construction, e.g. {"pending_payments", "queries", "orders_paid"}.
// - Minutes count from 0 (the start of the simulation). A minute's row exists once anything was
//   written to it or to a later minute, or once extend_to covers it; rows of minutes that received
//   no data read as zeros. Memory is one int64 per column per minute (1440 rows a day).
// - Counters use add; gauges use set (last write wins) or set_max (the largest sample of the
//   minute wins, e.g. the peak of pending payments).
// - Limits: minute must be in [0, kMaxMinutes) and column < columns().size(); both are asserted,
//   and out-of-range writes are ignored in release builds rather than growing without bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace reports {

class MinuteSeries {
 public:
  // A year of minutes: far beyond any scenario's duration + drain, small enough to never exhaust
  // memory on a wrong timestamp.
  static constexpr std::int64_t kMaxMinutes = 366 * 24 * 60;

  MinuteSeries() = default;
  explicit MinuteSeries(std::vector<std::string> column_names);

  // Counter: adds delta to the cell.
  void add(std::int64_t minute, std::size_t column, std::int64_t delta);
  // Gauge: the cell becomes value.
  void set(std::int64_t minute, std::size_t column, std::int64_t value);
  // Gauge: the cell becomes max(cell, value); a fresh cell starts at 0.
  void set_max(std::int64_t minute, std::size_t column, std::int64_t value);
  // Makes rows exist for minutes [0, minute_count), e.g. so a report covers the whole run.
  void extend_to(std::int64_t minute_count);

  // The cell's value; 0 for minutes beyond the last row.
  std::int64_t at(std::int64_t minute, std::size_t column) const;
  // The index of a column by name, or columns().size() when there is none.
  std::size_t column_index(const std::string& name) const;

  const std::vector<std::string>& columns() const { return columns_; }
  // Number of rows: 1 + the last minute written or extended to; 0 when nothing was written.
  std::int64_t minute_count() const;
  bool empty() const { return cells_.empty(); }

  // {"columns": [...], "rows": [[minute, v1, v2, ...], ...]}, one row per minute from 0, gaps
  // filled with zeros.
  nlohmann::ordered_json to_json() const;

  friend bool operator==(const MinuteSeries&, const MinuteSeries&) = default;

 private:
  // Returns the cell, growing the rows to cover minute; nullptr when out of range.
  std::int64_t* cell_for_write(std::int64_t minute, std::size_t column);

  std::vector<std::string> columns_;
  std::vector<std::int64_t> cells_;  // row-major: cells_[minute * columns_.size() + column]
};

}  // namespace reports
