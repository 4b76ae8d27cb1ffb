// What the unit tests of the payment service's jobs (refund_job_test, order_notifier_test,
// expiry_closer_test, query_router_test) drive them with: a SimRuntime, the real database and
// message queue, and small recording fakes of the contracts (a channel, the order service and
// its reply side). Nothing answers on its own: a test reads what was called and answers it.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "contracts/channel_api.h"
#include "contracts/shop_api.h"
#include "sim/activity.h"
#include "sim/process.h"
#include "sim/sim_runtime.h"
#include "sim/simulator.h"
#include "system_under_test/channel_calls.h"
#include "system_under_test/compensation.h"
#include "system_under_test/config.h"
#include "system_under_test/message_queue.h"
#include "system_under_test/observer.h"
#include "system_under_test/payment_db.h"
#include "system_under_test/payment_states.h"

namespace sut::testing {

// A process that is always up, with zero round trips and no pauses (as in live mode).
class AlwaysUpProcess final : public sim::Process {
 public:
  explicit AlwaysUpProcess(sim::Runtime& runtime) : runtime_(runtime) {}
  sim::Time now() const override { return runtime_.now(); }
  sim::TimerId schedule_after(sim::Duration delay, sim::Callback&& fn) override {
    return runtime_.schedule_after(delay, std::move(fn));
  }
  bool cancel(sim::TimerId id) override { return runtime_.cancel(id); }
  uint64_t seed() const override { return runtime_.seed(); }
  bool up() const override { return true; }
  sim::Duration round_trip() const override { return sim::Duration::zero(); }
  sim::Duration pause(uint64_t, uint64_t) const override { return sim::Duration::zero(); }

 private:
  sim::Runtime& runtime_;
};

// A broker network that loses nothing and adds no latency.
class PerfectTransport final : public MessageTransport {
 public:
  bool publish_lost(Topic, const Message&) override { return false; }
  sim::Duration delivery_latency(const Message&, uint32_t) override {
    return sim::Duration::zero();
  }
};

// A channel that records every call made to it, and when.
class RecordingChannel final : public channels::Channel {
 public:
  enum class Kind : uint8_t { kCreate, kQuery, kClose, kRefund };
  struct Call {
    Kind kind;
    channels::CallId call;
    channels::PaymentKey key;
    int64_t amount_minor = 0;
    sim::Time at;
  };
  explicit RecordingChannel(const sim::Runtime& runtime) : runtime_(runtime) {}
  void create(channels::CallId call, const channels::PaymentKey& key, int64_t amount,
              channels::IdempotencyKey = channels::IdempotencyKey::kSent) override {
    calls.push_back({Kind::kCreate, call, key, amount, runtime_.now()});
  }
  void query(channels::CallId call, const channels::PaymentKey& key,
             channels::QuerySource) override {
    calls.push_back({Kind::kQuery, call, key, 0, runtime_.now()});
  }
  void close(channels::CallId call, const channels::PaymentKey& key) override {
    calls.push_back({Kind::kClose, call, key, 0, runtime_.now()});
  }
  void refund(channels::CallId call, const channels::PaymentKey& key, int64_t amount) override {
    calls.push_back({Kind::kRefund, call, key, amount, runtime_.now()});
  }
  void acknowledge(const channels::CallbackNotice&) override {}
  size_t count(Kind kind) const {
    size_t n = 0;
    for (const Call& c : calls) n += c.kind == kind ? 1 : 0;
    return n;
  }

  std::vector<Call> calls;

 private:
  const sim::Runtime& runtime_;
};

// The order service as the payment service calls it: records each notify, and when.
class RecordingOrders final : public shop::OrderFront {
 public:
  struct Notify {
    CallId call;
    OrderId order;
    PaymentId payment;
    Resolution how;
    uint32_t attempt;
    sim::Time at;
  };
  explicit RecordingOrders(const sim::Runtime& runtime) : runtime_(runtime) {}
  void create_order(CallId, OrderId, OrderId) override {}
  void order_state(CallId, OrderId) override {}
  void notify_paid(CallId call, OrderId order, PaymentId payment, Resolution how, int64_t,
                   uint32_t attempt) override {
    notifies.push_back({call, order, payment, how, attempt, runtime_.now()});
  }

  std::vector<Notify> notifies;

 private:
  const sim::Runtime& runtime_;
};

// The order service's reply side: records the payment service's answers.
class RecordingOrderReplies final : public shop::OrderReplies {
 public:
  struct CloseAnswer {
    CallId call;
    OrderId order;
    PaymentId paid_by;
  };
  void on_close_order_reply(CallId call, OrderId order, shop::CallStatus,
                            const shop::OrderPayment& paid) override {
    closes.push_back({call, order, paid.paid_by});
  }
  void on_query_order_reply(CallId call, OrderId, shop::CallStatus) override {
    query_answers.push_back(call);
  }
  void on_payment_refused_reply(CallId, OrderId, shop::CallStatus) override {}

  std::vector<CloseAnswer> closes;
  std::vector<CallId> query_answers;
};

// Counts what the jobs report.
class RecordingObserver final : public SystemObserver {
 public:
  void on_refund_issued(const PaymentRecord&, RefundReason reason, int64_t amount_minor,
                        sim::Time) override {
    refunds_issued.push_back({reason, amount_minor});
  }
  void on_refund_given_up(const PaymentRecord&, RefundReason, sim::Time) override {
    ++refunds_given_up;
  }
  void on_channel_query(uint32_t, sim::Time) override { ++channel_queries; }

  std::vector<std::pair<RefundReason, int64_t>> refunds_issued;
  int refunds_given_up = 0;
  int channel_queries = 0;
};

// The world of one job: the database, the queue, compensation (off), the channel calls and the
// state writer, on a simulator.
class PaymentJobTest : public ::testing::Test {
 protected:
  PaymentJobTest() {
    MerchantChannel wallet;
    wallet.name = "wallet";
    config_.channels = {wallet};
  }

  // Inserts a payment of `order` in `state` (SUCCESS: also the one paying the order).
  PaymentId add_payment(OrderId order, PaymentState state, int64_t amount_minor = 1000) {
    PaymentRecord record;
    record.id = next_payment_++;
    record.order = order;
    record.attempt = static_cast<uint32_t>(db_.payments_of(order).size());
    record.state = state;
    record.amount_minor = amount_minor;
    record.created_at = runtime_.now();
    db_.insert(record);
    if (state == PaymentState::kSuccess) db_.set_paid_by(order, record.id);
    return record.id;
  }
  // REQUIRES: the payment exists. Valid until the next insert (sim::IdMap).
  PaymentRecord& record(PaymentId payment) { return *db_.find(payment); }
  void run_for(sim::Duration duration) { simulator_.run_until(simulator_.now() + duration); }

  SystemConfig config_;
  sim::Activity activity_;
  sim::Simulator simulator_;
  sim::SimRuntime runtime_{simulator_, 1};
  AlwaysUpProcess process_{runtime_};
  PerfectTransport transport_;
  RecordingObserver observer_;
  MessageQueue mq_{runtime_, config_.notify, transport_, activity_, observer_, nullptr};
  PaymentDb db_{activity_};
  Compensation compensation_{process_, runtime_, config_, db_, mq_, activity_, observer_, nullptr};
  RecordingChannel channel_{runtime_};
  ChannelCalls calls_{activity_, {&channel_}};
  PaymentStates states_{runtime_, db_, compensation_, observer_};
  PaymentId next_payment_ = 1;
};

}  // namespace sut::testing
