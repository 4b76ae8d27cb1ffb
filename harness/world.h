// World: one scenario wired into a running simulation — traffic and users, the mock channels
// with their ledger, the system under test, and the recorder that turns events into the report.
//
// Orders are retired as soon as nothing is pending for them (sim::Activity): every component
// forgets them and only the recorder's running totals remember. So memory follows the orders in
// flight, and a run stops early once the traffic window is over and nothing is in flight.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "harness/observer_tee.h"
#include "harness/recorder.h"
#include "harness/run_limits.h"
#include "harness/scenario.h"
#include "links/shop.h"
#include "mock_channels/ledger.h"
#include "mock_channels/mock_channel.h"
#include "reports/report.h"
#include "sim/activity.h"
#include "sim/fault_plan.h"
#include "sim/fault_tap.h"
#include "sim/sim_runtime.h"
#include "sim/simulator.h"
#include "sim/trace.h"
#include "system_under_test/client.h"
#include "workload/traffic.h"
#include "workload/users.h"

namespace harness {

// The scenario with the merchant's view of its channels (system.channels: their names and what
// their APIs allow) taken from the channels' own configuration when the scenario does not give
// it: what a merchant reads in the channel's docs.
Scenario with_merchant_view(Scenario scenario);

class World {
 public:
  // Copies `scenario` (validated), so a temporary is fine. `tracer` receives the model's trace
  // lines, `tap` every SystemObserver event after the recorder (the trace command, tests).
  // REQUIRES: both outlive the world.
  explicit World(const Scenario& scenario, sim::Tracer* tracer = nullptr,
                 sut::SystemObserver* tap = nullptr);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Runs the traffic window, then drains until nothing is in flight or the drain time is up.
  // Fills and returns the report (without expectations and wall time; see run.h). Throws
  // RunLimitError when the run outgrows its limits (RunLimits). `on_minute`,
  // when set, is told the simulated time reached after every simulated minute: for a progress
  // display, outside the model (it cannot change what the run does).
  const reports::Report& run(const std::function<void(sim::Time)>& on_minute = {});

  // For tests and diagnostics.
  const channels::Ledger& ledger() const { return ledger_; }
  const sim::Activity& activity() const { return activity_; }
  const channels::MockChannel& channel(size_t i) const { return *channels_[i]; }
  size_t orders_in_flight() const { return activity_.busy_entities(); }
  const Recorder& recorder() const { return recorder_; }

  // Test seam: installs `plan` (sim/fault_plan.h) in the channels, the order service and the MQ,
  // whose headers name their fault points. REQUIRES: before run(); `plan` outlives the world.
  void set_fault_plan(sim::FaultPlan* plan);
  // Installs `tap` (sim/fault_tap.h) in every component that injects a fault (the channels, the
  // links, the MQ link, the payment service's host) and tells it each order the world retires.
  // REQUIRES: before run(); `tap` outlives the world.
  void set_fault_tap(sim::FaultTap* tap);
  // Test seam (system_under_test/planted_bug.h): makes the system under test commit `bug`, so a
  // test can show that the invariant checks catch it. REQUIRES: before run().
  void plant_bug(sut::PlantedBug bug);
  // Test seam: other limits than the defaults. REQUIRES: before run().
  void set_limits(const RunLimits& limits) { limits_ = limits; }

 private:
  void retire(uint64_t order);
  // Throws RunLimitError when the run is past a limit.
  void check_limits() const;

  const Scenario scenario_;  // first: every component keeps references into it
  sim::Tracer* tracer_;
  reports::Report report_;
  sim::Activity activity_;  // declared before the simulator: pending events hold activity
  sim::Simulator simulator_;
  sim::SimRuntime runtime_;
  channels::Ledger ledger_;
  Recorder recorder_;
  ObserverTee tee_;                // the recorder, then the tap
  sut::SystemObserver& observer_;  // what the components report to: recorder_, or tee_ when tapped
  links::Shop shop_;               // the system under test
  sut::Client client_;             // the app
  std::vector<std::unique_ptr<channels::MockChannel>> channels_;
  std::unique_ptr<workload::Users> users_;
  std::unique_ptr<workload::Traffic> traffic_;
  sim::FaultTap* fault_tap_ = nullptr;
  RunLimits limits_;
  bool ran_ = false;
};

}  // namespace harness
