// Running a plan's jobs on a pool of threads, and writing what an experiment reports
// (harness/sweep.h).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>

#include "harness/progress.h"
#include "harness/run.h"
#include "harness/sweep.h"
#include "reports/csv_writer.h"
#include "reports/html_writer.h"
#include "reports/junit_writer.h"

namespace harness {

std::vector<reports::Report> run_jobs(const Plan& plan,
                                      const std::vector<Scenario>& point_scenarios,
                                      const std::vector<std::size_t>& jobs, int threads,
                                      Progress* progress) {
  std::vector<reports::Report> results(jobs.size());
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  // Each worker claims the next job in list order and writes only its own slot of `results`; the
  // model keeps no shared mutable state, so worlds on different threads never meet.
  auto worker = [&] {
    while (true) {
      const std::size_t k = next.fetch_add(1);
      if (k >= jobs.size()) return;
      try {
        const std::size_t job = jobs[k];
        Scenario scenario = point_scenarios.at(plan.point_of(job));
        scenario.seed = plan.seeds.at(plan.replication_of(job));
        RunOutcome outcome = run_scenario(scenario);
        const PlanPoint& point = plan.points[plan.point_of(job)];
        outcome.report.variant = plan.is_compare() ? point.variant : point.label;
        results[k] = std::move(outcome.report);
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = jobs.size();  // stop handing out work
      }
      if (progress != nullptr) progress->advance();
    }
  };
  const std::size_t n = std::clamp<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), 1,
                                                std::max<std::size_t>(jobs.size(), 1));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < n; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  if (progress != nullptr) progress->finish();
  if (failure) std::rethrow_exception(failure);
  return results;
}

reports::Experiment experiment_of(const Plan& plan, const std::vector<reports::Report>& runs) {
  reports::Experiment e;
  e.kind = plan.kind;
  e.scenario = plan.scenario;
  e.seeds = plan.seeds;
  e.first_point_is_base = plan.is_compare();
  for (const Override& o : plan.set) e.set.emplace_back(o.key, o.value);
  for (const SweepAxis& axis : plan.axes) e.axes.push_back({axis.key, axis.values});
  for (std::size_t p = 0; p < plan.points.size(); ++p) {
    reports::ExperimentPoint point;
    point.label = plan.points[p].label;
    for (const Override& o : plan.points[p].values) point.values.emplace_back(o.key, o.value);
    for (std::size_t r = 0; r < plan.replications(); ++r)
      point.runs.push_back(&runs.at(p * plan.replications() + r));
    e.points.push_back(std::move(point));
  }
  return e;
}

bool write_experiment_outputs(const reports::Experiment& experiment, const std::string& dir,
                              std::string_view build, reports::OutputFiles extra) {
  const std::vector<const reports::Report*> runs = reports::all_runs(experiment);
  reports::OutputFiles files = {
      {"summary.json", reports::render_summary_json(experiment)},
      {"summary.csv", reports::render_summary_csv(experiment)},
      {"runs.csv", reports::render_csv(runs)},
      {"report.html", reports::render_html(reports::html_for_experiment(experiment))},
      {"junit.xml", reports::render_junit(reports::junit_runs(experiment), build)},
  };
  for (auto& file : extra) files.push_back(std::move(file));
  std::string error;
  if (!reports::write_output_set(dir, files, &error)) {
    std::fprintf(stderr, "paysim: cannot write the reports: %s\n", error.c_str());
    return false;
  }
  return true;
}

int experiment_exit_code(const std::vector<reports::Report>& runs) {
  for (const reports::Report& r : runs) {
    if (r.invariants.violations > 0) return 1;
    for (const reports::Expectation& e : r.expect) {
      if (!e.pass) return 1;
    }
  }
  return 0;
}

}  // namespace harness
