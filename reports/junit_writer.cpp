#include "reports/junit_writer.h"

#include <fmt/format.h>

#include <iterator>

#include "reports/internal/number_text.h"

namespace reports {
namespace {

std::string suite_name(const Report& report) {
  return report.variant.empty() ? report.scenario : report.scenario + "/" + report.variant;
}

std::string expectation_name(const Expectation& e) {
  return fmt::format("{} {} {}", e.metric, e.op, internal::number_text(e.threshold));
}

std::string expectation_failure(const Expectation& e) {
  if (!e.actual) {
    return fmt::format("{}: no such metric in the report (expected {} {})", e.metric, e.op,
                       internal::number_text(e.threshold));
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

std::size_t failure_count(const Report& report) {
  std::size_t failures = report.invariants.violations > 0 ? 1 : 0;
  for (const Expectation& e : report.expect) failures += e.pass ? 0 : 1;
  return failures;
}

void append_suite(const Report& report, std::string& out) {
  const std::string name = xml_escape(suite_name(report));
  fmt::format_to(std::back_inserter(out),
                 "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" "
                 "skipped=\"0\" time=\"{:.3f}\">\n",
                 name, report.expect.size() + 1, failure_count(report),
                 report.sim.wall_ms / 1000.0);
  for (const Expectation& e : report.expect) {
    fmt::format_to(std::back_inserter(out), "    <testcase classname=\"{}\" name=\"{}\"", name,
                   xml_escape(expectation_name(e)));
    if (e.pass) {
      out += "/>\n";
      continue;
    }
    fmt::format_to(std::back_inserter(out),
                   ">\n      <failure type=\"expectation\" message=\"{}\"/>\n    </testcase>\n",
                   xml_escape(expectation_failure(e)));
  }
  fmt::format_to(std::back_inserter(out), "    <testcase classname=\"{}\" name=\"invariants\"",
                 name);
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

std::string render_junit(const std::vector<const Report*>& reports) {
  std::size_t tests = 0, failures = 0;
  for (const Report* report : reports) {
    tests += report->expect.size() + 1;
    failures += failure_count(*report);
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  fmt::format_to(std::back_inserter(out),
                 "<testsuites name=\"paysim\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n", tests,
                 failures);
  for (const Report* report : reports) append_suite(*report, out);
  out += "</testsuites>\n";
  return out;
}

}  // namespace reports
