// Times that cross processes. Each process of live mode runs its own real-time runtime; a time
// another process reports travels as milliseconds on its clock (`field`) together with that
// clock's reading when it answered (`now_ms`). The receiver places it on its own clock as "that
// long before now": the clocks need no common origin, and the error is the answer's time in
// transit. Private to live/.
#pragma once

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "sim/time.h"

namespace live::internal {

// `body[field]` on the local clock `now`; nullopt when the body carries no such integer. Never
// after `now`, never before time 0.
inline std::optional<sim::Time> local_time(const nlohmann::json& body, std::string_view field,
                                           sim::Time now) {
  if (!body.is_object()) return std::nullopt;
  const auto at = body.find(field);
  if (at == body.end() || !at->is_number_integer()) return std::nullopt;
  const auto remote_now = body.find("now_ms");
  const int64_t ago_ms = remote_now != body.end() && remote_now->is_number_integer()
                             ? std::max<int64_t>(0, remote_now->get<int64_t>() - at->get<int64_t>())
                             : 0;
  return sim::Time::from_us(std::max<int64_t>(0, now.us() - ago_ms * 1000));
}

// Another process's clock against this one, from many answers of that process: each answer's
// `now_ms` was read before it was received here, so (received - now_ms) is the clock offset plus
// that answer's delay (transit and queueing, always >= 0). The least of them is the best estimate
// of the offset, as NTP's clock filter keeps the sample with the least delay. Both clocks run at
// the same rate (the time scale), so one offset holds for every answer of one process.
class RemoteClock {
 public:
  void sample(int64_t remote_now_ms, sim::Time received) {
    const int64_t offset_us = received.us() - remote_now_ms * 1000;
    if (!offset_us_ || offset_us < *offset_us_) offset_us_ = offset_us;
  }
  // A remote time on this clock; nullopt before any sample. Never before time 0.
  std::optional<sim::Time> to_local(int64_t remote_ms) const {
    if (!offset_us_) return std::nullopt;
    return sim::Time::from_us(std::max<int64_t>(0, remote_ms * 1000 + *offset_us_));
  }
  // A time of this clock on the other one, in its milliseconds; nullopt before any sample.
  std::optional<int64_t> to_remote_ms(sim::Time local) const {
    if (!offset_us_) return std::nullopt;
    return (local.us() - *offset_us_) / 1000;
  }

 private:
  std::optional<int64_t> offset_us_;
};

}  // namespace live::internal
