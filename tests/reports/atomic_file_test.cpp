#include "reports/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace reports {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t entries_in(const fs::path& directory) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(directory)) ++n;
  return n;
}

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("paysim-atomic-") + info->name() + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    internal::set_atomic_write_failure_step(0);
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(dir_);
  }
  fs::path dir_;
};

TEST_F(AtomicFileTest, WritesCreatesParentsAndLeavesNoTempFile) {
  const fs::path target = dir_ / "out" / "nested" / "report.json";
  std::string error;
  ASSERT_TRUE(write_file_atomically(target, "{\"a\": 1}\n", &error)) << error;
  EXPECT_EQ(read_file(target), "{\"a\": 1}\n");
  EXPECT_EQ(entries_in(target.parent_path()), 1u);
  // Replacing keeps exactly one file too.
  ASSERT_TRUE(write_file_atomically(target, "second", &error)) << error;
  EXPECT_EQ(read_file(target), "second");
  EXPECT_EQ(entries_in(target.parent_path()), 1u);
}

TEST_F(AtomicFileTest, FailingEveryStepOnceKeepsTheOldFile) {
  const fs::path target = dir_ / "report.json";
  std::string error;
  ASSERT_TRUE(write_file_atomically(target, "old contents", &error)) << error;
  // Steps: create directories, create temp, write, fsync, close, rename.
  for (int step = 1; step <= 6; ++step) {
    internal::set_atomic_write_failure_step(step);
    error.clear();
    EXPECT_FALSE(write_file_atomically(target, "new contents that must not appear", &error))
        << "step " << step;
    EXPECT_FALSE(error.empty()) << "step " << step;
    EXPECT_NE(error.find("Input/output error"), std::string::npos) << error;
    EXPECT_EQ(read_file(target), "old contents") << "step " << step;
    EXPECT_EQ(entries_in(dir_), 1u) << "temp file left after failing step " << step;
  }
  // Past the last step the write succeeds again.
  internal::set_atomic_write_failure_step(7);
  EXPECT_TRUE(write_file_atomically(target, "new", &error)) << error;
  EXPECT_EQ(read_file(target), "new");
}

TEST_F(AtomicFileTest, ParentIsAFileReturnsAnError) {
  const fs::path blocker = dir_ / "not-a-dir";
  std::ofstream(blocker) << "x";
  std::string error;
  EXPECT_FALSE(write_file_atomically(blocker / "report.json", "data", &error));
  EXPECT_NE(error.find("create directories"), std::string::npos) << error;
  EXPECT_EQ(read_file(blocker), "x");
}

TEST_F(AtomicFileTest, TargetIsADirectoryReturnsAnErrorAndCleansUp) {
  const fs::path target = dir_ / "report.json";
  fs::create_directories(target / "inside");
  std::string error;
  EXPECT_FALSE(write_file_atomically(target, "data", &error));
  EXPECT_NE(error.find("rename to"), std::string::npos) << error;
  EXPECT_TRUE(fs::is_directory(target / "inside"));
  EXPECT_EQ(entries_in(dir_), 1u);
}

TEST_F(AtomicFileTest, UnwritableDirectoryReturnsAnErrorAndKeepsTheOldFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  const fs::path target = dir_ / "report.json";
  std::string error;
  ASSERT_TRUE(write_file_atomically(target, "old", &error)) << error;
  fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_FALSE(write_file_atomically(target, "new", &error));
  EXPECT_NE(error.find("Permission denied"), std::string::npos) << error;
  fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add);
  EXPECT_EQ(read_file(target), "old");
  EXPECT_EQ(entries_in(dir_), 1u);
}

}  // namespace
}  // namespace reports
