// A child `paysim` process for the command tests: its stderr captured, waited for with deadlines,
// killed on destruction.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "tests/live/live_fixture.h"

namespace live::testing {

// A child `paysim` with stderr captured; killed (if still running) on destruction.
class Process {
 public:
  // Spawned with posix_spawn: the parent has threads (the live run's), so nothing may run between
  // fork and exec but what posix_spawn itself does; argv and the environment are built here. The
  // child gets only stdin, stdout and the captured stderr — not the parent's sockets.
  Process(const std::vector<std::string>& args, bool with_secret) {
    int pipe_fds[2];
    EXPECT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
    std::vector<std::string> env;
    for (char** entry = environ; *entry != nullptr; ++entry) {
      if (!std::string_view(*entry).starts_with("PAYSIM_CHANNEL_SECRET=")) env.emplace_back(*entry);
    }
    if (with_secret) env.push_back(std::string("PAYSIM_CHANNEL_SECRET=") + kSecret);
    std::string binary = PAYSIM_BINARY;
    std::vector<std::string> copy = args;
    std::vector<char*> argv{binary.data()};
    for (std::string& arg : copy) argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (std::string& entry : env) envp.push_back(entry.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
    const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    EXPECT_EQ(rc, 0) << "posix_spawn " << binary << ": " << std::strerror(rc);
    if (rc != 0) pid_ = -1;
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
    if (pid_ <= 0) return -1;
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
  // What the child is doing, for a failure message: its state and where the kernel has it waiting.
  std::string describe() const {
    const std::string proc = "/proc/" + std::to_string(pid_);
    std::string stat;
    std::string wchan;
    std::getline(std::ifstream(proc + "/stat"), stat);
    std::getline(std::ifstream(proc + "/wchan"), wchan);
    return "pid " + std::to_string(pid_) + (stat.empty() ? " (gone)" : "; stat: " + stat) +
           (wchan.empty() ? "" : "; wchan: " + wchan) + "; stderr so far: " + output_;
  }
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
