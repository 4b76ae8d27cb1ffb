// Process: the runtime of one process of the system under test, as its services see it. Timers
// scheduled on it belong to the process: a crash voids every one still pending (they never run),
// as a real crash takes a process's in-memory timers with it. Work that survives a crash (a job
// table re-read after restart, the broker's messages, an external scheduler) is scheduled on the
// world's durable Runtime instead.
//
// up() is false between a crash and its restart. The services never ask it: what reaches a down
// process is refused where it arrives (links/host.h, links/shop_links.h). Only the durable parts
// that drive a process from outside (a polling scheduler, a message consumer) read it, as a cron
// job or a broker finds its target down.
//
// In simulation the process is a links::Host, which also injects the crashes; in live mode a
// process is real and always up while it runs.
#pragma once

#include "sim/runtime.h"

namespace sim {

class Process : public Runtime {
 public:
  virtual bool up() const = 0;
  // How long one database round trip takes (read a row, write a row, take a lock): the length of
  // one step of the process, at whose boundaries concurrent requests interleave. A real process
  // makes the real call, which takes its own time: zero here.
  virtual Duration round_trip() const = 0;
  // How long the process pauses (a GC, slow I/O) after the step it is in, before its next step:
  // the services ask at the point where a pause does harm (between a lock holder's read and its
  // write). `entity` and `index` name the step. A real process pauses for real: zero here.
  virtual Duration pause(uint64_t entity, uint64_t index) const = 0;
  // How long the process takes over one piece of work that came from outside, beyond its steps
  // (a full thread pool, a slow query, a lock held elsewhere): the services ask where the sender
  // waits for an answer against a deadline (a callback the channel wants acknowledged in time).
  // `entity` and `index` name the work. A real process takes its real time: zero here.
  virtual Duration handling(uint64_t entity, uint64_t index) const {
    (void)entity;
    (void)index;
    return Duration::zero();
  }
};

// A part of a process whose in-memory state a crash loses. The host calls lose_memory() at the
// crash, once per crash, before anything else runs; durable state (a database) is not touched.
class Volatile {
 public:
  virtual void lose_memory() = 0;

 protected:
  ~Volatile() = default;
};

}  // namespace sim
