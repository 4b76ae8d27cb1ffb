// The component name under which every job of the payment service traces (`paysim trace`): to a
// reader of the trace the jobs are one service.
#pragma once

#include <string_view>

namespace sut::internal {

inline constexpr std::string_view kPaymentServiceTrace = "payment-service";

}  // namespace sut::internal
