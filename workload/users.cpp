#include "workload/users.h"

#include <string>

#include "workload/user_decisions.h"

namespace workload {

using Outcome = shop::ApplyPayReply::Outcome;

namespace {
constexpr std::string_view kComponent = "user";
}

Users::Users(sim::Runtime& runtime, const UserConfig& user, const TrafficConfig& traffic,
             const std::vector<channels::ChannelConfig>& channel_configs,
             std::vector<channels::Wallet*> wallets, sut::Client& client, sim::Activity& activity,
             sut::SystemObserver& observer, sim::Tracer* tracer)
    : runtime_(runtime),
      user_(user),
      traffic_(traffic),
      channel_configs_(channel_configs),
      wallets_(std::move(wallets)),
      client_(client),
      activity_(activity),
      observer_(observer),
      tracer_(tracer) {}

uint32_t Users::choose_channel(OrderId order, uint64_t purpose, int exclude) const {
  double total = 0;
  for (size_t i = 0; i < channel_configs_.size(); ++i) {
    if (static_cast<int>(i) != exclude) total += channel_configs_[i].share;
  }
  sim::RandomStream rng = runtime_.random(order, purpose);
  double pick = rng.uniform01() * total;
  uint32_t last = 0;
  for (size_t i = 0; i < channel_configs_.size(); ++i) {
    if (static_cast<int>(i) == exclude) continue;
    last = static_cast<uint32_t>(i);
    if (pick < channel_configs_[i].share) return last;
    pick -= channel_configs_[i].share;
  }
  return last;
}

sim::Duration Users::pay_delay(OrderId order, uint32_t channel, uint64_t index) {
  return user_pay_delay(runtime_, user_, channel_configs_[channel], order, index);
}

void Users::on_arrival(OrderId order) {
  Session session;
  session.channel = session.first_channel = choose_channel(order, sim::purpose("user.channel"), -1);
  session.will_pay = user_will_pay(runtime_, user_, order);
  session.switching =
      channel_configs_.size() > 1 && runtime_.random(order, sim::purpose("user.switch"))
                                         .bernoulli(user_.switch_channel_probability);
  sessions_.insert(order, session);
  client_.create_order(order, order);  // the user clicks pay once the app has the order
}

void Users::on_order_created(OrderId order) {
  if (Session* session = sessions_.find(order)) {
    if (session->reorder_pending) {
      // Asked for a second order, the checkout gave this purchase's open order back: the user
      // pays it again, a same-order re-pay.
      session->reorder_pending = false;
      session->repay_pending = true;
      sim::trace(tracer_, runtime_.now(), kComponent, order, [] {
        return std::string("the checkout gives back the open order: looks before paying again");
      });
      client_.look(order);
      return;
    }
    click(order, *session);
    return;
  }
  if (!is_reorder(order)) return;
  // The purchase's second order: the same user, who means to pay, on the same channel.
  Session fresh;
  fresh.will_pay = true;
  fresh.reordered = true;
  if (Session* first = sessions_.find(purchase_of(order))) {
    first->reorder_pending = false;
    fresh.channel = fresh.first_channel = first->channel;
  } else {
    fresh.channel = fresh.first_channel = choose_channel(order, sim::purpose("user.channel"), -1);
  }
  click(order, sessions_.insert(order, fresh));
}

void Users::click(OrderId order, Session& session) {
  // On a sync channel (card, withholding) the pay click is the payment itself: a user who does
  // not mean to pay leaves the card form without clicking, as an async user leaves the wallet.
  const bool sync = channel_configs_[session.channel].mode == channels::ChannelMode::kSync;
  if (sync && session.round == 0 && !session.switching && !session.will_pay) {
    sim::trace(tracer_, runtime_.now(), kComponent, order,
               [] { return std::string("leaves the card form without paying"); });
    return;
  }
  const uint32_t click = session.clicks++;
  observer_.on_pay_clicked(order, runtime_.now());
  sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
    return "clicks pay (#" + std::to_string(click + 1) + ") on " +
           channel_configs_[session.channel].name;
  });
  client_.apply_pay({order, session.channel, click, traffic_.amount_minor});
  if (sync)
    observer_.on_user_paid(order, /*charged=*/false,
                           runtime_.now());  // confirmed; the card answers
  // A repeat click: the same button again a moment later, only on the first click of a round.
  sim::RandomStream rng = runtime_.random(order, sim::purpose("user.repeat_click"), session.round);
  if (!session.switched && rng.bernoulli(user_.repeat_click_probability)) {
    const sim::Duration gap = user_.repeat_click_gap.sample(rng);
    const uint32_t channel = session.channel;
    runtime_.schedule_after(gap, [this, order, channel, hold = sim::Hold(activity_, order)] {
      Session* s = sessions_.find(order);
      if (s == nullptr) return;
      const uint32_t second = s->clicks++;
      observer_.on_pay_clicked(order, runtime_.now());
      sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
        return "clicks pay again (#" + std::to_string(second + 1) + "): a repeat click";
      });
      client_.apply_pay({order, channel, second, traffic_.amount_minor});
    });
  }
}

