#include "links/shop_links.h"

#include <string>

namespace links {

namespace {
// A notify round (shop::notify_round: a renotify by an order query or reconciliation) spread over
// the key's bits, 0 for the first round: the first round's keys are what they were before rounds
// were numbered.
uint64_t round_bits(uint32_t round) {
  return round == 0 ? 0 : (uint64_t{round} * 0x9E3779B97F4A7C15ull) >> 1;
}
// The index of a sync notify call's random streams: one per (payment, round, retry), so a
// renotify fails or gets through on draws of its own.
uint64_t notify_call_key(PaymentId payment, uint32_t attempt) {
  return ((payment << 16) ^ shop::notify_retry(attempt)) ^ round_bits(shop::notify_round(attempt));
}
// MQ deliveries are keyed apart from sync calls by the high bit, each redelivery by its number
// and each message by its notify round (`step`), so a consumer that failed once does not fail
// forever, nor a message published again by a renotify.
uint64_t delivery_key(PaymentId payment, uint32_t round, uint32_t delivery) {
  return (uint64_t{1} << 63) | (((payment << 8) | delivery) ^ round_bits(round));
}
}  // namespace

ShopLinks::ShopLinks(sim::Runtime& runtime, const sut::SystemConfig& config, sut::MessageQueue& mq,
                     sim::Activity& activity, sut::SystemObserver& observer, sim::Tracer* tracer)
    : runtime_(runtime),
      config_(config),
      mq_(mq),
      activity_(activity),
      observer_(observer),
      tracer_(tracer) {
  mq.subscribe(sut::Topic::kPaymentSucceeded, &order_consumer_);
}

void ShopLinks::connect(shop::OrderFront& order_service, shop::OrderReplies& order_service_replies,
                        sut::MessageConsumer& order_service_consumer,
                        shop::PaymentFront& payment_service,
                        shop::PaymentReplies& payment_service_replies,
                        const sim::Process& payment_host, shop::AppReplies& app) {
  order_service_ = &order_service;
  order_service_replies_ = &order_service_replies;
  order_service_consumer_ = &order_service_consumer;
  payment_service_ = &payment_service;
  payment_service_replies_ = &payment_service_replies;
  payment_host_ = &payment_host;
  app_ = &app;
}

template <class Deliver>
void ShopLinks::at_once(OrderId order, Deliver deliver) {
  runtime_.schedule_after_inline(
      sim::Duration::zero(),
      [deliver = std::move(deliver), hold = sim::Hold(activity_, order)]() mutable {
        deliver(hold.entity());
      });
}

bool ShopLinks::order_service_fails(OrderId order, uint64_t call_key, PaymentId payment) {
  sim::RandomStream rng = runtime_.random(order, sim::purpose("order.notify.failure"), call_key);
  const bool failed = rng.bernoulli(config_.order_service.notify_failure_probability);
  bool down = false;
  for (const sut::DownWindow& w : config_.order_service.outages) {
    if (runtime_.now() >= w.start && runtime_.now() < w.start + w.duration) down = true;
  }
  if (!failed && !down) return false;
  sim::report_fault(tap_, failed ? kStruckNotifyFailed : kStruckOrderServiceDown, order);
  sim::trace(tracer_, runtime_.now(), "order-service", order, [&] {
    return "notify for payment " + std::to_string(payment) +
           (failed ? " failed (fault)" : " failed: order service down");
  });
  return true;
}

// ---- app or payment service -> order service: create, state -------------------------------------

void ShopLinks::ToOrders::create_order(CallId call, OrderId order, OrderId purchase) {
  links_.at_once(order, [&links = links_, call, purchase](OrderId o) {
    links.order_service_->create_order(call, o, purchase);
  });
}

void ShopLinks::ToOrders::order_state(CallId call, OrderId order) {
  links_.at_once(
      order, [&links = links_, call](OrderId o) { links.order_service_->order_state(call, o); });
}

// ---- app or order service -> payment service ----------------------------------------------------

void ShopLinks::ToPayments::apply_pay(CallId call, const shop::ApplyPayRequest& request) {
  links_.at_once(
      request.order, [&links = links_, call, channel = request.channel, click = request.click,
                      amount = request.amount_minor](OrderId order) {
        const shop::ApplyPayRequest request{order, channel, click, amount};
        if (!links.payment_host_->up()) {  // the connection is refused
          links.app_->on_apply_pay_reply(call, request, {shop::ApplyPayReply::Outcome::kError, {}});
          return;
        }
        links.payment_service_->apply_pay(call, request);
      });
}

void ShopLinks::ToPayments::close_order_payments(CallId call, OrderId order) {
  links_.at_once(order, [&links = links_, call](OrderId o) {
    links.payment_service_->close_order_payments(call, o);
  });
}

void ShopLinks::ToPayments::query_order(CallId call, OrderId order) {
  links_.at_once(order, [&links = links_, call](OrderId o) {
    if (!links.payment_host_->up()) {  // the connection is refused
      links.order_service_replies_->on_query_order_reply(call, o, shop::CallStatus::kError);
      return;
    }
    links.payment_service_->query_order(call, o);
  });
}

void ShopLinks::ToPayments::payment_refused(CallId call, OrderId order, PaymentId payment,
                                            shop::Resolution how, shop::NotifyResult why) {
  links_.at_once(order, [&links = links_, call, payment, how, why](OrderId o) {
    links.payment_service_->payment_refused(call, o, payment, how, why);
  });
}

// ---- payment service -> order service: notify
// ----------------------------------------------------

void ShopLinks::ToOrders::notify_paid(CallId call, OrderId order, PaymentId payment,
                                      shop::Resolution how, int64_t paid_at_us, uint32_t attempt) {
  ShopLinks& links = links_;
  links.observer_.on_notify_attempt(links.runtime_.now());
  sim::RandomStream rng = links.runtime_.random(order, sim::purpose("order.notify.latency"),
                                                notify_call_key(payment, attempt));
  const sim::Duration latency = links.config_.order_service.notify_latency.sample(rng);
  links.notifies_.insert(call, NotifyInFlight{payment, paid_at_us, attempt, how});
  links.runtime_.schedule_after_inline(latency,
                                       [&links, call, hold = sim::Hold(links.activity_, order)] {
                                         links.deliver_notify(call, hold.entity());
                                       });
}

void ShopLinks::deliver_notify(CallId call, OrderId order) {
  const NotifyInFlight* in_flight = notifies_.find(call);
  if (in_flight == nullptr) return;
  const NotifyInFlight n = *in_flight;
  notifies_.erase(call);
  const bool planned_failure = faults_ != nullptr && faults_->should_fail(kFaultNotify);
  if (planned_failure ||
      order_service_fails(order, notify_call_key(n.payment, n.attempt), n.payment)) {
    to_payment_service_.on_notify_reply(call, order, n.payment, n.attempt,
                                        shop::NotifyResult::kFailed);
    return;
  }
  order_service_->notify_paid(call, order, n.payment, n.how, n.paid_at_us, n.attempt);
}

void ShopLinks::OrderConsumer::on_message(sut::MessageId id, const sut::Message& message) {
  ShopLinks& links = links_;
  links.observer_.on_notify_attempt(links.runtime_.now());
  if (links.order_service_fails(message.order,
                                delivery_key(message.payment, message.step, message.delivery),
                                message.payment)) {
    // The order update failed. A consumer that acknowledged the message on receipt has lost it:
    // the broker will not send it again. One that acknowledges after the update asks for it again.
    const bool acked_first = links.config_.order_service.consumer_ack ==
                             sut::OrderServiceConfig::ConsumerAck::kBeforeUpdate;
    if (acked_first) {
      sim::trace(links.tracer_, links.runtime_.now(), "order-service", message.order, [&] {
        return "payment-succeeded message for payment " + std::to_string(message.payment) +
               " was acknowledged before the order update, which failed: the message is gone";
      });
    }
    links.mq_.ack(id, acked_first);  // consumed (lost), or reconsume later
    return;
  }
  links.order_service_consumer_->on_message(id, message);
}

// ---- replies: back at once, from the callee's event ---------------------------------------------

void ShopLinks::ToApp::on_create_order_reply(CallId call, OrderId order, shop::CallStatus status) {
  links_.app_->on_create_order_reply(call, order, status);
}

void ShopLinks::ToApp::on_order_state_reply(CallId call, OrderId order, shop::CallStatus status,
                                            shop::OrderState state) {
  links_.app_->on_order_state_reply(call, order, status, state);
}

void ShopLinks::ToApp::on_apply_pay_reply(CallId call, const shop::ApplyPayRequest& request,
                                          const shop::ApplyPayReply& reply) {
  links_.app_->on_apply_pay_reply(call, request, reply);
}

void ShopLinks::ToApp::on_push_paid(OrderId order) {
  ShopLinks& links = links_;
  sim::RandomStream rng = links.runtime_.random(order, sim::purpose("client.push"));
  if (rng.bernoulli(links.config_.client.push_loss_probability)) {
    sim::report_fault(links.tap_, kStruckPushLost, order);
    sim::trace(links.tracer_, links.runtime_.now(), "client", order,
               [] { return std::string("push of PAID lost (fault)"); });
    return;
  }
  links.runtime_.schedule_after(links.config_.client.push_latency.sample(rng),
                                [&links, hold = sim::Hold(links.activity_, order)] {
                                  links.app_->on_push_paid(hold.entity());
                                });
}

void ShopLinks::ToPaymentService::on_notify_reply(CallId call, OrderId order, PaymentId payment,
                                                  uint32_t attempt, shop::NotifyResult result) {
  // A process that crashed while the call was out never hears its answer; only the MQ message (if
  // any) remains.
  if (!links_.payment_host_->up()) return;
  links_.payment_service_replies_->on_notify_reply(call, order, payment, attempt, result);
}

void ShopLinks::ToOrderService::on_close_order_reply(CallId call, OrderId order,
                                                     shop::CallStatus status,
                                                     const shop::OrderPayment& paid) {
  links_.order_service_replies_->on_close_order_reply(call, order, status, paid);
}

void ShopLinks::ToOrderService::on_query_order_reply(CallId call, OrderId order,
                                                     shop::CallStatus status) {
  links_.order_service_replies_->on_query_order_reply(call, order, status);
}

void ShopLinks::ToOrderService::on_payment_refused_reply(CallId call, OrderId order,
                                                         shop::CallStatus status) {
  links_.order_service_replies_->on_payment_refused_reply(call, order, status);
}

}  // namespace links
