// RefundJob: the payment service's durable refund job. It asks the channel to give money back
// (a duplicate success, a late payment the order refused, a charge on a payment the records
// closed or failed, an extra charge reconciliation found) and sees each refund through:
//  - a refund is asked once: a repeat while one is under way, or after the whole payment was
//    refunded, does nothing (a repeated callback for a closed payment must not refund twice);
//  - a failed or unanswered refund is retried every kRetryGap, at most kMaxAttempts times, then
//    given up (SystemObserver::on_refund_given_up);
//  - a refund the channel accepted but has not finished ({kOk, !refunded}) is, under
//    `refund.on_accepted: confirm`, asked again every kRetryGap (the channel answers its progress
//    and starts a failed one over) until done, at most kMaxChecks times, then given up; a refund
//    notice saying it is done ends it at once. Under `trust` "accepted" is taken for done;
//  - a whole refund that is done moves the payment SUCCESS -> REFUNDED and frees its order
//    (`paid_by` no longer points at it); an extra charge's refund leaves the payment SUCCESS.
// The job is durable (a refund table in production): its retries run on the durable runtime, so
// a crash of the process neither loses nor repeats them, and nothing here is lost in one.
//
// Whether a channel refunds at all is the merchant's configuration (`SystemConfig::channels`).
#pragma once

#include <cstdint>
#include <string>

#include "contracts/channel_api.h"
#include "sim/activity.h"
#include "sim/id_map.h"
#include "sim/runtime.h"
#include "sim/trace.h"
#include "system_under_test/channel_calls.h"
#include "system_under_test/config.h"
#include "system_under_test/observer.h"
#include "system_under_test/payment_db.h"
#include "system_under_test/payment_states.h"
#include "system_under_test/planted_bug.h"

namespace sut {

class RefundJob {
 public:
  static constexpr uint32_t kMaxAttempts = 10;
  static constexpr uint16_t kMaxChecks = 1000;  // about 16 h of asking an accepted refund again
  static constexpr sim::Duration kRetryGap = sim::Duration::minutes(1);

  RefundJob(sim::Runtime& durable, const SystemConfig& config, PaymentDb& db, ChannelCalls& calls,
            PaymentStates& states, sim::Activity& activity, SystemObserver& observer,
            sim::Tracer* tracer);

  // Asks the channel to refund `amount_minor` (0: the whole payment) of the payment; with
  // keep_state (an extra charge) the payment stays SUCCESS.
  void refund(PaymentRecord& record, RefundReason reason, int64_t amount_minor = 0,
              bool keep_state = false);
  // The order refused the successful `payment` as paid after its deadline (learned by `how`):
  // refunds it when refunds_late_payment() says so.
  void refund_late_payment(OrderId order, PaymentId payment, Resolution how);
  // The order refused the successful `payment` because another order of its purchase is paid
  // (order_service.refund_repeat_purchase): refunds it.
  void refund_repeat_purchase(OrderId order, PaymentId payment);
  // The channel's answer to a refund call (the caller has checked the call and holds its
  // activity until this returns).
  void on_refund_reply(const channels::PaymentKey& key, const channels::RefundReply& reply);
  // A channel's refund notice: the accepted refund finished (`refunded`) or failed. Ends a refund
  // being confirmed when it is done; a failed one is started over by the next check.
  void on_refund_notice(const channels::PaymentKey& key, const channels::RefundReply& result);

  // Whether a refund of the payment is under way (asked, not yet answered or given up).
  bool under_way(PaymentId payment) const { return refunding_.contains(payment); }
  // The payment's order retired: forget it.
  void erase(PaymentId payment) {
    refunding_.erase(payment);
    refunded_.erase(payment);
  }
  // Test seam (planted_bug.h).
  void plant_bug(PlantedBug bug) { bug_ = bug; }

 private:
  struct Refunding {  // 16 bytes, so that a retry timer carrying one fits sim::Callback inline
    int64_t amount_minor = 0;
    uint32_t attempt = 0;
    uint16_t checks = 0;      // answers "accepted, not finished" so far
    bool keep_state = false;  // an extra charge: the payment itself stays SUCCESS
    RefundReason reason = RefundReason::kDuplicate;
  };

  void send_refund(const PaymentRecord& record, int64_t amount_minor);
  // Asks the refund again after kRetryGap: `next` is the refund's state from then on.
  void retry_refund(const channels::PaymentKey& key, const Refunding& next);
  // The refund is done: the money went back (or, under trust, the channel accepted it).
  void finish_refund(PaymentRecord& record, const channels::PaymentKey& key,
                     const Refunding& refunding);
  // `why` follows "refund of payment N" in the trace.
  void give_up(const PaymentRecord& record, const Refunding& refunding, const std::string& why);

  sim::Runtime& durable_;  // the retries: a crash of the process does not void them
  const SystemConfig& config_;
  PaymentDb& db_;
  ChannelCalls& calls_;
  PaymentStates& states_;
  sim::Activity& activity_;
  SystemObserver& observer_;
  sim::Tracer* tracer_;
  sim::IdMap<Refunding> refunding_;  // payment id -> refund under way
  sim::IdMap<bool> refunded_;        // payment id -> its (whole) refund is done: never ask twice
  PlantedBug bug_ = PlantedBug::kNone;
};

}  // namespace sut
