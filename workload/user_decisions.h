// The decisions of a user that live mode replays as well as the simulator: whether an order's
// user pays at all, and how long the user takes in the wallet before paying. Both are keyed by
// (seed, order, purpose, index) like every decision of Users, so `paysim serve-channel
// --auto-pay` pays the same orders after the same delays as `paysim run` does with that seed.
#pragma once

#include <cstdint>

#include "contracts/channel_api.h"
#include "mock_channels/channel_config.h"
#include "sim/runtime.h"
#include "workload/config.h"

namespace workload {

// True when the order's user completes a payment in the wallet at all (user.pay_probability).
bool user_will_pay(const sim::Runtime& runtime, const UserConfig& user, channels::OrderId order);

// The time the user spends in `channel`'s wallet before paying: the channel's own pay_delay
// when the scenario sets one, else user.pay_delay. `index` tells the user's visits to the
// wallet apart (Users: the round in the high half, the click in the low half; 0 for the first).
sim::Duration user_pay_delay(const sim::Runtime& runtime, const UserConfig& user,
                             const channels::ChannelConfig& channel, channels::OrderId order,
                             uint64_t index);

}  // namespace workload
