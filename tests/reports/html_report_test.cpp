// The HTML report: self-contained (no scripts, nothing fetched), the charts present with their
// titles and data, the Pareto front right; and, in headless Chromium, the charts (outcome bars,
// resolved-by mix, sweep lines included) and the Expectations section really render.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

#include "reports/html_writer.h"
#include "reports/svg_chart.h"

namespace reports {
namespace {

namespace fs = std::filesystem;

Report sample_report(const std::string& variant, std::int64_t scale) {
  Report r;
  r.scenario = "sample";
  r.variant = variant;
  r.seed = 1;
  for (std::int64_t i = 1; i <= 500; ++i) r.latency.charge_to_paid_us.record(i * 1000 * scale);
  for (std::int64_t m = 0; m < 30; ++m) {
    r.timeseries.set_max(m, kPendingPayments, 100 - m);
    r.timeseries.add(m, kQueries, 60 * scale);
    // A p99 in every minute but 5, 15 and 25 (no sample there).
    if (m % 10 != 5) r.timeseries.set(m, kChargeToPaidP99, (500 + m) * 1000 * scale);
  }
  r.cost.channel_queries = static_cast<std::uint64_t>(1000 / scale);
  r.orders.created = 500;
  return r;
}

std::string sample_html() {
  static const Report a = sample_report("fast-but-costly", 1);
  static const Report b = sample_report("cheap-but-slow", 3);
  Experiment e{"compare", "sample", {1},
               {},        {},       {{"fast-but-costly", {}, {&a}}, {"cheap-but-slow", {}, {&b}}}};
  return render_html(html_for_experiment(e));
}

TEST(HtmlReport, IsSelfContainedWithEveryChart) {
  const std::string html = sample_html();
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"),
            html.find("http://www.w3.org/2000/svg"));  // only the SVG namespace
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  for (const char* id :
       {"chart-latency-cdf", "chart-pending-payments", "chart-query-rate",
        "chart-charge-to-paid-p99", "chart-cost-latency", "chart-outcomes", "chart-resolved-by"}) {
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_NE(html.find("data-series=\"fast-but-costly\""), std::string::npos);
  EXPECT_NE(html.find("charge→paid latency (ms, log scale)"), std::string::npos);
  EXPECT_EQ(sample_html(), html) << "deterministic";
}

// issue 17: a minute without a sample is a gap in the p99 line: the path lifts its pen there
// ("M" again) instead of drawing 0 ms, and a point with gaps on both sides is drawn as a dot.
TEST(HtmlReport, LineChartLeavesAGapWhereAMinuteHasNoSample) {
  const double gap = std::numeric_limits<double>::quiet_NaN();
  LineChart chart{"c", "t", "x", "y", false, {}, {}, "", {}};
  chart.series.push_back({"s", {{0, 4}, {1, gap}, {2, 3}, {3, gap}, {4, 5}, {5, 6}}, {}});
  chart.series.push_back({"same", chart.series[0].points, {}});
  const std::string svg = render_line_chart(chart);
  const std::size_t path = svg.find("<path class=\"series\" data-series=\"s\" d=\"");
  ASSERT_NE(path, std::string::npos);
  const std::string d = svg.substr(path, svg.find("\" fill", path) - path);
  EXPECT_EQ(std::count(d.begin(), d.end(), 'M'), 3) << d;
  EXPECT_EQ(std::count(d.begin(), d.end(), 'L'), 1) << d;
  EXPECT_EQ(d.find("nan"), std::string::npos) << d;
  std::size_t dots = 0;
  for (std::size_t at = svg.find("<circle class=\"dot\" data-series=\"s\"");
       at != std::string::npos; at = svg.find("<circle class=\"dot\" data-series=\"s\"", at + 1))
    ++dots;
  EXPECT_EQ(dots, 2u) << "minutes 0 and 2 stand alone";
  EXPECT_NE(svg.find("same (= s)"), std::string::npos) << "a gap equals a gap";
  // The gaps change nothing else: the same chart without them draws one line.
  LineChart whole = chart;
  for (ChartSeries& s : whole.series) s.points = {{0, 4}, {2, 3}, {4, 5}, {5, 6}};
  const std::string whole_svg = render_line_chart(whole);
  EXPECT_EQ(whole_svg.find("class=\"dot\""), std::string::npos);
}

TEST(HtmlReport, ParetoFrontKeepsOnlyUndominatedPoints) {
  const std::vector<ScatterPoint> points = {
      {"a", 1, 10}, {"b", 2, 5}, {"c", 3, 6}, {"d", 4, 1}, {"e", 2, 5}};
  EXPECT_EQ(pareto_front(points), (std::vector<std::size_t>{0, 1, 4, 3}));
}

// Runs a shell command, returning its exit status and (if out is non-null) its stdout.
int shell(const std::string& command, std::string* out) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 65536> buffer{};
  std::size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    if (out != nullptr) out->append(buffer.data(), n);
  }
  return pclose(pipe);
}

bool browser_required() {
  const char* ci = std::getenv("CI");
  const char* with = std::getenv("PAYSIM_WITH_BROWSER");
  return (ci != nullptr && std::string(ci) == "true") ||
         (with != nullptr && std::string(with) == "1");
}

