#include "system_under_test/records.h"

#include "system_under_test/planted_bug.h"

namespace sut {

std::string_view to_string(PaymentState state) {
  switch (state) {
    case PaymentState::kUnpaid:
      return "UNPAID";
    case PaymentState::kPaying:
      return "PAYING";
    case PaymentState::kSuccess:
      return "SUCCESS";
    case PaymentState::kFailed:
      return "FAILED";
    case PaymentState::kCancelled:
      return "CANCELLED";
    case PaymentState::kClosed:
      return "CLOSED";
    case PaymentState::kRefunded:
      return "REFUNDED";
  }
  return "?";
}

std::string_view to_string(RefundReason reason) {
  switch (reason) {
    case RefundReason::kDuplicate:
      return "duplicate";
    case RefundReason::kExtraCharge:
      return "extra charge";
    case RefundReason::kLatePayment:
      return "late payment";
    case RefundReason::kClosedPayment:
      return "closed payment";
    case RefundReason::kRepeatPurchase:
      return "repeat purchase";
  }
  return "?";
}

std::string_view to_string(PlantedBug bug) {
  switch (bug) {
    case PlantedBug::kNone:
      return "none";
    case PlantedBug::kPaidWithoutCharge:
      return "paid-without-charge";
    case PlantedBug::kRefundTwice:
      return "refund-twice";
    case PlantedBug::kLeaveTerminalState:
      return "leave-terminal-state";
    case PlantedBug::kRecordRefundNotSent:
      return "record-refund-not-sent";
    case PlantedBug::kNotifyFailedPayment:
      return "notify-failed-payment";
  }
  return "?";
}

}  // namespace sut
