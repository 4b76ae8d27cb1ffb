// Helpers for the tests that run the real `paysim` binary and read what it wrote.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

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

// A path under the test's temporary directory, removed if it exists.
inline std::filesystem::path fresh_dir(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / name;
  std::filesystem::remove_all(dir);
  return dir;
}

}  // namespace harness::testing
