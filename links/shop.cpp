#include "links/shop.h"

namespace links {

Shop::Shop(sim::Runtime& runtime, const sut::SystemConfig& config,
           channels::StatementSource& statements, sim::Activity& activity,
           sut::SystemObserver& observer, sim::Tracer* tracer)
    : mq_link_(runtime, config.notify),
      mq_(runtime, config.notify, mq_link_, activity, observer, tracer),
      db_(activity),
      orders_(runtime, config, mq_, activity, observer, tracer),
      payment_host_(runtime, config.payment_service, config.dedup, activity, tracer),
      compensation_(payment_host_, runtime, config, db_, mq_, activity, observer, tracer),
      payments_(payment_host_, runtime, config, {}, db_, mq_, compensation_, activity, observer,
                tracer),
      reconciliation_(runtime, config.compensation.reconciliation, db_, orders_, statements,
                      activity, observer, tracer),
      links_(runtime, config, mq_, activity, observer, tracer) {
  payment_host_.connect(payments_);
  payment_host_.add_volatile(payments_);
  payment_host_.add_volatile(compensation_);
  orders_.connect(links_.orders_to_payments(), links_.to_app(), links_.to_payment_service());
  payments_.connect(links_.payments_to_orders(), links_.to_app(), links_.to_order_service());
  compensation_.connect(&payments_);
  reconciliation_.connect(&payments_);
}

void Shop::connect_app(shop::AppReplies& app) {
  links_.connect(orders_, orders_, orders_, payments_, payments_, payment_host_, app);
}

void Shop::start() {
  compensation_.start();
  reconciliation_.start();
  payment_host_.start();
}

void Shop::erase(OrderId order) {
  payments_.erase(order);
  db_.erase_order(order);
  orders_.erase(order);
}

void Shop::set_fault_tap(sim::FaultTap* tap) {
  links_.set_fault_tap(tap);
  mq_link_.set_fault_tap(tap);
  payment_host_.set_fault_tap(tap);
}

void Shop::set_fault_plan(sim::FaultPlan* plan) {
  links_.set_fault_plan(plan);
  mq_.set_fault_plan(plan);
}

}  // namespace links
