// A progress bar with an estimate of the time left, for sweeps and comparisons (SPEC section 5:
// "a progress bar goes to stderr on long runs when stderr is a terminal"). When disabled it
// prints nothing at all, so logs and CI output stay clean.
//
// Thread-safe: worker threads call advance() as runs finish. The bar is redrawn in place
// ("\r...") at most a few times a second and erased by finish() (or the destructor).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace harness {

class Progress {
 public:
  // enabled: usually stderr_is_terminal().
  Progress(std::size_t total, std::string what, bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance();
  void finish();

  static bool stderr_is_terminal();

  // "[#####-----]  12/80 runs  elapsed 0:12  left ~1:05" for done of total after elapsed_s; the
  // estimate assumes the remaining runs take as long on average as the finished ones.
  static std::string line(std::size_t done, std::size_t total, const std::string& what,
                          double elapsed_s);

 private:
  void draw_locked(bool force);

  std::mutex mutex_;
  std::size_t total_;
  std::size_t done_ = 0;
  std::string what_;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace harness
