#include "reports/junit_writer.h"

#include <fmt/format.h>

#include <iterator>
#include <string>
#include <utility>

#include "reports/internal/number_text.h"

namespace reports {
namespace {

std::string suite_name(const JunitRun& run) {
  const Report& report = *run.report;
  return fmt::format("{}{} (seed {}, replication {})", report.scenario,
                     report.variant.empty() ? "" : "/" + report.variant, report.seed,
                     run.replication);
}

std::string expectation_name(const Expectation& e) { return condition_text(e); }

std::string expectation_failure(const Expectation& e) {
  if (!e.actual) {
    return fmt::format("{}: no such metric in the report (expected {} {})", e.metric, e.op,
                       internal::number_text(e.threshold));
  }
  if (e.over_replications) {
    return fmt::format("{} {}: {}, expected {}", e.metric, verdict_word(e),
                       interval_text(*e.over_replications), condition_text(e));
  }
  return fmt::format("{} = {}, expected {} {}", e.metric, internal::number_text(*e.actual), e.op,
                     internal::number_text(e.threshold));
}

std::string violation_lines(const Invariants& invariants) {
  std::string text;
  for (const InvariantViolation& v : invariants.details) {
    fmt::format_to(std::back_inserter(text), "order {} at {:.3f} ms, event {}: {}\n", v.order,
                   static_cast<double>(v.time_us) / 1000.0, v.event, v.message);
  }
  if (invariants.violations > invariants.details.size()) {
    fmt::format_to(std::back_inserter(text), "... and {} more\n",
                   invariants.violations - invariants.details.size());
  }
  return text;
}

// A run's verdicts as JUnit counts them: a missing metric is an error, any other miss a failure.
struct Counts {
  std::size_t tests = 0;
  std::size_t failures = 0;
  std::size_t errors = 0;
};

Counts counts_of(const JunitRun& run) {
  const Report& report = *run.report;
  Counts counts{report.expect.size() + 1, report.invariants.violations > 0 ? 1u : 0u, 0};
  if (run.baseline) {
    ++counts.tests;
    counts.failures += run.baseline->failed ? 1 : 0;
  }
  for (const Expectation& e : report.expect) {
    if (!e.actual) {
      ++counts.errors;
    } else if (!e.pass) {
      ++counts.failures;
    }
  }
  return counts;
}

std::string seconds_text(double ms) { return fmt::format("{:.3f}", ms / 1000.0); }

void append_properties(const JunitRun& run, std::string_view build, std::string& out) {
  const Report& report = *run.report;
  const std::pair<std::string_view, std::string> properties[] = {
      {"scenario", report.scenario},          {"variant", report.variant},
      {"seed", std::to_string(report.seed)},  {"replication", std::to_string(run.replication)},
      {"paysim_version", std::string(build)},
  };
  out += "    <properties>\n";
  for (const auto& [name, value] : properties) {
    fmt::format_to(std::back_inserter(out), "      <property name=\"{}\" value=\"{}\"/>\n", name,
                   xml_escape(value));
  }
  out += "    </properties>\n";
}

void append_expectation(const Expectation& e, const std::string& suite, std::string& out) {
  fmt::format_to(std::back_inserter(out), "    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"",
                 suite, xml_escape(expectation_name(e)), seconds_text(0.0));
  if (e.pass) {
    out += "/>\n";
    return;
  }
  const char* element = e.actual ? "failure" : "error";
  const char* type = !e.actual                           ? "missing_metric"
                     : verdict_word(e) == "INCONCLUSIVE" ? "inconclusive"
                                                         : "expectation";
  fmt::format_to(std::back_inserter(out),
                 ">\n      <{} type=\"{}\" message=\"{}\"/>\n    </testcase>\n", element, type,
                 xml_escape(expectation_failure(e)));
}

void append_baseline(const JunitBaselineCase& c, const std::string& suite, std::string& out) {
  fmt::format_to(std::back_inserter(out),
                 "    <testcase classname=\"{}\" name=\"baseline\" time=\"{}\"", suite,
                 seconds_text(0.0));
  if (!c.failed) {
    out += "/>\n";
    return;
  }
  fmt::format_to(std::back_inserter(out),
                 ">\n      <failure type=\"baseline\" message=\"{}\">{}</failure>\n    "
                 "</testcase>\n",
                 xml_escape(c.summary), xml_escape(c.details, XmlContext::kText));
}

void append_suite(const JunitRun& run, std::string_view build, std::string& out) {
  const Report& report = *run.report;
  const std::string name = xml_escape(suite_name(run));
  const Counts counts = counts_of(run);
  const std::string time = seconds_text(report.sim.wall_ms);
  fmt::format_to(std::back_inserter(out),
                 "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
                 "skipped=\"0\" time=\"{}\">\n",
                 name, counts.tests, counts.failures, counts.errors, time);
  append_properties(run, build, out);
  for (const Expectation& e : report.expect) append_expectation(e, name, out);
  fmt::format_to(std::back_inserter(out),
                 "    <testcase classname=\"{}\" name=\"invariants\" time=\"{}\"", name, time);
  if (report.invariants.violations == 0) {
    out += "/>\n";
  } else {
    const std::uint64_t n = report.invariants.violations;
    fmt::format_to(std::back_inserter(out),
                   ">\n      <failure type=\"invariant\" message=\"{} invariant violation{}\">{}"
                   "</failure>\n    </testcase>\n",
                   n, n == 1 ? "" : "s",
                   xml_escape(violation_lines(report.invariants), XmlContext::kText));
  }
  if (run.baseline) append_baseline(*run.baseline, name, out);
  out += "  </testsuite>\n";
}

}  // namespace

std::string xml_escape(std::string_view text, XmlContext context) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      // Parsers turn a raw line break or tab inside an attribute into a space, and any raw CR
      // into LF: character references keep them.
      case '\n':
        out += context == XmlContext::kAttribute ? "&#10;" : "\n";
        break;
      case '\t':
        out += context == XmlContext::kAttribute ? "&#9;" : "\t";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        // XML 1.0 allows no other control character, not even escaped.
        out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
    }
  }
  return out;
}

std::string render_junit(const std::vector<JunitRun>& runs, std::string_view build) {
  Counts total;
  double wall_ms = 0.0;
  for (const JunitRun& run : runs) {
    const Counts counts = counts_of(run);
    total.tests += counts.tests;
    total.failures += counts.failures;
    total.errors += counts.errors;
    wall_ms += run.report->sim.wall_ms;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  fmt::format_to(std::back_inserter(out),
                 "<testsuites name=\"paysim\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
                 "time=\"{}\">\n",
                 total.tests, total.failures, total.errors, seconds_text(wall_ms));
  for (const JunitRun& run : runs) append_suite(run, build, out);
  out += "</testsuites>\n";
  return out;
}

std::vector<JunitRun> junit_runs(const Experiment& experiment) {
  std::vector<JunitRun> runs;
  for (const ExperimentPoint& point : experiment.points) {
    for (std::size_t r = 0; r < point.runs.size(); ++r) runs.push_back({point.runs[r], r});
  }
  return runs;
}

}  // namespace reports
