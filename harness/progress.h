// A progress bar with an estimate of the time left, for comparisons, sweeps, checks and long runs
// (SPEC section 5: "a progress bar goes to stderr on long runs when stderr is a terminal"). When
// disabled it prints nothing at all, so logs, CI output and reports stay clean; it never writes to
// stdout.
//
// Thread-safe: worker threads call advance() as runs finish. The bar is redrawn in place
// ("\r...") at most a few times a second and erased by finish() (or the destructor).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "sim/time.h"

namespace harness {

class Progress {
 public:
  // Where the bar goes: the text to write as it is, "\r\033[K" included. A test passes its own.
  using Sink = std::function<void(std::string_view)>;
  // Writes to stderr and flushes.
  static Sink stderr_sink();

  // enabled: usually stderr_is_terminal(). Nothing is drawn before `show_after` of wall time has
  // passed, so a command that ends sooner prints no bar at all.
  Progress(std::size_t total, std::string what, bool enabled, Sink sink = stderr_sink(),
           std::chrono::milliseconds show_after = std::chrono::milliseconds(0));
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance();
  // Sets how much is done (never less than before; more than the total counts as the total).
  void advance_to(std::size_t done);
  void finish();
  // Erases the bar, calls `print` (which writes lines to stdout) and draws the bar again below
  // them, all under the lock, so no line shares the bar's and no worker draws in between.
  void print_above(const std::function<void()>& print);

  static bool stderr_is_terminal();

  // "[#####-----]  12/80 runs  elapsed 0:12  left ~1:05" for done of total after elapsed_s; the
  // estimate assumes the remaining runs take as long on average as the finished ones.
  static std::string line(std::size_t done, std::size_t total, const std::string& what,
                          double elapsed_s);

 private:
  void draw_locked(bool force);
  void erase_locked();

  std::mutex mutex_;
  std::size_t total_;
  std::size_t done_ = 0;
  std::string what_;
  bool enabled_;
  Sink sink_;
  bool drawn_ = false;  // the bar is on the screen
  bool finished_ = false;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point show_from_;
  std::chrono::steady_clock::time_point last_draw_;
};

// The progress of one run by simulated time (`paysim run`): the seconds of the traffic window
// reached, then those of the drain. Two bars, one after the other, each with its own estimate:
// the drain does far less work per simulated second, and stops as soon as nothing is pending, so
// its estimate is an upper bound. Shown after `show_after` of wall time (a second: short runs
// print nothing).
class RunProgress {
 public:
  RunProgress(sim::Duration traffic, sim::Duration drain, bool enabled,
              Progress::Sink sink = Progress::stderr_sink(),
              std::chrono::milliseconds show_after = std::chrono::milliseconds(1000));
  // The simulation has reached `t` (World::run calls back every simulated minute).
  void reached(sim::Time t);
  void finish();

 private:
  std::int64_t traffic_s_;
  std::int64_t drain_s_;
  bool enabled_;
  Progress::Sink sink_;
  std::chrono::milliseconds show_after_;
  bool draining_ = false;
  std::chrono::steady_clock::time_point started_;
  std::unique_ptr<Progress> bar_;
};

}  // namespace harness
