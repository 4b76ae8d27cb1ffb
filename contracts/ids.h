// Identities that cross a process boundary in a real deployment: orders, payments, calls.
// The contracts folder depends on the standard library only, so that a live mode can speak these
// contracts over HTTP without the simulator.
#pragma once

#include <cstdint>

namespace contracts {

using OrderId = uint64_t;
using PaymentId = uint64_t;

// Names one request of an asynchronous contract. The caller picks it (unique among its own calls
// in flight) and the callee echoes it in the reply. Every call gets exactly one reply, timeouts
// included: a callee that cannot answer (down, lost the request) answers with a timeout status
// after its timeout, never not at all. CallTracker checks it in debug builds.
using CallId = uint64_t;

// Identifies one payment (流水) to a channel. `attempt` is the payment's ordinal within its order
// (0 for the first), which keys the channel's random faults so that every variant of a
// comparison sees the same faults for the same user action (SPEC section 7).
struct PaymentKey {
  OrderId order = 0;
  PaymentId payment = 0;
  uint32_t attempt = 0;
  uint32_t channel = 0;  // index of the channel in the scenario
};

}  // namespace contracts
