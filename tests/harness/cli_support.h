// Helpers for the tests that run the real `paysim` binary and read what it wrote.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace harness::testing {

// The whole file, bytes as written.
inline std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Runs `paysim ARGS` with stdout and stderr into `log`; returns the exit code.
inline int paysim(const std::string& args, const std::string& log) {
  const std::string cmd = std::string(PAYSIM_BINARY) + " " + args + " > " + log + " 2>&1";
  return WEXITSTATUS(std::system(cmd.c_str()));
}

// A path under the test's temporary directory, removed if it exists. The directory is this
// process's own: two test binaries (the debug and the sanitizer build, or two checkouts) running
// at once on one machine share /tmp, and must not write or remove each other's outputs.
inline std::filesystem::path fresh_dir(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                                    ("paysim-test-" + std::to_string(getpid())) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir.parent_path());
  return dir;
}

// What a command printed, standard output and standard error apart, and its exit code.
struct Output {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a shell command line (redirections allowed); its output goes through files named after
// `name` under the test's temporary directory.
inline Output shell_output(const std::string& command_line, const std::string& name) {
  const std::filesystem::path dir = fresh_dir("output_" + name);
  std::filesystem::create_directories(dir);
  const std::string cmd =
      "{ " + command_line + "; } > " + (dir / "out").string() + " 2> " + (dir / "err").string();
  const int status = std::system(cmd.c_str());
  return {WEXITSTATUS(status), read(dir / "out"), read(dir / "err")};
}

// `paysim ARGS` (redirections allowed, e.g. "run - < x.yaml").
inline Output paysim_output(const std::string& args, const std::string& name) {
  return shell_output(std::string(PAYSIM_BINARY) + " " + args, name);
}

}  // namespace harness::testing
