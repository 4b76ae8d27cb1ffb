// issue 17: the Expectations section of the HTML report. Every expect entry with its threshold,
// the scenario's own wording (single runs), the actual value and pass/fail; a metric the report
// does not have is an ERROR, as in JUnit; a scenario without expectations says so.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "reports/html_writer.h"

namespace reports {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

Report run_with_expectations() {
  Report r;
  r.scenario = "s";
  r.seed = 1;
  r.expect.push_back({"dropped.final", "==", 0, 2.0, false});
  r.expect.push_back({"latency.charge_to_paid_ms.p99", "<", 60000, 990.5, true});
  r.expect.push_back({"security.attacks_accepted", "==", 0, std::nullopt, false});
  return r;
}

TEST(HtmlExpectations, RunShowsEveryEntryWithItsWordingActualAndResult) {
  const HtmlReport html = html_for_run(run_with_expectations(), {"0", "\"< 60000\"", "0"});
  const HtmlTable& table = html.expectations;
  EXPECT_EQ(table.header,
            (std::vector<std::string>{"metric", "expected", "as written", "actual", "result"}));
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.rows[0],
            (std::vector<std::string>{"dropped.final", "== 0", "dropped.final: 0", "2", "FAIL"}));
  EXPECT_EQ(table.rows[1], (std::vector<std::string>{"latency.charge_to_paid_ms.p99", "< 60000",
                                                     "latency.charge_to_paid_ms.p99: \"< 60000\"",
                                                     "990.5", "pass"}));
  EXPECT_EQ(table.rows[2][3], "no such metric");
  EXPECT_EQ(table.rows[2][4], "ERROR");
  EXPECT_EQ(table.row_classes, (std::vector<std::string>{"fail", "pass", "fail"}));

  const std::string page = render_html(html);
  EXPECT_TRUE(contains(page, "<h2 id=\"expectations\">Expectations</h2>")) << page;
  EXPECT_TRUE(contains(page, "<tr class=\"fail\"><td>dropped.final</td><td>== 0</td>")) << page;
  EXPECT_TRUE(contains(page, "<td>latency.charge_to_paid_ms.p99: &quot;&lt; 60000&quot;</td>"))
      << page;
  // Before the charts: CI readers look for the verdict first.
  EXPECT_LT(page.find("id=\"expectations\""), page.find("chart-latency-cdf"));
}

TEST(HtmlExpectations, WithoutTheWordingTheColumnIsLeftOut) {
  const HtmlTable table = html_for_run(run_with_expectations()).expectations;
  EXPECT_EQ(table.header, (std::vector<std::string>{"metric", "expected", "actual", "result"}));
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{"dropped.final", "== 0", "2", "FAIL"}));
}

TEST(HtmlExpectations, NoExpectBlockSaysSo) {
  Report r;
  r.scenario = "s";
  const HtmlReport html = html_for_run(r);
  EXPECT_TRUE(html.expectations.rows.empty());
  const std::string page = render_html(html);
  EXPECT_TRUE(contains(page,
                       "<h2 id=\"expectations\">Expectations</h2>\n<p class=\"note\">No "
                       "expectations: the scenario has no <code>expect:</code> block."))
      << page;
  EXPECT_FALSE(contains(page, "<tr class=\"fail\">"));
}

TEST(HtmlExpectations, ExperimentShowsEachPointOverItsReplications) {
  Report base0, base1, slow0, slow1;
  for (Report* r : {&base0, &base1, &slow0, &slow1}) r->scenario = "s";
  base0.expect.push_back({"dropped.final", "==", 0, 0.0, true});
  base1.expect.push_back({"dropped.final", "==", 0, 0.0, true});
  slow0.expect.push_back({"dropped.final", "==", 0, 0.0, true});
  slow1.expect.push_back({"dropped.final", "==", 0, 3.0, false});
  const Experiment e{"compare", "s",
                     {1, 2},    {},
                     {},        {{"base", {}, {&base0, &base1}}, {"slow", {}, {&slow0, &slow1}}},
                     true};
  const HtmlTable table = html_for_experiment(e).expectations;
  EXPECT_EQ(table.header,
            (std::vector<std::string>{"point", "metric", "expected", "actual", "result"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{"base", "dropped.final", "== 0", "0",
                                                     "pass (2 of 2 runs passed)"}));
  EXPECT_EQ(table.rows[1], (std::vector<std::string>{"slow", "dropped.final", "== 0", "0 – 3",
                                                     "FAIL (1 of 2 runs passed)"}));
  EXPECT_EQ(table.row_classes, (std::vector<std::string>{"pass", "fail"}));
}

}  // namespace
}  // namespace reports
