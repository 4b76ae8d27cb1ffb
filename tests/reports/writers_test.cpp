// The text writers: table, CSV and JUnit.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "reports/csv_writer.h"
#include "reports/junit_writer.h"
#include "reports/table_writer.h"
#include "tests/reports/junit_shape.h"
#include "tests/reports/report_test_fixture.h"

namespace reports {
namespace {

using testing::JunitCase;
using testing::JunitFile;
using testing::JunitSuite;
using testing::read_junit;
using testing::sample_report;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(TableWriter, SummarisesEveryGroupWithinOneHundredColumns) {
  const std::string table = render_table(sample_report());
  const auto lines = lines_of(table);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0], "paysim  scenario polling-vs-delay  variant delay-msg  seed 42");
  EXPECT_EQ(lines[1], "        simulated 1h 00m 00.000s  events 123456  wall 812 ms");
  for (const std::string& line : lines) EXPECT_LE(line.size(), 100u) << line;
  // Aligned "group metric value" rows; the group name only on its first row. The columns are as
  // wide as the longest group ("reconciliation") and metric ("forged_signature_accepted") need.
  const std::string group_pad(std::string("reconciliation").size() + 1, ' ');
  const auto row = [&](const std::string& group, const std::string& metric,
                       const std::string& value) {
    const std::string start = group + std::string(group_pad.size() - group.size(), ' ') + metric;
    return "\n" + start + std::string(15 + 26 + 14 - start.size() - value.size(), ' ') + value +
           "\n";
  };
  EXPECT_TRUE(contains(table, row("orders", "created", "1000"))) << table;
  EXPECT_TRUE(contains(table, row("", "charged", "900"))) << table;
  EXPECT_TRUE(contains(table, row("dropped", "final", "3"))) << table;
  EXPECT_TRUE(contains(table, row("cost", "channel_queries", "5000"))) << table;
  EXPECT_TRUE(contains(table, row("reconciliation", "runs", "0"))) << table;
  EXPECT_TRUE(contains(table, row("", "forged_signature_accepted", "0"))) << table;
  // A latency row per metric with the seven columns.
  EXPECT_TRUE(contains(table, "latency (ms)          count        mean         p50"));
  EXPECT_TRUE(contains(table, "\ncharge_to_paid         1000     500.500     504.028")) << table;
  EXPECT_TRUE(contains(table, "\nclient_visible            0       0.000       0.000"));
  EXPECT_TRUE(contains(table, "  FAIL  dropped.final == 0")) << table;
  EXPECT_TRUE(contains(table, "actual 3\n")) << table;
  EXPECT_TRUE(contains(table, "  PASS  latency.charge_to_paid_ms.p99 < 60000 ")) << table;
  EXPECT_TRUE(contains(table, "invariants   1 violation\n"));
  EXPECT_TRUE(contains(table,
                       "  order 17 at 1234.567 ms, event refund_settled: refund 200 > "
                       "charge 100\n"));
}

TEST(TableWriter, LongLatenciesKeepTheirColumnsApart) {
  Report r;
  r.latency.pay_to_paid_us.record(21'600'000'000);  // a 6 h drain: 21600000 ms
  r.latency.pay_to_paid_us.record(1'000);
  const std::string table = render_table(r);
  EXPECT_TRUE(contains(table, "\npay_to_paid               2    10800000       1.000    21600000"))
      << table;
  EXPECT_TRUE(contains(table, "    21600000\n")) << table;
  for (const std::string& line : lines_of(table)) EXPECT_LE(line.size(), 100u) << line;
}

TEST(TableWriter, NoVariantAndNoViolations) {
  Report r;
  r.scenario = "tiny";
  const std::string table = render_table(r);
  EXPECT_EQ(lines_of(table)[0], "paysim  scenario tiny  variant -  seed 0");
  EXPECT_TRUE(contains(table, "invariants   0 violations\n"));
  EXPECT_FALSE(contains(table, "expectations"));
}

TEST(CsvWriter, QuotesAsRfc4180Says) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
}

TEST(CsvWriter, HeaderAndOneRowPerReport) {
  Report a = sample_report();
  Report b = sample_report();
  b.variant = "polling, 60s \"fast\"";
  b.seed = 7;
  b.dropped.final = 0;
  const std::string csv = render_csv({&a, &b});
  std::vector<std::string> records;
  for (std::size_t start = 0; start < csv.size();) {
    const std::size_t end = csv.find("\r\n", start);
    ASSERT_NE(end, std::string::npos) << "every record ends in CRLF";
    records.push_back(csv.substr(start, end - start));
    start = end + 2;
  }
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].rfind("scenario,variant,seed,sim.events,sim.simulated_ms,sim.wall_ms,"
                             "orders.created,",
                             0),
            0u)
      << records[0];
  EXPECT_TRUE(contains(
      records[0],
      ",dropped.final,dropped.final_external,dropped.final_internal,dropped.user_visible,"));
  EXPECT_TRUE(contains(records[0], ",latency.charge_to_paid_ms.p999,"));
  EXPECT_EQ(records[1].rfind("polling-vs-delay,delay-msg,42,123456,3600000,812.25,1000,900,", 0),
            0u)
      << records[1];
  EXPECT_EQ(records[2].rfind("polling-vs-delay,\"polling, 60s \"\"fast\"\"\",7,", 0), 0u)
      << records[2];
  // Same number of fields in every record (no quoted commas in the metrics).
  const auto fields = [](const std::string& r) { return std::count(r.begin(), r.end(), ','); };
  EXPECT_EQ(fields(records[1]), fields(records[0]));
  EXPECT_TRUE(contains(records[1], ",3,7,45,")) << "dropped group";
  EXPECT_TRUE(contains(records[2], ",0,7,45,")) << "dropped group";
}

