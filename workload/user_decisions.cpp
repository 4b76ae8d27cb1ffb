#include "workload/user_decisions.h"

namespace workload {

bool user_will_pay(const sim::Runtime& runtime, const UserConfig& user, channels::OrderId order) {
  return runtime.random(order, sim::purpose("user.will_pay")).bernoulli(user.pay_probability);
}

sim::Duration user_pay_delay(const sim::Runtime& runtime, const UserConfig& user,
                             const channels::ChannelConfig& channel, channels::OrderId order,
                             uint64_t index) {
  sim::RandomStream rng = runtime.random(order, sim::purpose("user.pay_delay"), index);
  return channel.has_pay_delay ? channel.pay_delay.sample(rng) : user.pay_delay.sample(rng);
}

}  // namespace workload
