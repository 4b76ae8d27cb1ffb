#include "system_under_test/query_router.h"

#include <string>

#include "system_under_test/internal/trace_component.h"

namespace sut {

using internal::kPaymentServiceTrace;

void QueryRouter::query_order(CallId call, OrderId order) {
  answer_order_query(order);
  order_replies_->on_query_order_reply(call, order, shop::CallStatus::kOk);
}

void QueryRouter::answer_order_query(OrderId order) {
  const PaymentId paid = db_.paid_by(order);
  const PaymentRecord* record = paid != 0 ? db_.find(paid) : nullptr;
  if (record != nullptr && record->state == PaymentState::kSuccess) {
    // The records know the order is paid: its notify was lost (an internal drop). Tell it again.
    sim::trace(tracer_, runtime_.now(), kPaymentServiceTrace, order, [&] {
      return "order query: payment " + std::to_string(paid) +
             " is SUCCESS here: notifying the order again";
    });
    notifier_.renotify(paid, Resolution::kOrderQuery);
    return;
  }
  for (PaymentId pid : db_.payments_of(order)) {
    const PaymentRecord* p = db_.find(pid);
    if (p->state == PaymentState::kPaying) query_payment(pid, channels::QuerySource::kOrderQuery);
  }
}

void QueryRouter::query_payment(PaymentId payment, channels::QuerySource source) {
  const PaymentRecord* record = db_.find(payment);
  if (record == nullptr) return;
  observer_.on_channel_query(record->channel, runtime_.now());
  calls_.query(record->key(), source);  // its activity ends with the reply
}

}  // namespace sut
