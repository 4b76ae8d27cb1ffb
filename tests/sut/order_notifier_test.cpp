// OrderNotifier, driven alone: a failed notify is retried sync_retries times, sync_backoff apart,
// and then left to the MQ message that the first notify published; an order that rejects the
// payment as late hands it to the refund job with the way its success was learned; renotify
// tells the order again only of a payment the records hold SUCCESS.
#include "system_under_test/order_notifier.h"

#include <gtest/gtest.h>

#include "tests/sut/payment_jobs_fixture.h"

namespace sut::testing {
namespace {

using sim::Duration;

// Acknowledges every "payment succeeded" message and counts them.
class CountingConsumer final : public MessageConsumer {
 public:
  explicit CountingConsumer(MessageQueue& mq) : mq_(mq) {}
  void on_message(MessageId id, const Message&) override {
    ++messages;
    mq_.ack(id, true);
  }
  int messages = 0;

 private:
  MessageQueue& mq_;
};

class OrderNotifierTest : public PaymentJobTest {
 protected:
  OrderNotifierTest() {
    config_.notify.sync_retries = 3;
    config_.notify.sync_backoff = Duration::millis(100);
    notifier_.connect(orders_);
    mq_.subscribe(Topic::kPaymentSucceeded, &consumer_);
  }
  // The order service answers the latest notify with `result`.
  void answer_last_notify(shop::NotifyResult result) {
    ASSERT_FALSE(orders_.notifies.empty());
    const RecordingOrders::Notify n = orders_.notifies.back();
    notifier_.on_notify_reply(n.call, n.order, n.payment, n.attempt, result);
  }

  RecordingOrders orders_{runtime_};
  CountingConsumer consumer_{mq_};
  RefundJob refunds_{runtime_, config_, db_, calls_, states_, activity_, observer_, nullptr};
  OrderNotifier notifier_{process_, runtime_, config_, db_, mq_, refunds_, activity_, nullptr};
};

TEST_F(OrderNotifierTest, AFailedNotifyIsRetriedSyncRetriesTimesBackoffApartThenLeftToTheMq) {
  const PaymentId payment = add_payment(7, PaymentState::kSuccess);
  notifier_.notify_paid(7, payment, Resolution::kCallback);
  for (uint32_t attempt = 0; attempt < 3; ++attempt) {
    ASSERT_EQ(orders_.notifies.size(), attempt + 1);
    EXPECT_EQ(orders_.notifies.back().attempt, attempt);
    answer_last_notify(shop::NotifyResult::kFailed);
    run_for(Duration::millis(99));
    EXPECT_EQ(orders_.notifies.size(), attempt + 1);  // not before the backoff
    run_for(Duration::millis(1));
  }
  ASSERT_EQ(orders_.notifies.size(), 4u);
  EXPECT_EQ(orders_.notifies.back().how, Resolution::kCallback);
  answer_last_notify(shop::NotifyResult::kFailed);  // the last retry: given up
  run_for(Duration::minutes(1));
  EXPECT_EQ(orders_.notifies.size(), 4u);
  EXPECT_EQ(consumer_.messages, 1);  // published once, with the first call only
  EXPECT_EQ(activity_.busy_entities(), 0u);
}

TEST_F(OrderNotifierTest, AnAnsweredNotifyIsNotRetried) {
  const PaymentId payment = add_payment(7, PaymentState::kSuccess);
  notifier_.notify_paid(7, payment, Resolution::kPolling);
  answer_last_notify(shop::NotifyResult::kOk);
  run_for(Duration::minutes(1));
  EXPECT_EQ(orders_.notifies.size(), 1u);
}

TEST_F(OrderNotifierTest, ARejectedNotifyRefundsTheLatePaymentByHowItsSuccessWasLearned) {
  config_.order_service.late_payment = OrderServiceConfig::LatePayment::kReject;
  const PaymentId by_callback = add_payment(7, PaymentState::kSuccess);
  const PaymentId by_reconciliation = add_payment(8, PaymentState::kSuccess);
  notifier_.notify_paid(7, by_callback, Resolution::kCallback);
  answer_last_notify(shop::NotifyResult::kRejected);
  EXPECT_FALSE(refunds_.under_way(by_callback));  // kept: late payments are rejected, not refunded
  notifier_.notify_paid(8, by_reconciliation, Resolution::kReconciliation);
  answer_last_notify(shop::NotifyResult::kRejected);
  EXPECT_TRUE(refunds_.under_way(by_reconciliation));  // the last safety net gives it back
}

TEST_F(OrderNotifierTest, ARepeatPurchaseIsRefundedWhateverTheLatePaymentPolicy) {
  config_.order_service.late_payment = OrderServiceConfig::LatePayment::kReject;
  const PaymentId payment = add_payment(7, PaymentState::kSuccess);
  notifier_.notify_paid(7, payment, Resolution::kCallback);
  answer_last_notify(shop::NotifyResult::kRepeatPurchase);
  EXPECT_TRUE(refunds_.under_way(payment));
  EXPECT_EQ(orders_.notifies.size(), 1u);  // refused for good: never sent again
}

TEST_F(OrderNotifierTest, RenotifyTellsTheOrderOnlyOfASuccess) {
  const PaymentId closed = add_payment(7, PaymentState::kClosed);
  const PaymentId paid = add_payment(7, PaymentState::kSuccess);
  notifier_.renotify(closed, Resolution::kOrderQuery);
  EXPECT_TRUE(orders_.notifies.empty());
  notifier_.renotify(paid, Resolution::kOrderQuery);
  ASSERT_EQ(orders_.notifies.size(), 1u);
  EXPECT_EQ(orders_.notifies[0].payment, paid);
  EXPECT_EQ(orders_.notifies[0].how, Resolution::kOrderQuery);
}

}  // namespace
}  // namespace sut::testing
