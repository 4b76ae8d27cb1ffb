// ExpiryCloser, driven alone: an expiring order's payments in flight are closed at the channel,
// and the order service hears back once, after the last close was answered, with the payment
// that pays the order if one turned up.
#include "system_under_test/expiry_closer.h"

#include <gtest/gtest.h>

#include "tests/sut/payment_jobs_fixture.h"

namespace sut::testing {
namespace {

using Kind = RecordingChannel::Kind;

class ExpiryCloserTest : public PaymentJobTest {
 protected:
  ExpiryCloserTest() { closer_.connect(replies_); }

  RecordingOrderReplies replies_;
  ExpiryCloser closer_{db_, calls_};
};

TEST_F(ExpiryCloserTest, AnOrderWithNothingInFlightIsAnsweredAtOnceWithItsPayer) {
  add_payment(7, PaymentState::kFailed);
  const PaymentId paid = add_payment(7, PaymentState::kSuccess);
  closer_.close_order_payments(/*call=*/41, 7);
  EXPECT_TRUE(channel_.calls.empty());
  ASSERT_EQ(replies_.closes.size(), 1u);
  EXPECT_EQ(replies_.closes[0].call, 41u);
  EXPECT_EQ(replies_.closes[0].paid_by, paid);
}

TEST_F(ExpiryCloserTest, ClosesEveryPaymentInFlightAndAnswersAfterTheLastClose) {
  add_payment(7, PaymentState::kPaying);
  add_payment(7, PaymentState::kFailed);
  const PaymentId raced = add_payment(7, PaymentState::kPaying);
  closer_.close_order_payments(/*call=*/41, 7);
  ASSERT_EQ(channel_.count(Kind::kClose), 2u);
  EXPECT_EQ(activity_.busy_entities(), 1u);  // the closes hold the order

  const sim::Hold first = calls_.answered(channel_.calls[0].call, 7);
  closer_.on_close_answered(7);
  EXPECT_TRUE(replies_.closes.empty());  // one close still out

  // The second close finds the payment paid after all: the order is answered with it.
  record(raced).state = PaymentState::kSuccess;
  db_.set_paid_by(7, raced);
  const sim::Hold second = calls_.answered(channel_.calls[1].call, 7);
  closer_.on_close_answered(7);
  ASSERT_EQ(replies_.closes.size(), 1u);
  EXPECT_EQ(replies_.closes[0].call, 41u);
  EXPECT_EQ(replies_.closes[0].paid_by, raced);

  closer_.on_close_answered(7);  // a late close answer of another job: nothing more
  EXPECT_EQ(replies_.closes.size(), 1u);
}

}  // namespace
}  // namespace sut::testing
