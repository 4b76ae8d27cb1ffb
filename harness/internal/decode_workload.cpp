// `traffic:` and `user:`: who arrives, how often, and how people behave in the wallet and the app.
#include <fmt/format.h>

#include <algorithm>

#include "harness/internal/scenario_decode.h"
#include "harness/internal/value_readers.h"

namespace harness::internal {
namespace {

// One profile point [time_of_day, rate]; the rate may be 0 (no traffic at night).
std::optional<workload::RatePoint> decode_rate_point(Decoder& d, const Cursor& at) {
  if (!at.node.IsSequence() || at.node.size() != 2) {
    d.error(at, "expected a point [time of day, rate], e.g. [8h, 100/s], got " + describe(at.node));
    return std::nullopt;
  }
  Cursor time_at = d.child(at, at.node[0], at.path + "[0]");
  Cursor rate_at = d.child(at, at.node[1], at.path + "[1]");
  std::optional<sim::Duration> time_of_day = decode_duration(d, time_at);
  std::optional<double> rate;
  if (rate_at.node.IsScalar()) rate = parse_rate_per_s(rate_at.node.Scalar());
  if (!rate) {
    d.error(rate_at,
            "expected a rate like 100/s, 6000/m or 360000/h, got " + describe(rate_at.node));
  }
  if (time_of_day && *time_of_day >= sim::Duration::days(1)) {
    d.error(time_at, "time of day must be below 24h, got '" + time_at.node.Scalar() + "'");
    time_of_day.reset();
  }
  if (!time_of_day || !rate) return std::nullopt;
  return workload::RatePoint{*time_of_day, *rate};
}

std::optional<std::vector<workload::RatePoint>> decode_profile(Decoder& d, const Cursor& at) {
  std::vector<workload::RatePoint> profile;
  size_t errors_before = d.error_count();
  size_t count = for_each_item(d, at, [&](const Cursor& item) {
    std::optional<workload::RatePoint> point = decode_rate_point(d, item);
    if (!point) return;
    if (!profile.empty() && point->time_of_day <= profile.back().time_of_day) {
      d.error(item, "profile times must strictly increase");
      return;
    }
    profile.push_back(*point);
  });
  if (d.error_count() != errors_before) return std::nullopt;
  if (count == 0) {
    d.error(at, "a profile needs at least one point, starting at 0h");
  } else if (count > kMaxListLength) {
    d.error(at, fmt::format("at most {} points allowed", kMaxListLength));
  } else if (profile.front().time_of_day != sim::Duration::zero()) {
    d.error(at, "the first profile point must be at 0h");
  } else {
    bool any_traffic = false;
    for (const workload::RatePoint& point : profile)
      any_traffic = any_traffic || point.rate_per_s > 0.0;
    if (!any_traffic) d.error(at, "a profile needs at least one rate greater than 0");
  }
  if (d.error_count() != errors_before) return std::nullopt;
  return profile;
}

}  // namespace

void decode_traffic(Decoder& d, const Cursor& at, workload::TrafficConfig& out) {
  using Arrival = workload::TrafficConfig::Arrival;
  MapReader reader(d, at);
  reader.read("arrival", out.arrival,
              EnumOf<Arrival>{{{"poisson", Arrival::kPoisson}, {"uniform", Arrival::kUniform}}});
  std::optional<Cursor> rate_at = reader.get("rate");
  std::optional<Cursor> profile_at = reader.get("profile");
  if (rate_at && profile_at) {
    // The struct would silently ignore the rate; say so instead.
    d.error(*rate_at, "give either 'rate' or 'profile', not both");
  }
  if (rate_at) {
    if (std::optional<double> rate = decode_rate(d, *rate_at)) out.rate_per_s = *rate;
  }
  if (profile_at) {
    if (auto profile = decode_profile(d, *profile_at)) out.profile = std::move(*profile);
  }
  reader.read("amount_minor", out.amount_minor, IntInRange{1, INT32_MAX});
}

double expected_orders(const workload::TrafficConfig& traffic, sim::Duration window) {
  const double window_s = static_cast<double>(window.us()) / 1e6;
  if (traffic.profile.empty()) return traffic.rate_per_s * window_s;
  // The profile repeats every day: whole days, then the part of a day that is left.
  const int64_t day_us = sim::Duration::days(1).us();
  auto orders_before = [&](int64_t time_of_day_us) {
    double orders = 0.0;
    for (size_t i = 0; i < traffic.profile.size(); ++i) {
      const int64_t start = traffic.profile[i].time_of_day.us();
      const int64_t end =
          i + 1 < traffic.profile.size() ? traffic.profile[i + 1].time_of_day.us() : day_us;
      const int64_t covered = std::min(end, time_of_day_us) - start;
      if (covered > 0) orders += traffic.profile[i].rate_per_s * static_cast<double>(covered) / 1e6;
    }
    return orders;
  };
  const double days = static_cast<double>(window.us() / day_us);
  return days * orders_before(day_us) + orders_before(window.us() % day_us);
}

void check_workload_fits(Decoder& d, const Cursor& at, const workload::TrafficConfig& traffic,
                         sim::Duration window) {
  const double orders = expected_orders(traffic, window);
  if (orders <= static_cast<double>(kMaxOrdersPerRun)) return;
  d.error(at, fmt::format("this traffic makes about {:.3g} orders over the {} s traffic window, "
                          "more than one run may hold ({} orders; memory and run time grow with "
                          "them): lower traffic.rate (or the profile) or duration",
                          orders, static_cast<double>(window.us()) / 1e6, kMaxOrdersPerRun));
}

void decode_user(Decoder& d, const Cursor& at, workload::UserConfig& out) {
  MapReader reader(d, at);
  reader.read("pay_probability", out.pay_probability, decode_probability);
  reader.read("pay_delay", out.pay_delay, decode_distribution);
  reader.read("return_delay", out.return_delay, decode_distribution);
  reader.read("repeat_click_probability", out.repeat_click_probability, decode_probability);
  reader.read("repeat_click_gap", out.repeat_click_gap, decode_distribution);
  reader.read("pay_both_probability", out.pay_both_probability, decode_probability);
  reader.read("repay_if_unpaid_probability", out.repay_if_unpaid_probability, decode_probability);
  reader.read("reorder_if_unpaid_probability", out.reorder_if_unpaid_probability,
              decode_probability);
  reader.read("repay_delay", out.repay_delay, decode_distribution);
  reader.read("switch_channel_probability", out.switch_channel_probability, decode_probability);
  reader.read("pay_abandoned_too_probability", out.pay_abandoned_too_probability,
              decode_probability);
  reader.read("max_pay_attempts", out.max_pay_attempts, IntInRange{1, 1000});
}

}  // namespace harness::internal
