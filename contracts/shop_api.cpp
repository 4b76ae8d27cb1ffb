// Names of the shop contract's enums, for traces, reports and test failure messages.
#include "contracts/shop_api.h"

namespace shop {

std::string_view to_string(OrderState state) {
  switch (state) {
    case OrderState::kUnpaid:
      return "UNPAID";
    case OrderState::kPaid:
      return "PAID";
    case OrderState::kClosed:
      return "CLOSED";
  }
  return "?";
}

std::string_view to_string(Resolution resolution) {
  switch (resolution) {
    case Resolution::kCallback:
      return "callback";
    case Resolution::kPolling:
      return "polling";
    case Resolution::kDelayMessage:
      return "delay_message";
    case Resolution::kOrderQuery:
      return "order_query";
    case Resolution::kSync:
      return "sync";
    case Resolution::kReconciliation:
      return "reconciliation";
    case Resolution::kClose:
      return "close";
    case Resolution::kNone:
      return "none";
  }
  return "?";
}

std::optional<Resolution> parse_resolution(std::string_view text) {
  for (int i = 0; i < kResolutionCount; ++i) {
    const auto resolution = static_cast<Resolution>(i);
    if (to_string(resolution) == text) return resolution;
  }
  return std::nullopt;
}

std::string_view to_string(ApplyPayReply::Outcome outcome) {
  switch (outcome) {
    case ApplyPayReply::Outcome::kCreated:
      return "created";
    case ApplyPayReply::Outcome::kReused:
      return "reused in-flight payment";
    case ApplyPayReply::Outcome::kAlreadyPaid:
      return "refused: already paid";
    case ApplyPayReply::Outcome::kBusy:
      return "refused: another request in progress";
    case ApplyPayReply::Outcome::kError:
      return "error";
  }
  return "?";
}

}  // namespace shop
