#!/usr/bin/python3
"""An independent SimPy model of paysim's benchmark baseline, for the speed comparison of issue 19.

What it models: `bench/wallet_baseline.h` with the delay-message strategy, the workload that
`bench/bench_scale.cpp`'s BM_DelayMessages rows and `bench/bench_pipeline.cpp` run. Orders arrive
(Poisson, RATE/s), each user clicks pay, the payment service takes three database steps (lock,
read, insert) and creates a trade at one async wallet; 90% of users pay after ~20 s, 98% of those
payments succeed; the wallet calls back (1% of attempts lost, re-sent 4 min and 10 min later);
delay messages re-query the payment at 10 s, 30 s, 60 s, 90 s, 120 s and 300 s gaps until it is
final; a success notifies the order service both by a synchronous call and by an MQ message; the
user comes back to the app and polls the order every second for up to 10 s; an order still unpaid
30 minutes after creation closes.

It is written from paysim's sources and defaults (the file and the key each number comes from are
named beside it) but shares no code and no random streams with paysim: its totals agree with
paysim's statistically, not exactly.

SimPy 2.3.1 (Debian 12, `python3-simpy`), its object-oriented API: one `Simulation`, processes
that `yield hold, self, delay`. Time is an integer count of microseconds, as in paysim, so ties
and the client's "poll_timeout" comparison are exact.

How it maps onto SimPy: each concurrent activity of an order is one process (the user, the
wallet's callbacks, the delay-message chain, each notify, the order's expiry). A call that takes
time and whose caller waits for it (apply-pay, the channel's create) runs as a sub-generator in the
caller's process (`yield from`). A process that starts later is activated with `delay=`, so its
first resumption is the event itself, as a timer is in paysim. A zero-latency call between the
app and the shop is delivered as an event of its own (`yield hold, self, 0`), as paysim's links do.

Events are SimPy process resumptions: one per event notice the scheduler runs (an activation, or
the end of a `hold`). `--verify-events` counts them a second way (see CountingSimulation).

Usage: simpy_baseline.py [--rate 100] [--duration-s 600] [--drain-s 1800] [--seed 42]
                         [--disable-gc] [--verify-events]
"""

import argparse
import gc
import math
import random
import resource
import sys
import time
from heapq import heappop

import SimPy
from SimPy.Simulation import Process, Simulation, hold

# ---- parameters: bench/wallet_baseline.h, and the defaults it leaves alone ----------------------

US = 1_000_000  # microseconds per second: simulated time is an integer count of them
MS = 1_000

# workload/config.h (UserConfig), set again by wallet_baseline.h.
PAY_PROBABILITY = 0.9
PAY_DELAY_MEAN_US = 20 * US  # exponential
RETURN_DELAY_MEDIAN_US = 3 * US  # lognormal, sigma 0.5
RETURN_DELAY_SIGMA = 0.5

# mock_channels/channel_config.h (ChannelConfig), set by wallet_baseline.h.
ACCEPT_LATENCY_MEDIAN_US = 80 * MS  # lognormal, sigma 0.3: the create call
ACCEPT_LATENCY_SIGMA = 0.3
SUCCESS_PROBABILITY = 0.98  # a payment the user attempts succeeds
CALLBACK_DELAY_MEAN_US = 500 * MS  # exponential: the first callback after the charge
CALLBACK_DROP_PROBABILITY = 0.01  # each attempt independently lost
CALLBACK_RETRIES_US = (4 * 60 * US, 10 * 60 * US)  # gaps between re-sends, until acknowledged
QUERY_LATENCY_US = 100 * MS  # fixed

