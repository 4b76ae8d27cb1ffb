// Host: the simulated machine the payment service runs on, and the one place where its crashes
// are injected (`payment_service.crashes`). At a crash the host
//  - goes down until its restart: calls and channel answers that reach it are refused where they
//    arrive (apply-pay and order queries fail, the notify's answer is lost, a channel's create or
//    query answer is dropped and its callbacks go unacknowledged, so the channel sends them again);
//  - voids its timers: a timer scheduled on the host (sim::Process) before the crash never runs,
//    even when it falls due after the restart;
//  - makes each registered sim::Volatile lose its in-memory state, once.
// What survives is not on the host: the database, the MQ, the polling scheduler, and the durable
// close and refund jobs (their answers are applied whether or not the host is up, as a job that
// re-reads its table after the restart would).
//
// Its database round trip is `payment_service.step_latency`. It also injects the process's pauses
// (`dedup.lock_stall_probability`, `dedup.lock_stall`) and the callback handler's time
// (`payment_service.callback_handling`, asked for through sim::Process::handling).
//
// Without configured crashes the host is a plain pass-through of the world's runtime.
#pragma once

#include <cstdint>
#include <vector>

#include "contracts/channel_api.h"
#include "sim/activity.h"
#include "sim/fault_tap.h"
#include "sim/process.h"
#include "sim/trace.h"
#include "system_under_test/config.h"

namespace links {

class Host final : public sim::Process {
 public:
  // `world` runs the host's timers and its crash schedule. REQUIRES: all outlive the host.
  Host(sim::Runtime& world, const sut::PaymentServiceConfig& config, const sut::DedupConfig& pauses,
       sim::Activity& activity, sim::Tracer* tracer);
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  // Parts of the process that lose their memory in a crash, in the order they are told.
  void add_volatile(sim::Volatile& part) { volatiles_.push_back(&part); }
  // The process's channel client (the payment service); channels answer through channel_client().
  void connect(channels::ChannelClient& process) { process_ = &process; }
  channels::ChannelClient& channel_client() { return gate_; }
  // Schedules the configured crashes and restarts. Call once before the run.
  void start();

  // Crashes from outside the schedule: serve-sut's recovery (live/journal.h) applies the crash
  // the real process suffered to the state it replayed. REQUIRES for crash(): the host is up
  // and was made crashable before any timer was scheduled on it.
  void make_crashable() { crashable_ = true; }
  void crash();
  void restart() { up_ = true; }

  // The faults the host reports to a sim::FaultTap (null unless a harness installs one; it
  // outlives the host): a crash strikes everything in flight (sim::FaultTap::kEverything); a
  // lock holder's stall strikes the order whose apply-pay holds the lock.
  static constexpr uint64_t kStruckCrash = sim::FaultTap::fault("payment.crash");
  static constexpr uint64_t kStruckLockStall = sim::FaultTap::fault("payment.lock_stall");
  void set_fault_tap(sim::FaultTap* tap) { tap_ = tap; }

  // sim::Process
  bool up() const override { return up_; }
  sim::Duration round_trip() const override { return config_.step_latency; }
  sim::Duration pause(uint64_t entity, uint64_t index) const override;
  // The callback handler's time for the work `index` of order `entity`, a keyed draw of
  // `payment_service.callback_handling`; zero without a draw when that is a fixed 0.
  sim::Duration handling(uint64_t entity, uint64_t index) const override;
  sim::Time now() const override { return world_.now(); }
  sim::TimerId schedule_after(sim::Duration delay, sim::Callback&& fn) override;
  bool cancel(sim::TimerId id) override { return world_.cancel(id); }
  uint64_t seed() const override { return world_.seed(); }

 private:
  // What the channels call: forwards to the process while it is up.
  class ChannelGate final : public channels::ChannelClient {
   public:
    explicit ChannelGate(Host& host) : host_(host) {}
    void on_create_reply(channels::CallId call, const channels::PaymentKey& key,
                         const channels::CreateReply& reply) override;
    void on_query_reply(channels::CallId call, const channels::PaymentKey& key,
                        channels::QuerySource source, const channels::QueryReply& reply) override;
    void on_close_reply(channels::CallId call, const channels::PaymentKey& key,
                        const channels::CloseReply& reply) override;
    void on_refund_reply(channels::CallId call, const channels::PaymentKey& key,
                         const channels::RefundReply& reply) override;
    void on_refund_notice(const channels::PaymentKey& key,
                          const channels::RefundReply& result) override;
    void on_callback(const channels::CallbackNotice& notice) override;

   private:
    Host& host_;
  };

  sim::Runtime& world_;
  const sut::PaymentServiceConfig& config_;
  const sut::DedupConfig& pauses_;
  sim::Activity& activity_;
  sim::Tracer* tracer_;
  channels::ChannelClient* process_ = nullptr;
  std::vector<sim::Volatile*> volatiles_;
  ChannelGate gate_{*this};
  bool up_ = true;
  sim::FaultTap* tap_ = nullptr;
  bool crashable_ = false;    // crash() may be called without a configured crash
  uint64_t incarnation_ = 0;  // bumped by each crash: timers of older incarnations are void
};

}  // namespace links
