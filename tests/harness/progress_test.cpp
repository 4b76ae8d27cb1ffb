// issue 17: progress with an estimate of the time left for `run` (simulated time reached) and
// `check` (runs done), through the same Progress as compare and sweep. Drawn through an injected
// sink here; through the real binary, nothing at all when stderr is not a terminal.
#include "harness/progress.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>

#include "tests/harness/cli_support.h"

namespace harness {
namespace {

using std::chrono::milliseconds;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Collects what a bar draws.
struct Screen {
  std::string text;
  Progress::Sink sink() {
    return [this](std::string_view drawn) { text += drawn; };
  }
};

constexpr std::string_view kErase = "\r\033[K";

TEST(Progress, DrawsToItsSinkAndErasesWhenFinished) {
  Screen screen;
  {
    Progress progress(4, "runs", true, screen.sink());
    for (int i = 0; i < 4; ++i) progress.advance();
    EXPECT_TRUE(
        contains(screen.text, "[------------------------------] 0/4 runs  elapsed 0:00  left ?"))
        << screen.text;
    EXPECT_TRUE(contains(screen.text, "] 4/4 runs  elapsed ")) << screen.text;
    progress.finish();
  }
  EXPECT_EQ(screen.text.rfind(kErase), screen.text.size() - kErase.size()) << "erased at the end";
}

TEST(Progress, DisabledDrawsNothing) {
  Screen screen;
  {
    Progress progress(4, "runs", false, screen.sink());
    progress.advance();
    progress.advance_to(4);
    progress.print_above([] {});
  }
  EXPECT_EQ(screen.text, "");
}

TEST(Progress, QuietUntilShowAfterHasPassed) {
  Screen screen;
  {
    Progress progress(4, "runs", true, screen.sink(), milliseconds(3'600'000));
    progress.advance_to(4);
  }
  EXPECT_EQ(screen.text, "") << "a short command prints no bar, and nothing to erase";
}

TEST(Progress, AdvanceToNeverGoesBackNorPastTheTotal) {
  Screen screen;
  Progress progress(10, "s", true, screen.sink());
  progress.advance_to(7);
  progress.advance_to(3);
  progress.advance_to(25);
  EXPECT_TRUE(contains(screen.text, "10/10 s")) << screen.text;
  EXPECT_FALSE(contains(screen.text, " 3/10 s")) << screen.text;
  EXPECT_FALSE(contains(screen.text, "25/")) << screen.text;
}

TEST(Progress, PrintAboveErasesTheBarAndDrawsItAgainBelow) {
  Screen screen;
  Progress progress(2, "runs", true, screen.sink());
  screen.text.clear();
  progress.print_above([&] { screen.text += "PASS  a.yaml\n"; });
  ASSERT_EQ(screen.text.rfind(kErase, 0), 0u) << screen.text;
  const std::size_t printed = screen.text.find("PASS  a.yaml\n");
  ASSERT_NE(printed, std::string::npos);
  EXPECT_NE(screen.text.find("0/2 runs", printed), std::string::npos) << "redrawn below";
}

TEST(RunProgress, TrafficWindowThenDrainEachWithItsOwnBar) {
  Screen screen;
  {
    RunProgress progress(sim::Duration::minutes(2), sim::Duration::minutes(10), true, screen.sink(),
                         milliseconds(0));
    progress.reached(sim::Time() + sim::Duration::minutes(1));
    progress.reached(sim::Time() + sim::Duration::minutes(2));
    EXPECT_TRUE(contains(screen.text, "120/120 simulated s of traffic")) << screen.text;
    progress.reached(sim::Time() + sim::Duration::minutes(4));
    EXPECT_TRUE(contains(screen.text, "  0/600 simulated s of drain")) << screen.text;
    // Redraws are throttled; reaching the end always draws.
    progress.reached(sim::Time() + sim::Duration::minutes(12));
    EXPECT_TRUE(contains(screen.text, "600/600 simulated s of drain")) << screen.text;
    progress.finish();
  }
  EXPECT_EQ(screen.text.rfind(kErase), screen.text.size() - kErase.size());
}

// Reports, stdout and logs stay clean: a bar only ever goes to a terminal.
TEST(ProgressCli, SilentWhenStderrIsNotATerminal) {
  const std::string scenario =
      std::string(PAYSIM_SOURCE_DIR) + "/tests/harness/data/compare_lossy.yaml";
  for (const std::string& args : {"run " + scenario, "check -j 2 " + scenario}) {
    const testing::Output out = testing::paysim_output(args, "progress_silent");
    EXPECT_EQ(out.exit_code, 0) << args << "\n" << out.err;
    EXPECT_FALSE(contains(out.err, "\r")) << args << "\n" << out.err;
    EXPECT_FALSE(contains(out.err, "elapsed")) << args << "\n" << out.err;
    EXPECT_FALSE(contains(out.out, "elapsed")) << args;
  }
}

}  // namespace
}  // namespace harness