# system_under_test/config.h defaults (the baseline leaves them), and wallet_baseline.h.
STEP_LATENCY_US = 5 * MS  # PaymentServiceConfig::step_latency: one database round trip
NOTIFY_LATENCY_US = 10 * MS  # OrderServiceConfig::notify_latency, fixed
NOTIFY_FAILURE_PROBABILITY = 0.0  # OrderServiceConfig::notify_failure_probability
ORDER_TIMEOUT_US = 30 * 60 * US  # OrderServiceConfig::order_timeout
SYNC_NOTIFY_RETRIES = 3  # NotifyConfig::sync_retries
SYNC_NOTIFY_BACKOFF_US = 100 * MS  # NotifyConfig::sync_backoff
MQ_LATENCY_US = 20 * MS  # NotifyConfig::mq_latency: the broker's delivery, fixed
MQ_RETRY_US = (10 * US, 30 * US, 60 * US)  # wallet_baseline.h: notify.mq_retry
DELAY_SCHEDULE_US = tuple(
    s * US for s in (10, 30, 60, 90, 120, 300))  # wallet_baseline.h: delay_message.schedule
POLL_INTERVAL_US = 1 * US  # ClientConfig::poll_interval
POLL_TIMEOUT_US = 10 * US  # ClientConfig::poll_timeout
# links/shop_links.h: calls between the app, the order service and the payment service arrive at
# the same simulated instant, but as an event of their own.
LINK_LATENCY_US = 0

# ---- states ------------------------------------------------------------------------------------

# An order (the order service's record).
UNPAID, PAID, CLOSED = "UNPAID", "PAID", "CLOSED"
# A payment in the payment service's records: created UNPAID, PAYING once the channel accepted it,
# then final.
PAYMENT_UNPAID, PAYING, SUCCESS, FAILED = "UNPAID", "PAYING", "SUCCESS", "FAILED"
FINAL = (SUCCESS, FAILED)
# A trade at the channel (the truth a query answers).
NOT_FOUND, PENDING = "NOT_FOUND", "PENDING"  # and SUCCESS, FAILED


# ---- distributions -----------------------------------------------------------------------------
# Rounded to whole microseconds, as paysim's sim/distribution.cpp does.

def exponential_us(rng, mean_us):
    return round(rng.expovariate(1.0 / mean_us))


def lognormal_us(rng, median_us, sigma):
    # median * exp(sigma * N(0, 1)): paysim's parameterisation (scenarios/README.md).
    return round(median_us * math.exp(sigma * rng.gauss(0.0, 1.0)))


def stream(seed, purpose):
    # One stream per component, seeded from (seed, purpose) through random's SHA-512 string
    # seeding: reproducible across runs and interpreters, and independent of PYTHONHASHSEED.
    return random.Random(f"paysim-simpy-reference/{seed}/{purpose}")


# ---- records -----------------------------------------------------------------------------------

class Order:
    __slots__ = ("id", "state", "will_pay", "charged", "expiry")

    def __init__(self, order_id, will_pay):
        self.id = order_id
        self.state = UNPAID
        self.will_pay = will_pay
        self.charged = False  # the channel took the user's money (the ledger's ground truth)
        self.expiry = None  # the Expiry process while it is pending


class Payment:
    # One object holds both sides of a payment, kept apart by name: `state` is what the payment
    # service's records say, `trade` is the channel's truth.
    __slots__ = ("order", "state", "trade")

    def __init__(self, order):
        self.order = order
        self.state = PAYMENT_UNPAID
        self.trade = NOT_FOUND


class Totals:
    def __init__(self):
        self.created = 0
        self.paid = 0
        self.closed = 0  # expired unpaid
        self.charged = 0
        self.charged_not_paid = 0  # running: charged orders not PAID now (at the end: dropped)
        self.declined = 0
        self.callbacks_lost = 0
        self.delay_queries = 0
        self.schedules_exhausted = 0
        self.notify_calls = 0
        self.mq_deliveries = 0
        self.dead_letters = 0
        self.polls = 0
        self.shown_paid = 0
        self.shown_unpaid = 0
        self.user_visible_drops = 0  # shown "unpaid" although the user had been charged
        self.resolved_by = {"callback": 0, "delay_message": 0}
        self.cancelled_notices = 0  # expiry timers cancelled: for the event count


# ---- the world ---------------------------------------------------------------------------------

