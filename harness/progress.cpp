#include "harness/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace harness {
namespace {

constexpr int kBarWidth = 30;
constexpr auto kRedrawEvery = std::chrono::milliseconds(200);
constexpr std::string_view kEraseLine = "\r\033[K";

std::string clock_text(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

Progress::Sink Progress::stderr_sink() {
  return [](std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
  };
}

Progress::Progress(std::size_t total, std::string what, bool enabled, Sink sink,
                   std::chrono::milliseconds show_after)
    : total_(total),
      what_(std::move(what)),
      enabled_(enabled && total > 0),
      sink_(std::move(sink)),
      started_(std::chrono::steady_clock::now()),
      show_from_(started_ + show_after),
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

void Progress::advance_to(std::size_t done) {
  std::lock_guard lock(mutex_);
  done_ = std::clamp(done, done_, total_);
  draw_locked(done_ == total_);
}

void Progress::finish() {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  erase_locked();  // what follows starts on a clean line
  finished_ = true;
}

void Progress::print_above(const std::function<void()>& print) {
  std::lock_guard lock(mutex_);
  const bool was_drawn = drawn_;
  erase_locked();
  print();
  if (was_drawn) draw_locked(true);
}

void Progress::erase_locked() {
  if (!drawn_) return;
  sink_(kEraseLine);
  drawn_ = false;
}

void Progress::draw_locked(bool force) {
  if (!enabled_ || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < show_from_) return;
  if (!force && drawn_ && now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - started_).count();
  sink_(std::string(kEraseLine) + line(done_, total_, what_, elapsed));
  drawn_ = true;
}

RunProgress::RunProgress(sim::Duration traffic, sim::Duration drain, bool enabled,
                         Progress::Sink sink, std::chrono::milliseconds show_after)
    : traffic_s_(std::max<std::int64_t>(traffic.us() / 1'000'000, 1)),
      drain_s_(std::max<std::int64_t>(drain.us() / 1'000'000, 1)),
      enabled_(enabled),
      sink_(std::move(sink)),
      show_after_(show_after),
      started_(std::chrono::steady_clock::now()),
      bar_(std::make_unique<Progress>(static_cast<std::size_t>(traffic_s_),
                                      "simulated s of traffic", enabled_, sink_, show_after_)) {}

void RunProgress::reached(sim::Time t) {
  const std::int64_t s = t.us() / 1'000'000;
  if (!draining_ && s > traffic_s_) {
    // A new bar for the drain, with an estimate of its own, shown when the run's first second
    // of wall time is over.
    bar_->finish();
    draining_ = true;
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started_);
    bar_ = std::make_unique<Progress>(
        static_cast<std::size_t>(drain_s_), "simulated s of drain (ends when nothing is pending)",
        enabled_, sink_, std::max(show_after_ - waited, std::chrono::milliseconds(0)));
  }
  bar_->advance_to(static_cast<std::size_t>(draining_ ? s - traffic_s_ : s));
}

void RunProgress::finish() { bar_->finish(); }

}  // namespace harness
