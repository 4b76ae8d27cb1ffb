// CallTracker: the caller's side of "exactly one reply per call" (contracts/ids.h), asserted in
// debug builds and free in release builds. The caller records each call it makes and each reply
// it receives; a reply to a call not in flight (a second reply, or one never asked for) and a
// call id used twice are assertion failures. A caller that loses its memory (a crash) forgets
// its calls in flight: replies to them, if any still arrive, are no longer checked.
//
// REQUIRES: the caller's call ids increase (a counter). The tracker keeps one byte per id from
// the oldest call in flight to the newest, in a ring that grows only when that span does, so a
// steady stream of calls costs no allocation.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "contracts/ids.h"

namespace contracts {

class CallTracker {
 public:
  void called(CallId call) {
#ifndef NDEBUG
    assert((span_ == 0 || call >= base_ + span_) && "call ids must increase: an id used twice");
    if (span_ == 0) base_ = call;
    while (base_ + span_ <= call) push(0);
    slot(call) = 1;
    ++in_flight_;
#else
    (void)call;
#endif
  }
  void answered(CallId call) {
#ifndef NDEBUG
    if (call < forgotten_below_) return;  // asked by the caller's previous incarnation
    assert(call >= base_ && call < base_ + span_ && slot(call) == 1 &&
           "a reply to a call that is not in flight (a second reply, or one never asked)");
    slot(call) = 0;
    --in_flight_;
    while (span_ > 0 && slot(base_) == 0) {  // drop the answered prefix
      ++base_;
      head_ = (head_ + 1) & (ring_.size() - 1);
      --span_;
    }
#else
    (void)call;
#endif
  }
  // The caller lost its memory: every call made so far is forgotten.
  void forget() {
#ifndef NDEBUG
    forgotten_below_ = base_ + span_;
    ring_.clear();
    base_ = head_ = span_ = 0;
#endif
    in_flight_ = 0;
  }
  // Calls still waiting for their reply (0 in release builds, which do not track).
  size_t in_flight() const { return in_flight_; }

 private:
#ifndef NDEBUG
  uint8_t& slot(CallId call) { return ring_[(call - base_ + head_) & (ring_.size() - 1)]; }
  void push(uint8_t value) {
    if (span_ == ring_.size()) grow();
    ring_[(head_ + span_) & (ring_.size() - 1)] = value;
    ++span_;
  }
  void grow() {
    std::vector<uint8_t> bigger(ring_.empty() ? 64 : ring_.size() * 2, 0);
    for (size_t i = 0; i < span_; ++i) bigger[i] = ring_[(head_ + i) & (ring_.size() - 1)];
    ring_ = std::move(bigger);
    head_ = 0;
  }
  std::vector<uint8_t> ring_;  // power-of-two size; ids base_ .. base_ + span_ - 1 from head_
  CallId base_ = 0;
  CallId forgotten_below_ = 0;
  size_t head_ = 0;
  size_t span_ = 0;
#endif
  size_t in_flight_ = 0;
};

}  // namespace contracts