class World:
    """Owns the simulation, the random streams, the totals and the services."""

    def __init__(self, rate, duration_us, drain_us, seed, sim):
        self.sim = sim
        self.rate = rate
        self.duration_us = duration_us
        self.drain_us = drain_us
        self.totals = Totals()
        self.rng_traffic = stream(seed, "traffic")
        self.rng_user = stream(seed, "user")
        self.rng_channel = stream(seed, "channel")
        self.rng_links = stream(seed, "links")
        self.orders = OrderService(self)
        self.payments = PaymentService(self)
        self.channel = Channel(self)

    def start(self, process, generator, delay_us=0):
        self.sim.activate(process, generator, delay=delay_us)

    def run(self):
        arrivals = Arrivals(sim=self.sim)
        self.start(arrivals, arrivals.run(self))
        self.sim.simulate(until=self.duration_us + self.drain_us)

    def events_run(self):
        # Every event notice the scheduler posted is run, cancelled, or still pending at the end.
        # SimPy 2.3.1 numbers its notices by a counter it decrements per post (Simulation._post,
        # `_sortpr`, used to keep ties in insertion order); a notice is [time, seq, process,
        # cancelled]. Both are internals of this one SimPy version: --verify-events checks them.
        posted = -self.sim._sortpr
        pending = sum(1 for notice in self.sim._timestamps if not notice[3])
        return posted - self.totals.cancelled_notices - pending

    def order_service_fails(self):
        # links/shop_links.cpp: a notify call or an MQ delivery fails at the order service with
        # notify_failure_probability (zero in the baseline: no draw then).
        p = NOTIFY_FAILURE_PROBABILITY
        return p > 0.0 and self.rng_links.random() < p


# ---- traffic and users (workload/traffic.cpp, workload/users.cpp, system_under_test/client.cpp) -

class Arrivals(Process):
    """Poisson arrivals at `rate` per second during the traffic window."""

    def run(self, world):
        sim = world.sim
        rng = world.rng_traffic
        mean_gap_us = US / world.rate
        end_us = world.duration_us
        while True:
            gap_us = exponential_us(rng, mean_gap_us)
            if sim.now() + gap_us >= end_us:
                return  # the window is over: no more arrivals
            yield hold, self, gap_us
            world.totals.created += 1
            order = Order(world.totals.created, user_will_pay(world))
            user = User(sim=sim)
            # Activated now: its first resumption is the app's create_order call arriving.
            world.start(user, user.run(world, order))


def user_will_pay(world):
    # Decided once per order, on arrival (workload/user_decisions.h: user_will_pay).
    return world.rng_user.random() < PAY_PROBABILITY


class User(Process):
    """One user and the app on their phone, for one order."""

    def run(self, world, order):
        # This resumption is create_order delivered to the order service (a link event).
        world.orders.create_order(order)
        # The app has the order: the user clicks pay, and apply-pay reaches the payment service
        # as an event of its own.
        yield hold, self, LINK_LATENCY_US
        payment = yield from world.payments.apply_pay(self, order)
        if not order.will_pay:
            return  # opens the wallet, abandons, never comes back
        rng = world.rng_user
        yield hold, self, exponential_us(rng, PAY_DELAY_MEAN_US)
        world.channel.user_pays(payment)
        # Back in the app return_delay after paying (paysim: pay_delay + return_delay after the
        # apply-pay reply, the same instant).
        yield hold, self, lognormal_us(rng, RETURN_DELAY_MEDIAN_US, RETURN_DELAY_SIGMA)
        yield from self.poll_order(world, order)

    def poll_order(self, world, order):
        # The client polls order_state every poll_interval while the time since the return plus
        # one more interval stays within poll_timeout (Client::next_poll_after): 11 polls at most.
        returned_at = world.sim.now()
        totals = world.totals
        while True:
            yield hold, self, LINK_LATENCY_US  # order_state reaches the order service
            totals.polls += 1
            if order.state == PAID:
                totals.shown_paid += 1
                return
            if world.sim.now() - returned_at + POLL_INTERVAL_US > POLL_TIMEOUT_US:
                totals.shown_unpaid += 1  # no re-pay in the baseline (repay probability 0)
                if order.charged:
                    totals.user_visible_drops += 1
                return
            yield hold, self, POLL_INTERVAL_US