void Users::on_apply_pay_reply(OrderId order, uint32_t click_index,
                               const shop::ApplyPayReply& reply) {
  Session* session = sessions_.find(order);
  if (session == nullptr) return;
  const channels::ChannelConfig& channel = channel_configs_[reply.key.channel];
  switch (reply.outcome) {
    case Outcome::kCreated:
    case Outcome::kReused:
      break;
    case Outcome::kError:
      // The app showed an error: the user comes back as if the payment had not happened.
      if (!session->has_first_key) return_later(order, *session, sim::Duration::zero());
      return;
    case Outcome::kAlreadyPaid:
    case Outcome::kBusy:
      return;
  }
  if (channel.mode == channels::ChannelMode::kSync) {
    // Card / withholding: the charge happened on the call; the app shows the result.
    return_later(order, *session, sim::Duration::zero());
    return;
  }
  const bool second_wallet = session->has_first_key;
  if (second_wallet && reply.key.payment == session->first_key.payment)
    return;  // the same QR code again
  if (!second_wallet) {
    session->has_first_key = true;
    session->first_key = reply.key;
  }
  if (session->switching && !session->switched) {
    // Opens this wallet, does not pay, goes back and pays on another channel; maybe later
    // pays this one too (the seed's Boleto-then-PayPal story).
    session->switched = true;
    session->channel =
        choose_channel(order, sim::purpose("user.switch_to"), static_cast<int>(reply.key.channel));
    session->has_first_key = false;
    sim::RandomStream rng = runtime_.random(order, sim::purpose("user.pay_abandoned_too"));
    if (rng.bernoulli(user_.pay_abandoned_too_probability)) {
      pay_later(order, reply.key,
                pay_delay(order, reply.key.channel, (uint64_t{1} << 40) | reply.key.attempt));
    }
    const sim::Duration think = user_.repeat_click_gap.sample(rng);
    runtime_.schedule_after(think, [this, order, hold = sim::Hold(activity_, order)] {
      if (Session* s = sessions_.find(order)) click(order, *s);
    });
    return;
  }
  const bool pays = session->round > 0 || session->will_pay;
  if (!pays) return;  // abandons in the wallet and never comes back
  if (second_wallet) {
    // A second QR code from a repeat click: some users pay both.
    sim::RandomStream rng = runtime_.random(order, sim::purpose("user.pay_both"), click_index);
    if (!rng.bernoulli(user_.pay_both_probability)) return;
    pay_later(order, reply.key, user_.repeat_click_gap.sample(rng));
    return;
  }
  const sim::Duration delay =
      pay_delay(order, reply.key.channel, (uint64_t{session->round} << 32) | click_index);
  pay_later(order, reply.key, delay);
  return_later(order, *session, delay);
}

void Users::pay_later(OrderId order, const channels::PaymentKey& key, sim::Duration delay) {
  // The order rides in the hold (its entity), so the capture fits sim::Callback's inline buffer.
  runtime_.schedule_after_inline(
      delay, [this, key, hold = sim::Hold(activity_, order)] { pay_now(hold.entity(), key); });
}

