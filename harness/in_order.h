// in_order: runs `count` independent items on worker threads and hands their results back on
// the calling thread in item order, each as soon as it and every earlier item are done. What
// `check`, `swarm` and `coverage` print therefore does not depend on -j.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <future>
#include <thread>
#include <vector>

namespace harness {

// `work(i)` returns item i's result (it runs on a worker thread: it may only touch what is its
// own or thread-safe); `done(i, result)` receives it on the calling thread, in order of i.
// `workers` is clamped to [1, count]. An exception thrown by `work` reaches `done`'s caller at
// that item's turn, after the workers have stopped taking new items.
template <class Work, class Done>
void in_order(size_t count, size_t workers, Work work, Done done) {
  using Result = decltype(work(size_t{0}));
  std::vector<std::promise<Result>> promises(count);
  std::vector<std::future<Result>> futures;
  futures.reserve(count);
  for (auto& p : promises) futures.push_back(p.get_future());
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  const size_t n = std::clamp<size_t>(workers, 1, std::max<size_t>(count, 1));
  for (size_t w = 0; w < n; ++w) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < count; i = next++) {
        try {
          promises[i].set_value(work(i));
        } catch (...) {
          promises[i].set_exception(std::current_exception());
          next = count;  // stop handing out work
        }
      }
    });
  }
  struct Joiner {
    std::vector<std::thread>& threads;
    ~Joiner() {
      for (std::thread& t : threads) t.join();
    }
  } joiner{threads};
  // Items are taken in increasing order, so every item before one that threw was taken and
  // finishes; get() rethrows at the thrower's turn, before any item that was never taken.
  for (size_t i = 0; i < count; ++i) done(i, futures[i].get());
}

}  // namespace harness