TEST(HtmlReport, RendersInHeadlessChromium) {
  if (shell("command -v chromium >/dev/null 2>&1", nullptr) != 0) {
    if (browser_required()) {
      FAIL() << "chromium is not installed, but CI=true or PAYSIM_WITH_BROWSER=1 asks for the "
                "browser test: run "
                "PAYSIM_WITH_BROWSER=1 scripts/deps.sh (scripts/test.sh does)";
    }
    GTEST_SKIP() << "chromium is not installed (PAYSIM_WITH_BROWSER=1 scripts/deps.sh installs it)";
  }
  // A real comparison, written by the paysim binary.
  const fs::path dir = fs::path(::testing::TempDir()) / "paysim-html-browser";
  fs::remove_all(dir);
  const std::string scenario =
      std::string(PAYSIM_SOURCE_DIR) + "/tests/harness/data/compare_lossy.yaml";
  ASSERT_EQ(shell(std::string(PAYSIM_BINARY) + " compare " + scenario + " --out " + dir.string() +
                      " >/dev/null 2>&1",
                  nullptr),
            0);
  const fs::path html = dir / "report.html";
  ASSERT_TRUE(fs::exists(html));
  const std::string flags =
      " --headless --no-sandbox --disable-gpu --disable-background-networking "
      "--disable-component-update"
      " --disable-sync --no-first-run --user-data-dir=$(mktemp -d)";
  std::string dom;
  ASSERT_EQ(
      shell("timeout 120 chromium" + flags + " --dump-dom file://" + html.string() + " 2>/dev/null",
            &dom),
      0);
  // The browser parsed the document into SVG elements, titles and data paths.
  for (const char* title :
       {"Charge→paid latency, cumulative distribution", "Pending payments over time",
        "Channel query rate over time", "p99 charge→paid per minute (ms)",
        "Cost against consistency latency", "Outcomes: drops by cause and unresolved duplicates",
        "How PAID orders learned of their payment (resolved_by)"}) {
    EXPECT_NE(dom.find(std::string(">") + title + "</title>"), std::string::npos) << title;
  }
  for (const char* variant : {"polling", "delay_message"}) {
    EXPECT_NE(dom.find(std::string("<path class=\"series\" data-series=\"") + variant + "\" d=\"M"),
              std::string::npos)
        << variant;
  }
  EXPECT_NE(dom.find("class=\"series pareto-front\""), std::string::npos);
  // issue 17: a bar per point in each of the four outcome groups, error bars from the two
  // replications where the runs differ, and the resolved-by mix.
  std::size_t bars = 0;
  for (std::size_t at = dom.find("<rect class=\"bar\""); at != std::string::npos;
       at = dom.find("<rect class=\"bar\"", at + 1))
    ++bars;
  EXPECT_EQ(bars, 3u * 4u);
  EXPECT_NE(dom.find("<rect class=\"segment\" data-row=\"polling\" data-segment=\"callback\""),
            std::string::npos);
  EXPECT_NE(dom.find("<td class=\"best\">"), std::string::npos);
  // issue 17: the Expectations section, a row per point for the scenario's one expect entry.
  EXPECT_NE(dom.find("<h2 id=\"expectations\">Expectations</h2>"), std::string::npos);
  for (const char* point : {"base", "polling", "delay_message"}) {
    EXPECT_NE(dom.find(std::string("<tr class=\"pass\"><td>") + point +
                       "</td><td>invariants.violations</td><td>== 0</td><td>0</td><td>pass</td>"),
              std::string::npos)
        << point;
  }

  // A single run's report shows the entry as the scenario wrote it.
  const fs::path run_dir = dir / "run";
  ASSERT_EQ(shell(std::string(PAYSIM_BINARY) + " run " + scenario + " --format html --out " +
                      run_dir.string() + " >/dev/null 2>&1",
                  nullptr),
            0);
  std::string run_dom;
  ASSERT_EQ(shell("timeout 120 chromium" + flags + " --dump-dom file://" +
                      (run_dir / "report.html").string() + " 2>/dev/null",
                  &run_dom),
            0);
  EXPECT_NE(run_dom.find("<th>as written</th>"), std::string::npos) << run_dom;
  EXPECT_NE(run_dom.find("<tr class=\"pass\"><td>invariants.violations</td><td>== 0</td>"
                         "<td>invariants.violations: 0</td><td>0</td><td>pass</td></tr>"),
            std::string::npos)
      << run_dom;

  // A sweep over one numeric axis: each key metric against the swept value, with a band.
  const fs::path sweep_dir = dir / "sweep";
  ASSERT_EQ(shell(std::string(PAYSIM_BINARY) + " sweep " + scenario + " --out " +
                      sweep_dir.string() + " >/dev/null 2>&1",
                  nullptr),
            0);
  std::string sweep_dom;
  ASSERT_EQ(shell("timeout 120 chromium" + flags + " --dump-dom file://" +
                      (sweep_dir / "report.html").string() + " 2>/dev/null",
                  &sweep_dom),
            0);
  for (const char* title : {"dropped.final against system.compensation.polling.interval",
                            "charge→paid p99 (ms) against system.compensation.polling.interval",
                            "Outcomes: drops by cause and unresolved duplicates"}) {
    EXPECT_NE(sweep_dom.find(std::string(">") + title + "</title>"), std::string::npos) << title;
  }
  EXPECT_NE(sweep_dom.find("<path class=\"band\""), std::string::npos);

  const fs::path png = dir / "report.png";
  ASSERT_EQ(shell("timeout 120 chromium" + flags + " --screenshot=" + png.string() +
                      " --window-size=1400,2000 file://" + html.string() + " >/dev/null 2>&1",
                  nullptr),
            0);
  ASSERT_TRUE(fs::exists(png));
  EXPECT_GT(fs::file_size(png), 20000u) << "a blank page compresses to almost nothing";
}

}  // namespace
}  // namespace reports
