// Transport faults on the merchant API's responses (--transport-faults): the request takes effect
// in the model, and its answer is lost or mangled on the wire (http_server.h, TransportFault).
// Each kind has its own probability; the n-th merchant request's fault is a keyed draw
// (seed, n, purpose of the kind), so a seed repeats the same faults for the same requests. The
// first kind that fires wins, in the order reset, empty, malformed, slow_body. The same profile
// breaks callback requests (--callback-faults, callback_sender.h), keyed by trade and delivery.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "live/http_server.h"
#include "sim/runtime.h"

namespace live {

struct TransportFaultProfile {
  std::array<double, kTransportFaults> probability{};  // by TransportFault - 1
};

// "reset=0.01,empty=0.01,malformed=0.01,slow_body=0.05"; an empty text is none.
std::optional<TransportFaultProfile> parse_transport_faults(std::string_view text,
                                                            std::string* error);
std::string_view to_string(TransportFault fault);

// The fault of one exchange: kind k fires with the draw (seed, entity, purpose + k, index).
TransportFault choose_transport_fault(const TransportFaultProfile& profile,
                                      const sim::Runtime& runtime, uint64_t entity,
                                      uint64_t purpose, uint64_t index = 0);

}  // namespace live