# ---- the order service (system_under_test/order_service.cpp) -----------------------------------

class OrderService:
    def __init__(self, world):
        self.world = world

    def create_order(self, order):
        expiry = Expiry(sim=self.world.sim)
        order.expiry = expiry
        self.world.start(expiry, expiry.run(self.world, order), ORDER_TIMEOUT_US)

    def notify_paid(self, payment):
        # From the sync call or the MQ consumer: whichever comes first pays the order. A payment
        # after the order closed is accepted (late_payment: accept, the default).
        order = payment.order
        if order.state == PAID:
            return
        order.state = PAID
        totals = self.world.totals
        totals.paid += 1
        if order.charged:
            totals.charged_not_paid -= 1
        expiry = order.expiry
        if expiry is not None and expiry.active():
            # SimPy 2 cancels a process's pending notice through any process: victim.cancel(victim).
            expiry.cancel(expiry)
            totals.cancelled_notices += 1
        order.expiry = None


class Expiry(Process):
    """The order's deadline: activated order_timeout after creation, unless cancelled."""

    def run(self, world, order):
        # This resumption is the deadline itself. close_at_channel is off: the order closes
        # locally and its payments are left as they are.
        order.expiry = None
        if order.state == UNPAID:
            order.state = CLOSED
            world.totals.closed += 1
        return
        yield  # unreachable; makes run() a generator, which SimPy requires of a process


# ---- the payment service (system_under_test/payment_service.cpp, compensation.cpp,
#      order_notifier.cpp) ----------------------------------------------------------------------

class PaymentService:
    def __init__(self, world):
        self.world = world

    def apply_pay(self, proc, order):
        """Apply-pay as the caller waits for it: runs in the caller's process. Returns the payment."""
        world = self.world
        # Three database round trips. The order lock is off in the baseline, but the step that
        # would take it is still taken (PaymentService::apply_pay_lock).
        yield hold, proc, STEP_LATENCY_US  # lock
        # read: is the order paid, is a payment in flight? With one click per order, never.
        yield hold, proc, STEP_LATENCY_US
        yield hold, proc, STEP_LATENCY_US  # insert the payment row
        payment = Payment(order)
        # pending_row: before_call: the first delay message is published with the payment,
        # before the channel is called (Compensation::on_paying).
        chain = DelayQueries(sim=world.sim)
        world.start(chain, chain.run(world, payment), DELAY_SCHEDULE_US[0] + MQ_LATENCY_US)
        # The channel's create: the trade exists once the call lands, and the answer
        # ("pending") comes back at that instant.
        yield hold, proc, lognormal_us(world.rng_channel, ACCEPT_LATENCY_MEDIAN_US,
                                       ACCEPT_LATENCY_SIGMA)
        world.channel.create(payment)
        payment.state = PAYING
        return payment

    def apply_trade_state(self, payment, trade_state, how):
        """What the service learned of the trade, by callback or query. States only move forward."""
        if payment.state in FINAL:
            return
        if trade_state == SUCCESS:
            payment.state = SUCCESS
            self.world.totals.resolved_by[how] += 1
            self.notify_paid(payment)
        elif trade_state == FAILED:
            payment.state = FAILED
        # PENDING: nothing yet.

    def notify_paid(self, payment):
        # Sync plus async (同步+异步): the MQ message is published with the first sync call.
        world = self.world
        message = MqNotify(sim=world.sim)
        world.start(message, message.run(world, payment), MQ_LATENCY_US)
        call = SyncNotify(sim=world.sim)
        world.start(call, call.run(world, payment), NOTIFY_LATENCY_US)


class SyncNotify(Process):
    """The synchronous notify_paid call, retried sync_retries times sync_backoff apart."""

    def run(self, world, payment):
        for retry in range(SYNC_NOTIFY_RETRIES + 1):
            # This resumption is the call reaching the order service (notify_latency after it left).
            world.totals.notify_calls += 1
            if not world.order_service_fails():
                world.orders.notify_paid(payment)
                return
            if retry == SYNC_NOTIFY_RETRIES:
                return  # the MQ message must deliver it
            yield hold, self, SYNC_NOTIFY_BACKOFF_US  # an in-memory retry timer
            yield hold, self, NOTIFY_LATENCY_US


