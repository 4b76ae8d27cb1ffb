#include "harness/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace harness {
namespace {

constexpr int kBarWidth = 30;
constexpr auto kRedrawEvery = std::chrono::milliseconds(200);

std::string clock_text(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

Progress::Progress(std::size_t total, std::string what, bool enabled)
    : total_(total),
      what_(std::move(what)),
      enabled_(enabled && total > 0),
      started_(std::chrono::steady_clock::now()),
      last_draw_(started_) {
  std::lock_guard lock(mutex_);
  draw_locked(true);
}

Progress::~Progress() { finish(); }

bool Progress::stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

std::string Progress::line(std::size_t done, std::size_t total, const std::string& what,
                           double elapsed_s) {
  const double fraction = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
  const int filled = static_cast<int>(fraction * kBarWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kBarWidth, '-');
  std::string left = "?";
  if (done > 0) {
    left = fmt::format("~{}", clock_text(elapsed_s / static_cast<double>(done) *
                                         static_cast<double>(total - done)));
  }
  return fmt::format("[{}] {:>{}}/{} {}  elapsed {}  left {}", bar, done,
                     std::to_string(total).size(), total, what, clock_text(elapsed_s), left);
}

void Progress::advance() {
  std::lock_guard lock(mutex_);
  if (done_ < total_) ++done_;
  draw_locked(done_ == total_);
}

void Progress::finish() {
  std::lock_guard lock(mutex_);
  if (!enabled_ || finished_) return;
  finished_ = true;
  std::fputs("\r\033[K", stderr);  // erase the bar: what follows starts on a clean line
  std::fflush(stderr);
}

void Progress::draw_locked(bool force) {
  if (!enabled_ || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - started_).count();
  std::fprintf(stderr, "\r\033[K%s", line(done_, total_, what_, elapsed).c_str());
  std::fflush(stderr);
}

}  // namespace harness
