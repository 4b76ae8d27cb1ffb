// A small, fully populated report shared by the report and writer tests.
#pragma once

#include "reports/report.h"

namespace reports::testing {

inline Report sample_report() {
  Report r;
  r.scenario = "polling-vs-delay";
  r.variant = "delay-msg";
  r.seed = 42;
  r.sim = {123456, 3'600'000'000, 812.25};
  r.orders = {1000, 900, 880, 100, 10, 5};
  r.dropped = {3, 7, 45};
  for (int k = 1; k <= 1000; ++k) r.latency.charge_to_paid_us.record(k * 1000);  // 1..1000 ms
  r.latency.pay_to_paid_us.record(20'000'000);
  r.resolved_by = {800, 0, 60, 15, 5, 0, 0};
  r.duplicates = {12, 9, 2, 11, 1, 3000};
  r.cost = {5000, 37, 120000, 9000, 1900, 4};
  r.invariants.record({17, "refund_settled", 1'234'567, "refund 200 > charge 100"});
  r.expect.push_back({"dropped.final", "==", 0, 3.0, false});
  r.expect.push_back({"latency.charge_to_paid_ms.p99", "<", 60000, 990.0, true});
  r.timeseries.set_max(0, kPendingPayments, 12);
  r.timeseries.add(0, kQueries, 5);
  r.timeseries.add(2, kOrdersPaid, 9);
  return r;
}

}  // namespace reports::testing