class MqNotify(Process):
    """The "payment succeeded" MQ message, redelivered on mq_retry while its consumer fails."""

    def run(self, world, payment):
        for retry in range(len(MQ_RETRY_US) + 1):
            # This resumption is a delivery to the order service's consumer.
            world.totals.mq_deliveries += 1
            if not world.order_service_fails():
                world.orders.notify_paid(payment)  # then acknowledged: consumed
                return
            if retry == len(MQ_RETRY_US):
                world.totals.dead_letters += 1
                return
            yield hold, self, MQ_RETRY_US[retry] + MQ_LATENCY_US  # "reconsume later"


class DelayQueries(Process):
    """Compensation by delay messages: a query each time a message is delivered, until final."""

    def run(self, world, payment):
        last = len(DELAY_SCHEDULE_US) - 1
        for step in range(len(DELAY_SCHEDULE_US)):
            # This resumption is a delay message delivered. A final payment acknowledges it and
            # the chain ends.
            if payment.state in FINAL:
                return
            world.totals.delay_queries += 1
            yield hold, self, QUERY_LATENCY_US
            # The channel answers the trade's state when the query lands.
            world.payments.apply_trade_state(payment, payment.trade, "delay_message")
            if payment.state in FINAL:
                return
            if step == last:
                # Schedule exhausted: on_exhausted give_up leaves the payment PAYING.
                world.totals.schedules_exhausted += 1
                return
            # The next message is published at the answer and delivered after its delay.
            yield hold, self, DELAY_SCHEDULE_US[step + 1] + MQ_LATENCY_US


# ---- the channel (mock_channels/mock_channel.cpp, mock_channel_callbacks.cpp) ------------------

class Channel:
    """One generic async wallet: no outages, no duplicates, queries that always answer the truth."""

    def __init__(self, world):
        self.world = world

    def create(self, payment):
        payment.trade = PENDING

    def user_pays(self, payment):
        if payment.trade != PENDING:
            return  # nothing to pay (cannot happen in the baseline: no trade expiry, no close)
        world = self.world
        totals = world.totals
        if world.rng_channel.random() >= SUCCESS_PROBABILITY:
            payment.trade = FAILED  # declined; failures are not called back (notify_failures off)
            totals.declined += 1
            return
        payment.trade = SUCCESS
        order = payment.order
        order.charged = True
        totals.charged += 1
        if order.state != PAID:
            totals.charged_not_paid += 1
        callbacks = Callbacks(sim=world.sim)
        world.start(callbacks, callbacks.run(world, payment),
                    exponential_us(world.rng_channel, CALLBACK_DELAY_MEAN_US))


class Callbacks(Process):
    """The wallet's callback of one charge: attempt 1 after callback.delay, then the re-sends."""

    def run(self, world, payment):
        rng = world.rng_channel
        for attempt in range(len(CALLBACK_RETRIES_US) + 1):
            # This resumption is an attempt leaving the channel.
            if rng.random() >= CALLBACK_DROP_PROBABILITY:
                # Delivered: the payment service handles it in one step (a database round trip),
                # then acknowledges it, which stops the re-sends.
                yield hold, self, STEP_LATENCY_US
                world.payments.apply_trade_state(payment, SUCCESS, "callback")
                return
            world.totals.callbacks_lost += 1
            if attempt == len(CALLBACK_RETRIES_US):
                return  # re-send schedule exhausted
            yield hold, self, CALLBACK_RETRIES_US[attempt]


# ---- running it --------------------------------------------------------------------------------

