#include "harness/world.h"

#include <algorithm>
#include <cassert>

namespace harness {

namespace {

// The scenario with the merchant's view of its channels (their names and what their APIs allow)
// taken from the channels' own configuration: what a merchant reads in the channel's docs.
Scenario with_merchant_view(Scenario scenario) {
  if (scenario.system.channels.empty()) {
    for (const channels::ChannelConfig& c : scenario.channels) {
      scenario.system.channels.push_back(
          {c.name, c.refund.supported, c.cancel.supported, c.cancel.min_age});
    }
  }
  return scenario;
}

}  // namespace

World::World(const Scenario& scenario, sim::Tracer* tracer, sut::SystemObserver* tap)
    : scenario_(with_merchant_view(scenario)),
      tracer_(tracer),
      runtime_(simulator_, scenario_.seed),
      recorder_(ledger_, scenario_.system, report_),
      tee_(recorder_, tap != nullptr ? *tap : static_cast<sut::SystemObserver&>(recorder_)),
      observer_(tap != nullptr ? static_cast<sut::SystemObserver&>(tee_) : recorder_),
      mq_link_(runtime_, scenario_.system.notify),
      mq_(runtime_, scenario_.system.notify, mq_link_, activity_, observer_, tracer),
      db_(activity_),
      orders_(runtime_, scenario_.system, mq_, activity_, observer_, tracer),
      client_(runtime_, scenario_.system.client, activity_, observer_, tracer),
      payment_host_(runtime_, scenario_.system.payment_service, scenario_.system.dedup, activity_,
                    tracer),
      compensation_(payment_host_, runtime_, scenario_.system, db_, mq_, activity_, observer_,
                    tracer),
      payments_(payment_host_, runtime_, scenario_.system, {}, db_, mq_, compensation_, activity_,
                observer_, tracer),
      reconciliation_(runtime_, scenario_.system.compensation.reconciliation, db_, orders_, ledger_,
                      activity_, observer_, tracer),
      links_(runtime_, scenario_.system, mq_, activity_, observer_, tracer) {
  report_.scenario = scenario_.name;
  report_.variant = scenario_.variant;
  report_.seed = scenario_.seed;
  ledger_.set_observer(&recorder_);
  if (reconciliation_.enabled()) ledger_.keep_journal();  // the statements by period
  links_.connect(orders_, orders_, orders_, payments_, payments_, payment_host_, client_);
  payment_host_.connect(payments_);
  payment_host_.add_volatile(payments_);
  payment_host_.add_volatile(compensation_);
  orders_.connect(links_.orders_to_payments(), links_.to_app(), links_.to_payment_service());
  payments_.connect(links_.payments_to_orders(), links_.to_app(), links_.to_order_service());
  client_.connect(links_.app_to_orders(), links_.app_to_payments());
  compensation_.connect(&payments_);
  reconciliation_.connect(&payments_);

  std::vector<channels::Channel*> channel_api;
  std::vector<channels::Wallet*> wallets;
  for (size_t i = 0; i < scenario_.channels.size(); ++i) {
    channels_.push_back(std::make_unique<channels::MockChannel>(
        runtime_, scenario_.channels[i], static_cast<uint32_t>(i), ledger_,
        payment_host_.channel_client(), tracer));
    channels_.back()->set_activity(&activity_);
    channel_api.push_back(channels_.back().get());
    wallets.push_back(channels_.back().get());
  }
  payments_.set_channels(channel_api);
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
  // Pending events still hold activity; dropping them must not retire orders into
  // half-destroyed components.
  activity_.set_idle_handler(nullptr);
}

void World::retire(uint64_t order) {
  // The channel's statement may still disagree with the records: then reconciliation keeps the
  // order until the statement that covers it.
  if (reconciliation_.hold_if_unreconciled(order)) return;
  uint64_t paying = 0;
  for (channels::PaymentId payment : db_.payments_of(order)) {
    if (const sut::PaymentRecord* record = db_.find(payment)) {
      if (record->state == sut::PaymentState::kPaying) ++paying;
      channels_[record->channel]->forget(payment);
    }
  }
  recorder_.retire(order, paying);  // first: it checks the records against the ledger
  payments_.erase(order);
  db_.erase_order(order);
  orders_.erase(order);
  client_.erase(order);
  users_->erase(order);
  ledger_.forget(order);
}

void World::set_fault_plan(sim::FaultPlan* plan) {
  assert(!ran_ && "install a fault plan before the run");
  for (const auto& channel : channels_) channel->set_fault_plan(plan);
  links_.set_fault_plan(plan);
  mq_.set_fault_plan(plan);
}

void World::plant_bug(sut::PlantedBug bug) {
  assert(!ran_ && "plant a bug before the run");
  payments_.plant_bug(bug);
}

const reports::Report& World::run() {
  assert(!ran_ && "a World runs once");
  ran_ = true;
  traffic_->start();
  compensation_.start();
  reconciliation_.start();
  payment_host_.start();

  const sim::Time traffic_end = sim::Time() + scenario_.duration;
  const sim::Time hard_end = traffic_end + scenario_.drain;
  const sim::Duration step = sim::Duration::minutes(1);
  sim::Time t;
  while (t < hard_end) {
    t = std::min(t + step, hard_end);
    simulator_.run_until(t);
    recorder_.sample_minute(t);
    // Drained: the traffic is over and no order has anything pending.
    if (t >= traffic_end && traffic_->finished() && activity_.busy_entities() == 0) break;
  }

  recorder_.finish(simulator_.now());

  uint64_t callbacks_lost = 0;
  for (const auto& channel : channels_) callbacks_lost += channel->stats().callbacks_dropped;
  report_.dropped.callbacks_lost = callbacks_lost;
  report_.sim.events = simulator_.events_processed();
  report_.sim.simulated_us = simulator_.now().us();
  return report_;
}

}  // namespace harness
