#include "harness/world.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>

namespace harness {

Scenario with_merchant_view(Scenario scenario) {
  if (scenario.system.channels.empty()) {
    for (const channels::ChannelConfig& c : scenario.channels) {
      scenario.system.channels.push_back(
          {c.name, c.refund.supported, c.cancel.supported, c.cancel.min_age});
    }
  }
  return scenario;
}

World::World(const Scenario& scenario, sim::Tracer* tracer, sut::SystemObserver* tap)
    : scenario_(with_merchant_view(scenario)),
      tracer_(tracer),
      runtime_(simulator_, scenario_.seed),
      recorder_(ledger_, scenario_.system, report_),
      tee_(recorder_, tap != nullptr ? *tap : static_cast<sut::SystemObserver&>(recorder_)),
      observer_(tap != nullptr ? static_cast<sut::SystemObserver&>(tee_) : recorder_),
      shop_(runtime_, scenario_.system, ledger_, activity_, observer_, tracer),
      client_(runtime_, scenario_.system.client, activity_, observer_, tracer) {
  report_.scenario = scenario_.name;
  report_.variant = scenario_.variant;
  report_.seed = scenario_.seed;
  ledger_.set_observer(&recorder_);
  if (scenario_.user.reorder_if_unpaid_probability > 0) recorder_.track_purchases();
  if (shop_.reconciliation().enabled()) ledger_.keep_journal();  // the statements by period
  shop_.connect_app(client_);
  client_.connect(shop_.app_to_orders(), shop_.app_to_payments());

  std::vector<channels::Channel*> channel_api;
  std::vector<channels::Wallet*> wallets;
  for (size_t i = 0; i < scenario_.channels.size(); ++i) {
    channels_.push_back(std::make_unique<channels::MockChannel>(runtime_, scenario_.channels[i],
                                                                static_cast<uint32_t>(i), ledger_,
                                                                shop_.channel_client(), tracer));
    channels_.back()->set_activity(&activity_);
    channel_api.push_back(channels_.back().get());
    wallets.push_back(channels_.back().get());
  }
  shop_.set_channels(channel_api);
  users_ = std::make_unique<workload::Users>(runtime_, scenario_.user, scenario_.traffic,
                                             scenario_.channels, wallets, client_, activity_,
                                             observer_, tracer);
  client_.set_listener(users_.get());
  traffic_ =
      std::make_unique<workload::Traffic>(runtime_, scenario_.traffic, scenario_.duration,
                                          [this](uint64_t order) { users_->on_arrival(order); });
  activity_.set_idle_handler([this](uint64_t order) { retire(order); });
}

World::~World() {
  // Pending events still hold activity and refer to the components; drop them while every
  // component is alive (the simulator, declared first, would destroy them last), without
  // retiring orders.
  activity_.set_idle_handler(nullptr);
  simulator_.clear();
}

void World::retire(uint64_t order) {
  // The channel's statement may still disagree with the records: then reconciliation keeps the
  // order until the statement that covers it.
  if (shop_.reconciliation().hold_if_unreconciled(order)) return;
  uint64_t paying = 0;
  const sut::PaymentDb& db = shop_.db();
  for (channels::PaymentId payment : db.payments_of(order)) {
    if (const sut::PaymentRecord* record = db.find(payment)) {
      if (record->state == sut::PaymentState::kPaying) ++paying;
      channels_[record->channel]->forget(payment);
    }
  }
  recorder_.retire(order, paying);  // first: it checks the records against the ledger
  shop_.erase(order);
  client_.erase(order);
  users_->erase(order);
  ledger_.forget(order);
  if (fault_tap_ != nullptr) fault_tap_->retired(order);
}

void World::set_fault_tap(sim::FaultTap* tap) {
  assert(!ran_ && "install a fault tap before the run");
  fault_tap_ = tap;
  for (const auto& channel : channels_) channel->set_fault_tap(tap);
  shop_.set_fault_tap(tap);
}

void World::set_fault_plan(sim::FaultPlan* plan) {
  assert(!ran_ && "install a fault plan before the run");
  for (const auto& channel : channels_) channel->set_fault_plan(plan);
  shop_.set_fault_plan(plan);
}

void World::plant_bug(sut::PlantedBug bug) {
  assert(!ran_ && "plant a bug before the run");
  shop_.plant_bug(bug);
}

void World::check_limits() const {
  const uint64_t in_flight = activity_.busy_entities();
  if (in_flight > limits_.max_orders_in_flight) {
    throw RunLimitError(fmt::format(
        "the run stopped at simulated {}: {} orders in flight, more than one run may hold ({}; "
        "memory grows with them): lower traffic.rate or duration, or let orders end sooner "
        "(system.order_service.order_timeout, user.pay_probability)",
        sim::format_duration(simulator_.now() - sim::Time()), in_flight,
        limits_.max_orders_in_flight));
  }
  if (simulator_.events_processed() > limits_.max_events) {
    throw RunLimitError(fmt::format(
        "the run stopped at simulated {}: {} events run, more than one run may take ({}): "
        "something repeats too often (a polling interval, a retry schedule, traffic); lower "
        "it, or shorten duration or drain",
        sim::format_duration(simulator_.now() - sim::Time()), simulator_.events_processed(),
        limits_.max_events));
  }
}

const reports::Report& World::run(const std::function<void(sim::Time)>& on_minute) {
  assert(!ran_ && "a World runs once");
  ran_ = true;
  traffic_->start();
  shop_.start();

  const sim::Time traffic_end = sim::Time() + scenario_.duration;
  const sim::Time hard_end = traffic_end + scenario_.drain;
  const sim::Duration step = sim::Duration::minutes(1);
  sim::Time t;
  while (t < hard_end) {
    t = std::min(t + step, hard_end);
    while (simulator_.run_until(t, RunLimits::kLimitCheckEvents) == RunLimits::kLimitCheckEvents)
      check_limits();
    check_limits();
    recorder_.sample_minute(t);
    if (on_minute) on_minute(t);
    // Drained: the traffic is over and no order has anything pending.
    if (t >= traffic_end && traffic_->finished() && activity_.busy_entities() == 0) break;
  }

  recorder_.finish(simulator_.now());

  uint64_t callbacks_lost = 0;
  uint64_t late_acks = 0;
  for (const auto& channel : channels_) {
    callbacks_lost += channel->stats().callbacks_dropped;
    late_acks += channel->stats().acks_late;
  }
  report_.dropped.callbacks_lost = callbacks_lost;
  report_.cost.late_acks = late_acks;
  report_.sim.events = simulator_.events_processed();
  report_.sim.simulated_us = simulator_.now().us();
  return report_;
}

}  // namespace harness
