// PlantedBug: a test-only seam that makes the system under test commit one known bug, so that a
// test can prove the invariant checks catch it (mutation testing of the checks themselves).
//
// Production code never sets one: World::plant_bug is the only way in, and the default is kNone.
// Each bug is one that real payment systems have shipped; the comment says which check must see it.
#pragma once

#include <cstdint>
#include <string_view>

namespace sut {

enum class PlantedBug : uint8_t {
  kNone,
  // Treats the channel's "trade created, pending" as paid and notifies the order at once: the
  // order becomes PAID by a payment the channel never charged.
  kPaidWithoutCharge,
  // Asks the channel to refund a payment again after its refund succeeded: the channel sees a
  // refund of money the payment no longer holds.
  kRefundTwice,
  // Lets a stale "still pending" notice move a SUCCESS payment back to PAYING: a terminal state
  // left.
  kLeaveTerminalState,
  // Records a refund as done (REFUNDED) without sending it: the records say refunded while the
  // channel still holds the money.
  kRecordRefundNotSent,
  // Notifies the order of a payment the channel reported FAILED: the order becomes PAID by a
  // payment that took no money.
  kNotifyFailedPayment,
};
inline constexpr PlantedBug kAllPlantedBugs[] = {
    PlantedBug::kPaidWithoutCharge, PlantedBug::kRefundTwice, PlantedBug::kLeaveTerminalState,
    PlantedBug::kRecordRefundNotSent, PlantedBug::kNotifyFailedPayment};

std::string_view to_string(PlantedBug bug);

}  // namespace sut
