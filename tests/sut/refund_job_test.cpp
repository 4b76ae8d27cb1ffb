// RefundJob, driven alone: a refund is asked once, retried a minute apart on failure and given up
// after RefundJob::kMaxAttempts, and a done whole refund moves the payment to REFUNDED and frees
// its order, while an extra charge's refund leaves it SUCCESS.
#include "system_under_test/refund_job.h"

#include <gtest/gtest.h>

#include "tests/sut/payment_jobs_fixture.h"

namespace sut::testing {
namespace {

using Kind = RecordingChannel::Kind;
using sim::Duration;

class RefundJobTest : public PaymentJobTest {
 protected:
  // The channel answers the latest refund call.
  void answer_last_refund(bool refunded) {
    ASSERT_FALSE(channel_.calls.empty());
    const RecordingChannel::Call call = channel_.calls.back();
    ASSERT_EQ(call.kind, Kind::kRefund);
    const sim::Hold in_flight = calls_.answered(call.call, call.key.order);
    refunds_.on_refund_reply(
        call.key, {.status = refunded ? channels::CallStatus::kOk : channels::CallStatus::kError,
                   .refunded = refunded});
  }

  RefundJob refunds_{runtime_, config_, db_, calls_, states_, activity_, observer_, nullptr};
};

TEST_F(RefundJobTest, AWholeRefundMovesTheSuccessToRefundedFreesTheOrderAndIsNeverAskedAgain) {
  const PaymentId payment = add_payment(7, PaymentState::kSuccess, 1234);
  refunds_.refund(record(payment), RefundReason::kDuplicate);
  refunds_.refund(record(payment), RefundReason::kDuplicate);  // a repeat while under way: nothing
  ASSERT_EQ(channel_.count(Kind::kRefund), 1u);
  EXPECT_EQ(channel_.calls[0].amount_minor, 1234);
  EXPECT_TRUE(refunds_.under_way(payment));
  EXPECT_EQ(activity_.busy_entities(), 1u);  // the call holds the order

  answer_last_refund(true);
  EXPECT_FALSE(refunds_.under_way(payment));
  EXPECT_EQ(record(payment).state, PaymentState::kRefunded);
  EXPECT_EQ(db_.paid_by(7), 0u);
  EXPECT_EQ(activity_.busy_entities(), 0u);

  refunds_.refund(record(payment), RefundReason::kClosedPayment);  // done: never twice
  EXPECT_EQ(channel_.count(Kind::kRefund), 1u);
  EXPECT_EQ(observer_.refunds_issued.size(), 1u);
}

TEST_F(RefundJobTest, AnExtraChargeRefundLeavesThePaymentSuccessAndPayingItsOrder) {
  const PaymentId payment = add_payment(7, PaymentState::kSuccess, 1000);
  refunds_.refund(record(payment), RefundReason::kExtraCharge, 400, /*keep_state=*/true);
  ASSERT_EQ(channel_.count(Kind::kRefund), 1u);
  EXPECT_EQ(channel_.calls[0].amount_minor, 400);
  answer_last_refund(true);
  EXPECT_EQ(record(payment).state, PaymentState::kSuccess);
  EXPECT_EQ(db_.paid_by(7), payment);
}

TEST_F(RefundJobTest, AFailedRefundIsRetriedEveryMinuteAndGivenUpAfterTheLastAttempt) {
  const PaymentId payment = add_payment(7, PaymentState::kSuccess);
  refunds_.refund(record(payment), RefundReason::kLatePayment);
  for (uint32_t attempt = 1; attempt < RefundJob::kMaxAttempts; ++attempt) {
    answer_last_refund(false);
    EXPECT_TRUE(refunds_.under_way(payment));
    EXPECT_EQ(channel_.count(Kind::kRefund), attempt);  // not before the gap
    run_for(RefundJob::kRetryGap);
    ASSERT_EQ(channel_.count(Kind::kRefund), attempt + 1);
    EXPECT_EQ(channel_.calls.back().at - channel_.calls[channel_.calls.size() - 2].at,
              RefundJob::kRetryGap);
  }
  answer_last_refund(false);
  EXPECT_FALSE(refunds_.under_way(payment));
  EXPECT_EQ(observer_.refunds_given_up, 1);
  run_for(Duration::hours(1));
  EXPECT_EQ(channel_.count(Kind::kRefund), RefundJob::kMaxAttempts);
  EXPECT_EQ(record(payment).state, PaymentState::kSuccess);
  EXPECT_EQ(activity_.busy_entities(), 0u);
}

TEST_F(RefundJobTest, AChannelWithoutRefundsIsNeverAsked) {
  config_.channels[0].refund_supported = false;
  const PaymentId payment = add_payment(7, PaymentState::kSuccess);
  refunds_.refund(record(payment), RefundReason::kDuplicate);
  EXPECT_TRUE(channel_.calls.empty());
  EXPECT_TRUE(observer_.refunds_issued.empty());
}

TEST_F(RefundJobTest, ALatePaymentIsRefundedByThePolicyOrWhenReconciliationSentTheNotify) {
  const PaymentId first = add_payment(7, PaymentState::kSuccess);
  const PaymentId second = add_payment(8, PaymentState::kSuccess);
  config_.order_service.late_payment = OrderServiceConfig::LatePayment::kReject;
  refunds_.refund_late_payment(7, first, Resolution::kCallback);
  EXPECT_TRUE(channel_.calls.empty());
  refunds_.refund_late_payment(8, second, Resolution::kReconciliation);
  ASSERT_EQ(observer_.refunds_issued.size(), 1u);
  EXPECT_EQ(observer_.refunds_issued[0].first, RefundReason::kLatePayment);
  EXPECT_TRUE(refunds_.under_way(second));
}

}  // namespace
}  // namespace sut::testing
