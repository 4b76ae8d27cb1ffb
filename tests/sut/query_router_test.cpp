// QueryRouter, driven alone: the order service's query is answered from the records first (a
// success the order never heard of is notified again, nothing queried), else only the payments
// still in flight are queried at the channel; compensation's queries count as channel queries.
#include "system_under_test/query_router.h"

#include <gtest/gtest.h>

#include "tests/sut/payment_jobs_fixture.h"

namespace sut::testing {
namespace {

using Kind = RecordingChannel::Kind;

class QueryRouterTest : public PaymentJobTest {
 protected:
  QueryRouterTest() {
    config_.notify.async_mq = false;
    notifier_.connect(orders_);
    router_.connect(replies_);
  }

  RecordingOrders orders_{runtime_};
  RecordingOrderReplies replies_;
  RefundJob refunds_{runtime_, config_, db_, calls_, states_, activity_, observer_, nullptr};
  OrderNotifier notifier_{process_, runtime_, config_, db_, mq_, refunds_, activity_, nullptr};
  QueryRouter router_{runtime_, db_, calls_, notifier_, observer_, nullptr};
};

TEST_F(QueryRouterTest, AnOrderPaidInTheRecordsIsNotifiedAgainAndNotQueried) {
  add_payment(7, PaymentState::kPaying);
  const PaymentId paid = add_payment(7, PaymentState::kSuccess);
  router_.query_order(/*call=*/5, 7);
  EXPECT_TRUE(channel_.calls.empty());
  ASSERT_EQ(orders_.notifies.size(), 1u);
  EXPECT_EQ(orders_.notifies[0].payment, paid);
  EXPECT_EQ(orders_.notifies[0].how, Resolution::kOrderQuery);
  EXPECT_EQ(replies_.query_answers, (std::vector<CallId>{5}));
}

TEST_F(QueryRouterTest, AnUnpaidOrderHasOnlyItsPaymentsInFlightQueried) {
  const PaymentId first = add_payment(7, PaymentState::kPaying);
  add_payment(7, PaymentState::kClosed);
  add_payment(7, PaymentState::kFailed);
  const PaymentId last = add_payment(7, PaymentState::kPaying);
  router_.query_order(/*call=*/5, 7);
  ASSERT_EQ(channel_.count(Kind::kQuery), 2u);
  EXPECT_EQ(channel_.calls[0].key.payment, first);
  EXPECT_EQ(channel_.calls[1].key.payment, last);
  EXPECT_EQ(observer_.channel_queries, 2);
  EXPECT_TRUE(orders_.notifies.empty());
  EXPECT_EQ(replies_.query_answers, (std::vector<CallId>{5}));
}

TEST_F(QueryRouterTest, ACompensationQueryIsOneChannelQueryHoldingTheOrderUntilItsAnswer) {
  const PaymentId payment = add_payment(7, PaymentState::kPaying);
  router_.query_payment(payment, channels::QuerySource::kPolling);
  router_.query_payment(/*payment=*/999, channels::QuerySource::kPolling);  // unknown: nothing
  ASSERT_EQ(channel_.count(Kind::kQuery), 1u);
  EXPECT_EQ(observer_.channel_queries, 1);
  EXPECT_EQ(activity_.busy_entities(), 1u);
  { const sim::Hold answered = calls_.answered(channel_.calls[0].call, 7); }
  EXPECT_EQ(activity_.busy_entities(), 0u);
}

}  // namespace
}  // namespace sut::testing