class CountingSimulation(Simulation):
    """A Simulation that also counts the notices it runs, to check World.events_run()."""

    def __init__(self):
        self.notices_run = 0
        Simulation.__init__(self)

    def step(self):
        # Simulation.step skips the cancelled notices at the head of the queue and runs the next
        # one; skip them here first, so that a notice is counted exactly when one is run.
        notices = self._timestamps
        while notices and notices[0][3]:
            heappop(notices)
        if notices:
            self.notices_run += 1
        return Simulation.step(self)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="SimPy reference model of paysim's benchmark baseline (delay messages).")
    parser.add_argument("--rate", type=float, default=100.0, help="orders per second (100)")
    parser.add_argument("--duration-s", type=float, default=600.0,
                        help="traffic window in simulated seconds (600)")
    parser.add_argument("--drain-s", type=float, default=1800.0,
                        help="simulated seconds run after the window (1800)")
    parser.add_argument("--seed", type=int, default=42, help="root of the random streams (42)")
    parser.add_argument("--disable-gc", action="store_true",
                        help="turn Python's cyclic garbage collector off for the run (a diagnostic: "
                             "it shows the collector's share of the time)")
    parser.add_argument("--verify-events", action="store_true",
                        help="also count events by wrapping Simulation.step (slower) and check")
    args = parser.parse_args(argv)
    if not (args.rate > 0 and args.duration_s > 0 and args.drain_s >= 0):
        parser.error("--rate and --duration-s must be > 0, --drain-s >= 0")
    return args


def main(argv):
    args = parse_args(argv)
    sim = CountingSimulation() if args.verify_events else Simulation()
    if args.disable_gc:
        # Finished processes break their own reference cycles (SimPy clears _nextpoint), so little
        # is leaked: only the cancelled expiry processes, whose notices SimPy never clears.
        gc.disable()
    wall_start = time.perf_counter()
    cpu_start = time.process_time()
    world = World(args.rate, round(args.duration_s * US), round(args.drain_s * US), args.seed, sim)
    world.run()
    cpu_s = time.process_time() - cpu_start
    wall_s = time.perf_counter() - wall_start

    t = world.totals
    events = world.events_run()
    created = max(t.created, 1)
    rows = [
        ("model", f"SimPy {SimPy.__version__} on Python {sys.version.split()[0]}"),
        ("rate_per_s", f"{args.rate:g}"),
        ("duration_s", f"{args.duration_s:g}"),
        ("drain_s", f"{args.drain_s:g}"),
        ("seed", args.seed),
        ("gc", "off" if args.disable_gc else "on (Python's default)"),
        ("simulated_s", f"{sim.now() / US:g}"),
        ("orders.created", t.created),
        ("orders.paid", f"{t.paid}  ({t.paid / created:.4f} of created; "
                        f"{PAY_PROBABILITY * SUCCESS_PROBABILITY:.4f} expected)"),
        ("orders.closed", t.closed),
        ("charged", t.charged),
        ("declined", t.declined),
        ("dropped.final", t.charged_not_paid),
        ("dropped.user_visible", t.user_visible_drops),
        ("resolved_by.callback", t.resolved_by["callback"]),
        ("resolved_by.delay_message", t.resolved_by["delay_message"]),
        ("callbacks_lost", t.callbacks_lost),
        ("delay_queries", t.delay_queries),
        ("schedules_exhausted", t.schedules_exhausted),
        ("notify_calls", t.notify_calls),
        ("mq_deliveries", t.mq_deliveries),
        ("polls", t.polls),
        ("shown_paid", t.shown_paid),
        ("shown_unpaid", t.shown_unpaid),
        ("events", events),
        ("events_per_order", f"{events / created:.2f}"),
        ("wall_s", f"{wall_s:.3f}"),
        ("cpu_s", f"{cpu_s:.3f}"),
        ("cpu_us_per_order", f"{1e6 * cpu_s / created:.2f}"),
        ("cpu_ns_per_event", f"{1e9 * cpu_s / max(events, 1):.0f}"),
        ("peak_rss_mb", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}"),
    ]
    if args.verify_events:
        rows.append(("events_counted_by_step", sim.notices_run))
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    if args.verify_events and sim.notices_run != events:
        print(f"error: {events} events from the notice counter, {sim.notices_run} counted by step()",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
