// Configuration of the traffic and of the users' behaviour. The workload is the part of the
// world that is neither channel nor system: people arriving, clicking, paying, coming back.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/distribution.h"
#include "sim/time.h"

namespace workload {

// Piecewise-constant arrival rate over the time of day, repeating every 24 h.
struct RatePoint {
  sim::Duration time_of_day;
  double rate_per_s = 0.0;
};

struct TrafficConfig {
  enum class Arrival : uint8_t { kPoisson, kUniform } arrival = Arrival::kPoisson;
  double rate_per_s = 10.0;        // used when profile is empty
  std::vector<RatePoint> profile;  // sorted by time_of_day, first at 0
  int64_t amount_minor = 10000;    // order amount (minor units), e.g. 100.00
};

// A re-order (user.reorder_if_unpaid_probability) is a new order of the same purchase. Its id is
// kReorderBase plus the first order's id, outside the arrivals' 1, 2, 3... (a purchase is
// re-ordered at most once), so every variant gives the same re-order the same id and the same
// random streams.
inline constexpr uint64_t kReorderBase = uint64_t{1} << 40;
constexpr bool is_reorder(uint64_t order) { return order >= kReorderBase; }
// The purchase an order is for: the id of its first order.
constexpr uint64_t purchase_of(uint64_t order) {
  return is_reorder(order) ? order - kReorderBase : order;
}

struct UserConfig {
  double pay_probability = 0.9;  // the user completes payment in the wallet at all
  sim::Distribution pay_delay = sim::Distribution::exponential(sim::Duration::seconds(20));
  sim::Distribution return_delay = sim::Distribution::lognormal(sim::Duration::seconds(3), 0.5);
  double repeat_click_probability = 0.0;  // presses "pay" twice in quick succession
  sim::Distribution repeat_click_gap =
      sim::Distribution::uniform(sim::Duration::millis(1), sim::Duration::millis(300));
  // Pays both QR codes when a repeat click produced two payments.
  double pay_both_probability = 0.5;
  double repay_if_unpaid_probability = 0.0;  // sees "unpaid" after paying, pays again
  sim::Distribution repay_delay = sim::Distribution::exponential(sim::Duration::seconds(30));
  // Sees "unpaid" and, instead of paying the same order again, places a second order for the
  // same purchase (after repay_delay; at most once per purchase). Its own random stream.
  double reorder_if_unpaid_probability = 0.0;
  double switch_channel_probability = 0.0;     // opens one channel, switches and pays on another
  double pay_abandoned_too_probability = 0.3;  // after switching, later pays the first as well
  int max_pay_attempts = 3;                    // a user gives up after this many pay clicks
};

}  // namespace workload
