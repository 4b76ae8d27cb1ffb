// A child `paysim` process for the command tests: its stderr captured, waited for with deadlines,
// killed on destruction.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "tests/live/live_fixture.h"

namespace live::testing {

// A child `paysim` with stderr captured; killed (if still running) on destruction.
class Process {
 public:
  Process(const std::vector<std::string>& args, bool with_secret) {
    int pipe_fds[2];
    EXPECT_EQ(pipe(pipe_fds), 0);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(pipe_fds[1], STDERR_FILENO);
      close(pipe_fds[0]);
      if (with_secret) {
        setenv("PAYSIM_CHANNEL_SECRET", kSecret, 1);
      } else {
        unsetenv("PAYSIM_CHANNEL_SECRET");
      }
      std::vector<char*> argv;
      std::string binary = PAYSIM_BINARY;
      argv.push_back(binary.data());
      std::vector<std::string> copy = args;
      for (std::string& arg : copy) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    close(pipe_fds[1]);
    stderr_fd_ = pipe_fds[0];
  }
  ~Process() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(stderr_fd_);
  }

  // Reads stderr until `pattern` matches a line or the deadline; the first capture group.
  std::optional<std::string> wait_for_line(const std::regex& pattern,
                                           std::chrono::milliseconds deadline = 10s) {
    const Clock::time_point end = Clock::now() + deadline;
    while (Clock::now() < end) {
      size_t newline;
      while ((newline = output_.find('\n', scanned_)) != std::string::npos) {
        const std::string line = output_.substr(scanned_, newline - scanned_);
        scanned_ = newline + 1;
        std::smatch match;
        if (std::regex_search(line, match, pattern)) return match.size() > 1 ? match[1] : match[0];
      }
      if (!read_some(end)) break;
    }
    return std::nullopt;
  }
  // Waits for exit (killing the child at the deadline); the exit code, -1 if killed.
  int wait_exit(std::chrono::milliseconds deadline = 10s) {
    const Clock::time_point end = Clock::now() + deadline;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (Clock::now() > end) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        exited_ = true;
        return -1;
      }
      read_some(Clock::now() + 20ms);
    }
    exited_ = true;
    while (read_some(Clock::now() + 20ms)) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  pid_t pid() const { return pid_; }
  const std::string& output() const { return output_; }

 private:
  bool read_some(Clock::time_point end) {
    pollfd fd{stderr_fd_, POLLIN, 0};
    const auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
    if (poll(&fd, 1, static_cast<int>(std::max<int64_t>(wait_ms.count(), 0))) <= 0) return false;
    char chunk[4096];
    const ssize_t n = read(stderr_fd_, chunk, sizeof chunk);
    if (n <= 0) return false;
    output_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  bool exited_ = false;
  std::string output_;
  size_t scanned_ = 0;
};

}  // namespace live::testing
