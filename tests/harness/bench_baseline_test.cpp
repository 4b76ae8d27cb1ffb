// bench/reference/wallet-baseline.yaml is the benchmarks' workload (bench/wallet_baseline.h, delay
// messages) written as a scenario file, so that `paysim run` and the SimPy reference model
// (bench/reference/) are timed on exactly the flow bench_scale and bench_pipeline measure. The
// file and the header must not drift apart: both give the same report, every number of it.
#include <gtest/gtest.h>

#include <string>

#include "bench/wallet_baseline.h"
#include "harness/run.h"
#include "harness/scenario_loader.h"
#include "reports/json_writer.h"

namespace harness {
namespace {

reports::Report report_of(Scenario scenario) {
  scenario.duration = sim::Duration::minutes(2);  // short: the drain still takes every order out
  RunOutcome outcome = run_scenario(scenario);
  outcome.report.sim.wall_ms = 0;
  return outcome.report;
}

TEST(BenchBaseline, TheScenarioFileIsTheBenchmarksWorkload) {
  const LoadResult loaded =
      load_scenario_file(std::string(PAYSIM_SOURCE_DIR) + "/bench/reference/wallet-baseline.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.errors[0].message;
  const Scenario from_header = bench::wallet_baseline(
      100, loaded.scenario->duration, loaded.scenario->drain, sut::Strategy::kDelayMessage);
  EXPECT_EQ(loaded.scenario->duration, sim::Duration::minutes(10));
  EXPECT_EQ(loaded.scenario->drain, sim::Duration::minutes(30));
  const reports::Report expected = report_of(from_header);
  EXPECT_GT(expected.orders.created, 10'000u) << "2 minutes at 100/s: nothing compared";
  EXPECT_EQ(reports::render_json(report_of(*loaded.scenario)), reports::render_json(expected));
}

}  // namespace
}  // namespace harness