TEST(CsvWriter, NoReportsGivesTheFixedHeader) {
  EXPECT_EQ(render_csv({}), "scenario,variant,seed\r\n");
}

TEST(JunitWriter, EscapesXml) {
  EXPECT_EQ(xml_escape(R"(a<b & c>"d" 'e')"), "a&lt;b &amp; c&gt;&quot;d&quot; &apos;e&apos;");
  EXPECT_EQ(xml_escape("line\nbreak\ttab"), "line&#10;break&#9;tab");
  EXPECT_EQ(xml_escape("line\nbreak", XmlContext::kText), "line\nbreak");
  EXPECT_EQ(xml_escape(std::string("bell\x07", 5)), "bell?");
  EXPECT_EQ(xml_escape("付款 ok"), "付款 ok");  // UTF-8 passes through
}

constexpr const char* kBuild = "paysim 0.1.0 (revision c96b707d1e2f)";

TEST(JunitWriter, OneSuitePerReportWithFailures) {
  Report r = sample_report();
  r.scenario = "a<b&c";
  r.expect.push_back({"no.such.metric", ">=", 0.5, std::nullopt, false});
  const std::string xml = render_junit({{&r, 3}}, kBuild);
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u);
  EXPECT_TRUE(contains(xml,
                       "<testsuites name=\"paysim\" tests=\"4\" failures=\"2\" errors=\"1\" "
                       "time=\"0.812\">"))
      << xml;
  EXPECT_TRUE(contains(xml,
                       "<testsuite name=\"a&lt;b&amp;c/delay-msg (seed 42, replication 3)\" "
                       "tests=\"4\" failures=\"2\" errors=\"1\" skipped=\"0\" time=\"0.812\">"))
      << xml;
  EXPECT_TRUE(contains(xml,
                       "<testcase classname=\"a&lt;b&amp;c/delay-msg (seed 42, replication 3)\" "
                       "name=\"dropped.final == 0\" time=\"0.000\">\n"
                       "      <failure type=\"expectation\" "
                       "message=\"dropped.final = 3, expected == 0\"/>"))
      << xml;
  EXPECT_TRUE(contains(xml, "name=\"latency.charge_to_paid_ms.p99 &lt; 60000\" time=\"0.000\"/>"))
      << xml;
  EXPECT_TRUE(contains(xml,
                       "<error type=\"missing_metric\" message=\"no.such.metric: no such metric "
                       "in the report (expected &gt;= 0.5)\"/>"))
      << xml;
  EXPECT_TRUE(contains(xml,
                       "name=\"invariants\" time=\"0.812\">\n      <failure type=\"invariant\" "
                       "message=\"1 invariant violation\">order 17 at 1234.567 ms, event "
                       "refund_settled: refund 200 &gt; charge 100\n</failure>"))
      << xml;
  const std::string ending = "  </testsuite>\n</testsuites>\n";
  EXPECT_EQ(xml.substr(xml.size() - ending.size()), ending);
}

