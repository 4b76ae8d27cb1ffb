#include "live/transport_faults.h"

#include "live/internal/probability_list.h"

namespace live {
namespace {

constexpr std::array<std::string_view, kTransportFaults> kNames = {"reset", "empty", "malformed",
                                                                   "slow_body"};

}  // namespace

std::optional<TransportFaultProfile> parse_transport_faults(std::string_view text,
                                                            std::string* error) {
  TransportFaultProfile profile;
  if (!internal::parse_probability_list(text, kNames, profile.probability, error)) {
    return std::nullopt;
  }
  return profile;
}

std::string_view to_string(TransportFault fault) {
  return fault == TransportFault::kNone ? "none" : kNames[static_cast<size_t>(fault) - 1];
}

TransportFault choose_transport_fault(const TransportFaultProfile& profile,
                                      const sim::Runtime& runtime, uint64_t entity,
                                      uint64_t purpose, uint64_t index) {
  for (size_t k = 0; k < kTransportFaults; ++k) {
    if (profile.probability[k] > 0 &&
        runtime.random(entity, purpose + k, index).bernoulli(profile.probability[k])) {
      return static_cast<TransportFault>(k + 1);
    }
  }
  return TransportFault::kNone;
}

}  // namespace live
