// Tracer: an optional sink for the life of selected entities, event by event (`paysim trace`).
//
// Model code asks wants(entity) before building a message, so a run that traces nothing pays
// one predictable branch per traced step and never formats a string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/time.h"

namespace sim {

class Tracer {
 public:
  virtual ~Tracer() = default;
  virtual bool wants(uint64_t entity) const = 0;
  // `component` names who acted ("channel:alipay", "payment-service", "client"); `message` says
  // what happened and why, in a full phrase ("callback #2 dropped by fault").
  virtual void record(Time at, std::string_view component, uint64_t entity,
                      std::string message) = 0;
};

// Records through `tracer` when it is set and wants `entity`; `make_message` is only called then.
template <class MakeMessage>
inline void trace(Tracer* tracer, Time at, std::string_view component, uint64_t entity,
                  MakeMessage&& make_message) {
  if (tracer != nullptr && tracer->wants(entity)) {
    tracer->record(at, component, entity, make_message());
  }
}

}  // namespace sim