TEST(JunitWriter, PassingReportHasNoFailure) {
  Report r;
  r.scenario = "ok";
  r.expect.push_back({"dropped.final", "==", 0, 0.0, true});
  const std::string xml = render_junit({{&r}}, kBuild);
  EXPECT_FALSE(contains(xml, "<failure"));
  EXPECT_TRUE(contains(xml,
                       "<testcase classname=\"ok (seed 0, replication 0)\" name=\"invariants\" "
                       "time=\"0.000\"/>"))
      << xml;
  EXPECT_TRUE(contains(xml, "tests=\"2\" failures=\"0\" errors=\"0\""));
}

// The file read back as a CI tool reads it: the shape of the JUnit schema, every count equal to
// what it counts, a suite per run with its identity in the name and the properties.
TEST(JunitWriter, ParsesAsJunitWithConsistentCountsAndProperties) {
  Report failing = sample_report();  // one failed expectation, one violation
  failing.expect.push_back({"security.attacks_accepted", "==", 0, std::nullopt, false});
  Report passing;
  passing.scenario = "ok";
  passing.seed = 7;
  passing.sim.wall_ms = 250.0;
  passing.expect.push_back({"dropped.final", "==", 0, 0.0, true});
  const JunitFile file = read_junit(render_junit({{&failing, 0}, {&passing, 2}}, kBuild));
  ASSERT_TRUE(file.problems.empty()) << ::testing::PrintToString(file.problems);
  EXPECT_EQ(file.tests, 6u);
  EXPECT_EQ(file.failures, 2u);
  EXPECT_EQ(file.errors, 1u);
  EXPECT_NEAR(file.time_s, 1.062, 1e-9);
  ASSERT_EQ(file.suites.size(), 2u);

  const JunitSuite& first = file.suites[0];
  EXPECT_EQ(first.name, "polling-vs-delay/delay-msg (seed 42, replication 0)");
  const std::map<std::string, std::string> expected_properties = {{"scenario", "polling-vs-delay"},
                                                                  {"variant", "delay-msg"},
                                                                  {"seed", "42"},
                                                                  {"replication", "0"},
                                                                  {"paysim_version", kBuild}};
  EXPECT_EQ(first.properties, expected_properties);
  ASSERT_EQ(first.cases.size(), 4u);
  EXPECT_EQ(first.cases[0].outcome, "failure");
  EXPECT_EQ(first.cases[1].outcome, "");
  EXPECT_EQ(first.cases[2].name, "security.attacks_accepted == 0");
  EXPECT_EQ(first.cases[2].outcome, "error") << "a missing metric is an error, not a failure";
  EXPECT_EQ(first.cases[2].type, "missing_metric");
  EXPECT_EQ(first.cases[3].name, "invariants");
  EXPECT_EQ(first.cases[3].outcome, "failure");
  EXPECT_NEAR(first.cases[3].time_s, 0.812, 1e-9) << "the run's wall time";
  for (const JunitCase& c : first.cases) EXPECT_EQ(c.classname, first.name);

  const JunitSuite& second = file.suites[1];
  EXPECT_EQ(second.name, "ok (seed 7, replication 2)");
  EXPECT_EQ(second.properties.at("variant"), "");
  EXPECT_EQ(second.properties.at("replication"), "2");
  EXPECT_NEAR(second.time_s, 0.25, 1e-9);
}

TEST(JunitWriter, ShapeCheckCatchesCountsThatDisagree) {
  Report r = sample_report();
  std::string xml = render_junit({{&r}}, kBuild);
  const std::string said = "tests=\"3\" failures=\"2\" errors=\"0\" skipped";
  ASSERT_TRUE(contains(xml, said)) << xml;
  xml.replace(xml.find(said), said.size(), "tests=\"3\" failures=\"1\" errors=\"0\" skipped");
  EXPECT_FALSE(read_junit(xml).problems.empty());
  EXPECT_FALSE(read_junit("<testsuites><testsuite></testsuites>").problems.empty());
}

TEST(JunitWriter, ExperimentRunsCarryTheirReplication) {
  Report a0, a1, b0, b1;
  Experiment e;
  e.points.push_back({"a", {}, {&a0, &a1}});
  e.points.push_back({"b", {}, {&b0, &b1}});
  const std::vector<JunitRun> runs = junit_runs(e);
  ASSERT_EQ(runs.size(), 4u);
  EXPECT_EQ(runs[0].report, &a0);
  EXPECT_EQ(runs[1].report, &a1);
  EXPECT_EQ(runs[1].replication, 1u);
  EXPECT_EQ(runs[2].report, &b0);
  EXPECT_EQ(runs[2].replication, 0u);
  EXPECT_EQ(runs[3].replication, 1u);
}

}  // namespace
}  // namespace reports
