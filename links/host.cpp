#include "links/host.h"

#include <string>
#include <utility>

namespace links {

namespace {
constexpr std::string_view kComponent = "payment-service";
}  // namespace

Host::Host(sim::Runtime& world, const sut::PaymentServiceConfig& config,
           const sut::DedupConfig& pauses, sim::Activity& activity, sim::Tracer* tracer)
    : world_(world), config_(config), pauses_(pauses), activity_(activity), tracer_(tracer) {}

sim::Duration Host::pause(uint64_t entity, uint64_t index) const {
  sim::RandomStream rng = world_.random(entity, sim::purpose("lock.stall"), index);
  if (!rng.bernoulli(pauses_.lock_stall_probability)) return sim::Duration::zero();
  sim::report_fault(tap_, kStruckLockStall, entity);
  return pauses_.lock_stall;
}

sim::Duration Host::handling(uint64_t entity, uint64_t index) const {
  const sim::Distribution& handling = config_.callback_handling;
  if (handling == sim::Distribution::fixed(sim::Duration::zero())) return sim::Duration::zero();
  sim::RandomStream rng = world_.random(entity, sim::purpose("host.callback_handling"), index);
  return handling.sample(rng);
}

void Host::start() {
  for (const sut::CrashWindow& window : config_.crashes) {
    const sim::Duration at = window.at - world_.now();
    world_.schedule_after(at, [this] { crash(); });
    world_.schedule_after(at + window.restart_after, [this] { restart(); });
  }
}

sim::TimerId Host::schedule_after(sim::Duration delay, sim::Callback&& fn) {
  // Without crashes nothing can void a timer: no wrapper, no allocation.
  if (config_.crashes.empty() && !crashable_) return world_.schedule_after(delay, std::move(fn));
  return world_.schedule_after(delay,
                               [this, incarnation = incarnation_, fn = std::move(fn)]() mutable {
                                 if (incarnation == incarnation_ && up_)
                                   fn();  // else it died with the process
                               });
}

void Host::crash() {
  up_ = false;
  ++incarnation_;
  sim::report_fault(tap_, kStruckCrash, sim::FaultTap::kEverything);
  sim::trace(tracer_, world_.now(), kComponent, 0,
             [] { return std::string("payment service crashed"); });
  for (sim::Volatile* part : volatiles_) part->lose_memory();
}

// ---- what the channels send ---------------------------------------------------------------------

void Host::ChannelGate::on_create_reply(channels::CallId call, const channels::PaymentKey& key,
                                        const channels::CreateReply& reply) {
  if (!host_.up_) {
    host_.activity_.end(key.order);  // the call's hold: the connection died with the crash
    return;
  }
  host_.process_->on_create_reply(call, key, reply);
}

void Host::ChannelGate::on_query_reply(channels::CallId call, const channels::PaymentKey& key,
                                       channels::QuerySource source,
                                       const channels::QueryReply& reply) {
  if (!host_.up_) {
    host_.activity_.end(key.order);
    return;
  }
  host_.process_->on_query_reply(call, key, source, reply);
}

// The close and refund jobs are durable: their answers are applied even while the host is down.
void Host::ChannelGate::on_close_reply(channels::CallId call, const channels::PaymentKey& key,
                                       const channels::CloseReply& reply) {
  host_.process_->on_close_reply(call, key, reply);
}

void Host::ChannelGate::on_refund_reply(channels::CallId call, const channels::PaymentKey& key,
                                        const channels::RefundReply& reply) {
  host_.process_->on_refund_reply(call, key, reply);
}

// A refund notice is a request to the host, as a callback is: while it is down the notice is lost
// (the channel never re-sends it), and the refund job's next check finds the result instead.
void Host::ChannelGate::on_refund_notice(const channels::PaymentKey& key,
                                         const channels::RefundReply& result) {
  if (!host_.up_) return;
  host_.process_->on_refund_notice(key, result);
}

void Host::ChannelGate::on_callback(const channels::CallbackNotice& notice) {
  if (!host_.up_) return;  // not acknowledged: the channel sends it again
  host_.process_->on_callback(notice);
}

}  // namespace links
