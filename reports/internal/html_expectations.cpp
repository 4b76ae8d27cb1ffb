#include "reports/internal/html_expectations.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>

#include "reports/internal/number_text.h"

namespace reports::internal {
namespace {

constexpr const char* kNoSuchMetric = "no such metric";

std::string expected_text(const Expectation& e) {
  std::string text = e.op + " " + number_text(e.threshold);
  if (e.over_replications)
    text += " at " + number_text(e.over_replications->confidence * 100) + "%";
  return text;
}

std::string actual_text(const Expectation& e) {
  if (!e.actual) return kNoSuchMetric;
  if (e.over_replications)
    return number_text(*e.actual) + "; " + interval_text(*e.over_replications);
  return number_text(*e.actual);
}

// ERROR, as in JUnit: the check could not be made, which is not a number over its limit.
std::string result_text(const Expectation& e) {
  if (!e.actual) return "ERROR";
  if (e.pass) return "pass";
  return verdict_word(e) == "INCONCLUSIVE" ? "inconclusive" : "FAIL";
}

// Entry `index` of every run of a point, in replication order: the runs of one point share one
// scenario, so their expect lists match entry for entry.
std::vector<const Expectation*> entry_of_runs(const ExperimentPoint& point, std::size_t index) {
  std::vector<const Expectation*> entries;
  for (const Report* run : point.runs) {
    if (index < run->expect.size()) entries.push_back(&run->expect[index]);
  }
  return entries;
}

std::string actual_range_text(const std::vector<const Expectation*>& entries) {
  double low = 0, high = 0;
  bool any = false;
  for (const Expectation* e : entries) {
    if (!e->actual) return kNoSuchMetric;
    low = any ? std::min(low, *e->actual) : *e->actual;
    high = any ? std::max(high, *e->actual) : *e->actual;
    any = true;
  }
  if (low == high) return number_text(low);
  return number_text(low) + " – " + number_text(high);
}

}  // namespace

HtmlTable run_expectations_table(const Report& report, const std::vector<std::string>& as_written) {
  HtmlTable table;
  const bool worded = !as_written.empty() && as_written.size() == report.expect.size();
  table.header = {"metric", "expected"};
  if (worded) table.header.push_back("as written");
  table.header.insert(table.header.end(), {"actual", "result"});
  for (std::size_t i = 0; i < report.expect.size(); ++i) {
    const Expectation& e = report.expect[i];
    std::vector<std::string> row = {e.metric, expected_text(e)};
    if (worded) row.push_back(e.metric + ": " + as_written[i]);
    row.insert(row.end(), {actual_text(e), result_text(e)});
    table.rows.push_back(std::move(row));
    table.row_classes.push_back(e.pass ? "pass" : "fail");
  }
  return table;
}

HtmlTable experiment_expectations_table(const Experiment& experiment) {
  HtmlTable table;
  table.header = {"point", "metric", "expected", "actual", "result"};
  for (const ExperimentPoint& point : experiment.points) {
    if (point.runs.empty()) continue;
    for (std::size_t i = 0; i < point.runs.front()->expect.size(); ++i) {
      const std::vector<const Expectation*> entries = entry_of_runs(point, i);
      const Expectation& first = *entries.front();
      const auto passed = static_cast<std::size_t>(std::count_if(
          entries.begin(), entries.end(), [](const Expectation* e) { return e->pass; }));
      const bool missing = std::any_of(entries.begin(), entries.end(),
                                       [](const Expectation* e) { return !e->actual; });
      std::string result = missing ? "ERROR" : passed == entries.size() ? "pass" : "FAIL";
      if (entries.size() > 1)
        result += fmt::format(" ({} of {} runs passed)", passed, entries.size());
      table.rows.push_back({point.label, first.metric, expected_text(first),
                            actual_range_text(entries), std::move(result)});
      table.row_classes.push_back(passed == entries.size() ? "pass" : "fail");
    }
  }
  return table;
}

}  // namespace reports::internal