void Users::pay_now(OrderId order, const channels::PaymentKey& key) {
  const channels::PayOutcome outcome = wallets_[key.channel]->user_pays(key);
  const bool charged = outcome == channels::PayOutcome::kCharged;
  observer_.on_user_paid(order, charged, runtime_.now());
  if (outcome == channels::PayOutcome::kClosed) observer_.on_pay_refused(order, runtime_.now());
  sim::trace(tracer_, runtime_.now(), kComponent, order, [&] {
    return "pays payment " + std::to_string(key.payment) + " in the " +
           channel_configs_[key.channel].name + " wallet: " +
           (charged                                      ? "charged"
            : outcome == channels::PayOutcome::kDeclined ? "declined"
            : outcome == channels::PayOutcome::kClosed ? "refused, the trade expired or was closed"
                                                       : "wallet unavailable");
  });
}

void Users::return_later(OrderId order, Session& session, sim::Duration extra) {
  if (session.return_scheduled) return;
  session.return_scheduled = true;
  sim::RandomStream rng = runtime_.random(order, sim::purpose("user.return_delay"), session.round);
  const sim::Duration delay = extra + user_.return_delay.sample(rng);
  runtime_.schedule_after(delay, [this, order, hold = sim::Hold(activity_, order)] {
    observer_.on_user_returned(order, runtime_.now());
    sim::trace(tracer_, runtime_.now(), kComponent, order,
               [] { return std::string("returns to the app"); });
    client_.user_returned(order);
  });
}

void Users::on_result_shown(OrderId order, bool paid) {
  Session* session = sessions_.find(order);
  if (session == nullptr || paid) return;
  // Sees "unpaid" (perhaps after paying: a drop). Some users pay again (drop-driven re-pay).
  if (session->round + 1 >= static_cast<uint32_t>(user_.max_pay_attempts)) return;
  sim::RandomStream rng = runtime_.random(order, sim::purpose("user.repay"), session->round);
  if (!rng.bernoulli(user_.repay_if_unpaid_probability)) {
    maybe_reorder(order, *session);
    return;
  }
  const sim::Duration delay = user_.repay_delay.sample(rng);
  runtime_.schedule_after(delay, [this, order, hold = sim::Hold(activity_, order)] {
    Session* s = sessions_.find(order);
    if (s == nullptr) return;
    s->repay_pending = true;
    client_.look(order);  // opens the order page before paying again
  });
}

void Users::maybe_reorder(OrderId order, Session& session) {
  if (user_.reorder_if_unpaid_probability <= 0 || session.reordered) return;
  // Its own stream: the draws of every other decision stay where they were.
  sim::RandomStream rng = runtime_.random(order, sim::purpose("user.reorder"), session.round);
  if (!rng.bernoulli(user_.reorder_if_unpaid_probability)) return;
  session.reordered = true;
  const sim::Duration delay = user_.repay_delay.sample(rng);
  runtime_.schedule_after(delay, [this, order, hold = sim::Hold(activity_, order)] {
    Session* s = sessions_.find(order);
    if (s == nullptr) return;
    s->reorder_pending = true;
    sim::trace(tracer_, runtime_.now(), kComponent, order,
               [] { return std::string("saw \"unpaid\": places a new order for the purchase"); });
    client_.create_order(kReorderBase + order, order);
    // The first order stays held a moment longer, until the order service has answered the
    // checkout (at once, in the simulator): an idempotent checkout can then still give it back.
    runtime_.schedule_after(sim::Duration::millis(1), [first = sim::Hold(activity_, order)] {});
  });
}

void Users::on_order_looked(OrderId order, bool paid) {
  Session* s = sessions_.find(order);
  if (s == nullptr || !s->repay_pending) return;
  s->repay_pending = false;
  if (paid) return;  // paid meanwhile: nothing to pay again
  s->round += 1;
  s->return_scheduled = false;
  s->has_first_key = false;
  sim::trace(tracer_, runtime_.now(), kComponent, order,
             [] { return std::string("saw \"unpaid\": pays again"); });
  click(order, *s);
}

}  // namespace workload
