// Names of the contract's enums, for traces, reports and test failure messages.
#include "contracts/channel_api.h"

namespace channels {

std::string_view to_string(TradeState state) {
  switch (state) {
    case TradeState::kNotFound:
      return "not_found";
    case TradeState::kPending:
      return "pending";
    case TradeState::kSuccess:
      return "success";
    case TradeState::kFailed:
      return "failed";
    case TradeState::kClosed:
      return "closed";
    case TradeState::kRefunded:
      return "refunded";
  }
  return "unknown";
}

std::optional<TradeState> parse_trade_state(std::string_view text) {
  for (const TradeState state : {TradeState::kNotFound, TradeState::kPending, TradeState::kSuccess,
                                 TradeState::kFailed, TradeState::kClosed, TradeState::kRefunded}) {
    if (to_string(state) == text) return state;
  }
  return std::nullopt;
}

std::string_view to_string(CallStatus status) {
  switch (status) {
    case CallStatus::kOk:
      return "ok";
    case CallStatus::kError:
      return "error";
    case CallStatus::kTimeout:
      return "timeout";
  }
  return "unknown";
}

}  // namespace channels
