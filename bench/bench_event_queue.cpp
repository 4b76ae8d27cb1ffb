// The classic hold model for event queues: keep N events pending; repeatedly take the earliest and
// schedule one at (its time + an exponential delay). Compares our queues with std::priority_queue
// baselines, and measures the whole Simulator (slab, callbacks, lazy cancellation) on the same
// loop.
//
// Delays are exponential with mean 1 s in microseconds (timescales of the payment model), drawn
// from sim::RandomStream into a ring buffer before timing, and every variant reads the same ring,
// so the comparison measures queues, not the generator. Each benchmark iteration is kBatch holds.
//
//   build-sim/bench/bench_event_queue --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "sim/distribution.h"
#include "sim/internal/binary_heap_queue.h"
#include "sim/internal/radix_heap_queue.h"
#include "sim/simulator.h"

namespace {

constexpr int kBatch = 1000;
constexpr int64_t kMeanDelayUs = 1'000'000;

// Pre-drawn delays, shared by every variant.
class DelayRing {
 public:
  DelayRing() : delays_us_(kSize) {
    sim::RandomStream rng(1, 0, sim::purpose("bench.hold"));
    const auto law = sim::Distribution::exponential(sim::Duration::micros(kMeanDelayUs));
    for (int64_t& d : delays_us_) d = law.sample(rng).us();
  }
  int64_t next() { return delays_us_[position_++ & (kSize - 1)]; }

 private:
  static constexpr size_t kSize = size_t{1} << 16;
  std::vector<int64_t> delays_us_;
  size_t position_ = 0;
};

// Our queues, driven directly: the keys only, as the Simulator drives them.
template <class Queue>
void BM_Hold_Queue(benchmark::State& state) {
  const auto pending = static_cast<uint64_t>(state.range(0));
  DelayRing delays;
  Queue queue;
  uint64_t seq = 1;
  for (uint64_t i = 0; i < pending; ++i, ++seq) queue.push(delays.next(), seq, seq);
  auto hold = [&] {
    const sim::internal::QueueEntry top = queue.top();
    queue.pop();
    queue.push(top.time_us + delays.next(), seq, top.id);
    ++seq;
  };
  for (uint64_t i = 0; i < pending; ++i) hold();  // reach the steady state
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) hold();
  }
  benchmark::DoNotOptimize(queue.top());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
}

// Baseline 1: std::priority_queue of plain (time, seq) keys.
struct PodEvent {
  int64_t time_us;
  uint64_t seq;
  friend bool operator>(const PodEvent& a, const PodEvent& b) {
    return a.time_us != b.time_us ? a.time_us > b.time_us : a.seq > b.seq;
  }
};

void BM_Hold_StdPriorityQueue_Pod(benchmark::State& state) {
  const auto pending = static_cast<uint64_t>(state.range(0));
  DelayRing delays;
  std::priority_queue<PodEvent, std::vector<PodEvent>, std::greater<>> queue;
  uint64_t seq = 1;
  for (uint64_t i = 0; i < pending; ++i) queue.push({delays.next(), seq++});
  auto hold = [&] {
    const PodEvent top = queue.top();
    queue.pop();
    queue.push({top.time_us + delays.next(), seq++});
  };
  for (uint64_t i = 0; i < pending; ++i) hold();
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) hold();
  }
  benchmark::DoNotOptimize(queue.top());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
}

// Baseline 2: the textbook simulator queue, std::priority_queue of events owning a std::function.
struct FunctionEvent {
  int64_t time_us;
  uint64_t seq;
  std::function<void()> fn;
  friend bool operator>(const FunctionEvent& a, const FunctionEvent& b) {
    return a.time_us != b.time_us ? a.time_us > b.time_us : a.seq > b.seq;
  }
};

void BM_Hold_StdPriorityQueue_Function(benchmark::State& state) {
  const auto pending = static_cast<uint64_t>(state.range(0));
  DelayRing delays;
  std::priority_queue<FunctionEvent, std::vector<FunctionEvent>, std::greater<>> queue;
  uint64_t seq = 1;
  uint64_t fired = 0;
  auto make_fn = [&fired] { return [&fired] { ++fired; }; };
  for (uint64_t i = 0; i < pending; ++i) queue.push({delays.next(), seq++, make_fn()});
  auto hold = [&] {
    // Moving out of top() is the fastest correct use (the element is popped right after).
    FunctionEvent top = std::move(const_cast<FunctionEvent&>(queue.top()));
    queue.pop();
    top.fn();
    queue.push({top.time_us + delays.next(), seq++, std::move(top.fn)});
  };
  for (uint64_t i = 0; i < pending; ++i) hold();
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) hold();
  }
  benchmark::DoNotOptimize(fired);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
}

// The whole kernel: N self-rescheduling callbacks.
template <class Sim>
struct Reschedule {
  Sim* sim;
  DelayRing* delays;
  void operator()() const {
    sim->schedule_after(sim::Duration::micros(delays->next()), Reschedule{sim, delays});
  }
};

template <class Sim>
void BM_Hold_Simulator(benchmark::State& state) {
  const auto pending = static_cast<uint64_t>(state.range(0));
  DelayRing delays;
  Sim sim;
  for (uint64_t i = 0; i < pending; ++i) {
    sim.schedule_after(sim::Duration::micros(delays.next()), Reschedule<Sim>{&sim, &delays});
  }
  sim.run_events(pending);
  for (auto _ : state) sim.run_events(kBatch);
  benchmark::DoNotOptimize(sim.now());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
}

#define PAYSIM_HOLD_SIZES ->Arg(1'000)->Arg(100'000)->Arg(1'000'000)

BENCHMARK(BM_Hold_Queue<sim::internal::RadixHeapQueue>) PAYSIM_HOLD_SIZES;
BENCHMARK(BM_Hold_Queue<sim::internal::BinaryHeapQueue>) PAYSIM_HOLD_SIZES;
BENCHMARK(BM_Hold_StdPriorityQueue_Pod) PAYSIM_HOLD_SIZES;
BENCHMARK(BM_Hold_StdPriorityQueue_Function) PAYSIM_HOLD_SIZES;
BENCHMARK(BM_Hold_Simulator<sim::Simulator>) PAYSIM_HOLD_SIZES;
BENCHMARK(BM_Hold_Simulator<sim::BasicSimulator<sim::internal::BinaryHeapQueue>>) PAYSIM_HOLD_SIZES;

}  // namespace

BENCHMARK_MAIN();
