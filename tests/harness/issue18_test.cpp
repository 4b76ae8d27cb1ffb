// Regression tests of issue 18 ("Found on the current main" and "Bounded resources"): inputs an
// adversarial user found that crashed, hung or ran away, each with the class it stands for.
// Every test failed on the code before its fix; the comment says how.
#include <gtest/gtest.h>
#include <signal.h>

#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "harness/scenario_loader.h"
#include "tests/harness/cli_support.h"

namespace harness {
namespace {

namespace fs = std::filesystem;
using testing::fresh_dir;
using testing::paysim;
using testing::read;
using Lines = std::vector<std::string>;

// A scenario that runs in milliseconds.
const std::string kTiny = "duration: 2s\ntraffic: {rate: 2/s}\nchannels: [{name: a}]\n";

std::vector<std::string> errors_of(const LoadResult& result) {
  EXPECT_FALSE(result.ok());
  std::vector<std::string> lines;
  for (const ScenarioError& error : result.errors) lines.push_back(error.to_string());
  return lines;
}

fs::path write_file(const std::string& name, const std::string& text) {
  const fs::path dir = fs::path(::testing::TempDir()) / "issue18";
  fs::create_directories(dir);
  const fs::path path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// Invalid UTF-8 in text that reaches a report passed `validate`, then `run --out` aborted on the
// JSON writer's exception (exit 134). Every key and value of the file is checked at load.
TEST(Issue18, InvalidUtf8AnywhereInTheFileIsALocatedError) {
  EXPECT_EQ(errors_of(load_scenario_text("name: caf\xe9\n" + kTiny, "bad.yaml")),
            Lines{"bad.yaml:1:7: name: the value is not valid UTF-8 (byte 0xe9 at offset 3 is "
                  "not UTF-8); scenario text must be UTF-8"});
  EXPECT_EQ(errors_of(load_scenario_text(
                kTiny + "variants:\n  - {name: \"v\xff\", set: {seed: 2}}\n", "bad.yaml")),
            Lines{"bad.yaml:5:12: variants[0].name: the value is not valid UTF-8 (byte 0xff at "
                  "offset 1 is not UTF-8); scenario text must be UTF-8"});
  // A key (an expect metric), an overlong encoding, a surrogate and a truncated sequence.
  EXPECT_EQ(
      errors_of(load_scenario_text(kTiny + "expect: {\"dropped.final\xc0\xae\": 0}\n", "bad.yaml")),
      Lines{"bad.yaml:4:10: expect.dropped.final\\xc0\\xae: the key is not valid UTF-8 "
            "(byte 0xc0 at offset 13 is not UTF-8); scenario text must be UTF-8"});
  EXPECT_FALSE(load_scenario_text("name: \xed\xa0\x80\n" + kTiny, "bad.yaml").ok());
  EXPECT_FALSE(load_scenario_text("name: ab\xe2\x82\n" + kTiny, "bad.yaml").ok());
  // Through an alias: the anchor's value is the one reported.
  EXPECT_FALSE(load_scenario_text("x: &n \"\xff\"\nname: *n\n" + kTiny, "bad.yaml").ok());
  // Well-formed text of every length is fine, and so are bad bytes in a comment (they reach
  // nothing).
  EXPECT_TRUE(load_scenario_text("name: \"caf\xc3\xa9 \xe6\x8e\x89\xe5\x8d\x95 \xf0\x9f\x92\xb3\"\n"
                                 "# \xff\n" +
                                     kTiny,
                                 "ok.yaml")
                  .ok());
}

TEST(Issue18, InvalidUtf8InASetOverrideIsRefused) {
  EXPECT_EQ(errors_of(load_scenario_text(kTiny, "ok.yaml", {{"name", "x\xff"}})),
            Lines{"--set: name: the value is not valid UTF-8 (byte 0xff at offset 1 is not "
                  "UTF-8)"});
  EXPECT_EQ(errors_of(load_scenario_text(kTiny, "ok.yaml", {{"expect.a\xff", "0"}})),
            Lines{"--set: expect.a\\xff: the key is not valid UTF-8 (byte 0xff at offset 8 is not "
                  "UTF-8)"});
}

TEST(Issue18, InvalidUtf8NeverReachesTheReportWriters) {
  const fs::path file = write_file("utf8.yaml", "name: caf\xe9\n" + kTiny);
  const fs::path out = fresh_dir("issue18-utf8-out");
  const std::string log = (fs::path(::testing::TempDir()) / "issue18-utf8.log").string();
  EXPECT_EQ(paysim("validate " + file.string(), log), 2) << read(log);
  EXPECT_EQ(paysim("run " + file.string() + " --out " + out.string(), log), 2) << read(log);
  EXPECT_EQ(paysim("run " + write_file("ok.yaml", kTiny).string() +
                       " --set name=$(printf 'x\\377') --out " + out.string(),
                   log),
            2)
      << read(log);
  EXPECT_NE(read(log).find("--set: name: the value is not valid UTF-8"), std::string::npos)
      << read(log);
  EXPECT_FALSE(fs::exists(out));
}

// --seed went through strtoull: -1 and 2^64 became 18446744073709551615 and 1e23 was rounded.
TEST(Issue18, SeedOutOfRangeIsAUsageError) {
  const std::string file = write_file("seed.yaml", kTiny).string();
  const std::string log = (fs::path(::testing::TempDir()) / "issue18-seed.log").string();
  for (const std::string seed : {"-1", "18446744073709551616", "1e23", "0x10", "1.5", "''"}) {
    SCOPED_TRACE(seed);
    EXPECT_EQ(paysim("run " + file + " --seed " + seed, log), 2) << read(log);
    EXPECT_NE(read(log).find("expected a whole number from 0 to 18446744073709551615"),
              std::string::npos)
        << read(log);
    EXPECT_EQ(paysim("compare " + file + " --seed " + seed, log), 2) << read(log);
  }
  EXPECT_EQ(paysim("run " + file + " --seed 18446744073709551615", log), 0) << read(log);
  EXPECT_EQ(paysim("trace " + file + " --order 1 --seed 0", log), 0) << read(log);
}

// `paysim validate /dev/zero` read ~2 GB and aborted; a FIFO with no writer blocked forever. The
// size cap applies to what is read, and nothing waits for a writer.
TEST(Issue18, NonRegularFilesAreBoundedAndNeverWaitedFor) {
  EXPECT_EQ(errors_of(load_scenario_file("/dev/zero")),
            Lines{"/dev/zero: cannot read scenario: larger than 16 MiB (reading stopped there)"});
  const fs::path fifo = fs::path(::testing::TempDir()) / "issue18-fifo.yaml";
  fs::remove(fifo);
  ASSERT_EQ(std::system(("mkfifo " + fifo.string()).c_str()), 0);
  const std::string log = (fs::path(::testing::TempDir()) / "issue18-fifo.log").string();
  // `timeout` turns a hang into exit 124 instead of a stuck test.
  const std::string validate = "timeout 20 " + std::string(PAYSIM_BINARY) + " validate ";
  EXPECT_EQ(WEXITSTATUS(std::system((validate + fifo.string() + " > " + log + " 2>&1").c_str())), 2)
      << read(log);
  EXPECT_NE(read(log).find("the file holds no scenario"), std::string::npos) << read(log);
  EXPECT_EQ(WEXITSTATUS(std::system(("timeout 20 " + std::string(PAYSIM_BINARY) +
                                     " run /dev/urandom > " + log + " 2>&1")
                                        .c_str())),
            2)
      << read(log);
  // A pipe that has a writer is read to its end.
  const fs::path file = write_file("piped.yaml", kTiny);
  EXPECT_EQ(
      WEXITSTATUS(std::system(
          ("cat " + file.string() + " | " + validate + "/dev/stdin > " + log + " 2>&1").c_str())),
      0)
      << read(log);
  EXPECT_EQ(errors_of(load_scenario_file(::testing::TempDir())),
            Lines{::testing::TempDir() + ": cannot read scenario: it is a directory"});
}

// `--set expect.X=...` and a variant's `expect.X` on a file with no `expect:` block (and the same
// for `sweep:`) must add one dotted key, not nested maps.
TEST(Issue18, ExpectAndSweepOverridesWorkWithoutTheBlockInTheFile) {
  for (const std::string& base : {kTiny, kTiny + "expect:\n", kTiny + "sweep:\n"}) {
    SCOPED_TRACE(base);
    LoadResult loaded = load_scenario_text(
        base, "s.yaml",
        {{"expect.latency.charge_to_paid_ms.p99", "< 60000"}, {"sweep.seed", "[1, 2]"}});
    ASSERT_TRUE(loaded.ok()) << errors_of(loaded)[0];
    ASSERT_EQ(loaded.scenario->expect.size(), 1u);
    EXPECT_EQ(loaded.scenario->expect[0].metric, "latency.charge_to_paid_ms.p99");
    ASSERT_EQ(loaded.scenario->sweep.size(), 1u);
    EXPECT_EQ(loaded.scenario->sweep[0].key, "seed");
  }
  const std::string with_variant =
      kTiny + "variants:\n  - {name: v, set: {expect.dropped.final: 0, sweep.seed: [3]}}\n";
  LoadResult loaded = load_scenario_text(with_variant, "s.yaml", {}, "v");
  ASSERT_TRUE(loaded.ok()) << errors_of(loaded)[0];
  ASSERT_EQ(loaded.scenario->expect.size(), 1u);
  EXPECT_EQ(loaded.scenario->expect[0].metric, "dropped.final");
  EXPECT_TRUE(load_scenario_text(with_variant, "s.yaml").ok());
  // A wrong metric is still refused, and located at --set.
  EXPECT_EQ(errors_of(load_scenario_text(kTiny, "s.yaml", {{"expect.dropped.finale", "0"}})),
            Lines{"--set: expect.dropped.finale: unknown metric 'dropped.finale' (did you mean "
                  "'dropped.final'?)"});
}

// With `duration: &d 5m` and `drain: *d`, `--set duration=1m` changed `drain` too, `--set
// drain=0s` was blamed on `duration`, and two channels sharing `share: &half 0.5` could not be
// given different shares: overrides wrote through the alias into the shared node.
TEST(Issue18, OverridesNeverWriteThroughAliases) {
  const std::string aliased =
      "duration: &d 5m\ndrain: *d\ntraffic: {rate: 1/s}\n"
      "channels:\n  - {name: a, share: &half 0.5, callback: &cb {drop_probability: 0.1}}\n"
      "  - {name: b, share: *half, callback: *cb}\n"
      "variants:\n  - {name: short, set: {duration: 1m}}\n";
  LoadResult loaded = load_scenario_text(aliased, "a.yaml", {{"duration", "1m"}});
  ASSERT_TRUE(loaded.ok()) << errors_of(loaded)[0];
  EXPECT_EQ(loaded.scenario->duration, sim::Duration::minutes(1));
  EXPECT_EQ(loaded.scenario->drain, sim::Duration::minutes(5));

  loaded = load_scenario_text(aliased, "a.yaml", {{"drain", "0s"}});
  ASSERT_TRUE(loaded.ok()) << errors_of(loaded)[0];
  EXPECT_EQ(loaded.scenario->duration, sim::Duration::minutes(5));
  EXPECT_EQ(loaded.scenario->drain, sim::Duration::zero());

  loaded = load_scenario_text(aliased, "a.yaml", {}, "short");
  ASSERT_TRUE(loaded.ok()) << errors_of(loaded)[0];
  EXPECT_EQ(loaded.scenario->drain, sim::Duration::minutes(5));

  loaded = load_scenario_text(aliased, "a.yaml",
                              {{"channels.a.share", "0.3"},
                               {"channels.b.share", "0.7"},
                               {"channels.b.callback.drop_probability", "0.5"}});
  ASSERT_TRUE(loaded.ok()) << errors_of(loaded)[0];
  EXPECT_DOUBLE_EQ(loaded.scenario->channels[0].share, 0.3);
  EXPECT_DOUBLE_EQ(loaded.scenario->channels[1].share, 0.7);
  EXPECT_DOUBLE_EQ(loaded.scenario->channels[0].callback.drop_probability, 0.1);
  EXPECT_DOUBLE_EQ(loaded.scenario->channels[1].callback.drop_probability, 0.5);

  // The error names the key the override wrote, not the one it shares a node with.
  EXPECT_EQ(errors_of(load_scenario_text(aliased, "a.yaml", {{"drain", "-1s"}})),
            Lines{"--set: drain: duration must not be negative, got '-1s'"});
}

// "got null" with no location: an empty or comment-only file, and --set on an empty document.
TEST(Issue18, EmptyDocumentsAreLocatedErrors) {
  const std::string no_scenario =
      "e.yaml:1:1: the file holds no scenario (it is empty or only comments); a scenario is a "
      "YAML map of keys (name, seed, channels, system, ...)";
  EXPECT_EQ(errors_of(load_scenario_text("", "e.yaml")), Lines{no_scenario});
  EXPECT_EQ(errors_of(load_scenario_text("# nothing here\n\n", "e.yaml")), Lines{no_scenario});
  // After a document marker the (empty) document starts on the next line.
  EXPECT_EQ(errors_of(load_scenario_text("---\n", "e.yaml")),
            Lines{"e.yaml:2:1" + no_scenario.substr(10)});
  EXPECT_EQ(errors_of(load_scenario_text("", "e.yaml", {{"seed", "3"}})),
            Lines{"e.yaml:1:1: channels: at least one channel is required"});
}

// Every error a variant or sweep value causes points into the file, also where the value builds a
// path the base file lacks.
TEST(Issue18, ErrorsOfAlternativesAreLocatedInTheFile) {
  const std::string text = kTiny +
                           "variants:\n"
                           "  - {name: v, set: {system.compensation.polling.interval: 0s}}\n"
                           "  - {name: w, set: {system.compensaton.strategy: polling}}\n"
                           "sweep:\n  environment.bogus: [1]\n";
  const Lines errors = errors_of(load_scenario_text(text, "s.yaml"));
  ASSERT_FALSE(errors.empty());
  for (const std::string& line : errors) {
    SCOPED_TRACE(line);
    EXPECT_EQ(line.rfind("s.yaml:", 0), 0u);
    EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(line[7])));
  }
}

// `traffic.rate: 10000000/s` for 2 minutes grew to 3.6 GB and died on bad_alloc with no message.
TEST(Issue18, AWorkloadThatCannotFitIsRefusedUpFront) {
  const Lines errors = errors_of(load_scenario_text(
      "duration: 2m\ntraffic: {rate: 10000000/s}\nchannels: [{name: a}]\n", "big.yaml"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("big.yaml:2:10: traffic: this traffic makes about 1.2e+09 orders", 0),
            0u)
      << errors[0];
  EXPECT_NE(errors[0].find("(100000000 orders;"), std::string::npos) << errors[0];
  // A day profile is integrated over the window: a short spike is fine, a day at the peak not.
  EXPECT_TRUE(load_scenario_text("duration: 1d\ntraffic: {profile: [[0h, 1/s], [12h, 1000000/s], "
                                 "[12h0m1s, 1/s]]}\nchannels: [{name: a}]\n",
                                 "spike.yaml")
                  .ok());
  EXPECT_FALSE(load_scenario_text("duration: 2d\ntraffic: {profile: [[0h, 1/s], [12h, 1500/s]]}\n"
                                  "channels: [{name: a}]\n",
                                  "days.yaml")
                   .ok());
  // Through --set or a variant too, located there.
  EXPECT_EQ(
      errors_of(load_scenario_text(kTiny, "s.yaml", {{"duration", "100000d"}}))[0].substr(0, 55),
      "s.yaml:2:10: traffic: this traffic makes about 1.73e+10");
}

// A pid that runs no process: what a writer killed with kill -9 leaves in its file names.
int dead_pid() {
  for (int pid = 4'000'000; pid > 1000; pid -= 7) {
    if (::kill(pid, 0) != 0 && errno == ESRCH) return pid;
  }
  return 0;
}

// Exit 2 with a report written: when a later format failed (report.txt is a directory) the new
// report.json stayed behind. And a killed writer's temporary files stayed forever.
TEST(Issue18, OutputsAreWrittenAsOneSetOrNotAtAll) {
  const std::string file = write_file("set.yaml", kTiny).string();
  const fs::path out = fresh_dir("issue18-set");
  const std::string log = (fs::path(::testing::TempDir()) / "issue18-set.log").string();
  fs::create_directories(out / "report.txt");
  EXPECT_EQ(paysim("run " + file + " --out " + out.string() + " --format json,table", log), 2)
      << read(log);
  EXPECT_NE(read(log).find("report.txt: is a directory"), std::string::npos) << read(log);
  EXPECT_FALSE(fs::exists(out / "report.json"));
  fs::remove(out / "report.txt");

  // Over an older set: the files of the set are replaced, other files stay, and what a killed
  // writer left (a temporary file inside, a staging directory beside) is cleaned up.
  const int dead = dead_pid();
  ASSERT_NE(dead, 0);
  std::ofstream(out / "report.json") << "old";
  std::ofstream(out / "notes.md") << "mine";
  const fs::path stale_temp = out / (".report.json.tmp-" + std::to_string(dead) + "-0");
  const fs::path stale_staging =
      out.parent_path() / (".issue18-set.paysim-staging-" + std::to_string(dead) + "-0");
  std::ofstream(stale_temp) << "partial";
  fs::create_directories(stale_staging);
  EXPECT_EQ(paysim("run " + file + " --out " + out.string() + " --format json,csv", log), 0)
      << read(log);
  EXPECT_EQ(read(out / "report.json").rfind("{", 0), 0u);
  EXPECT_TRUE(fs::exists(out / "report.csv"));
  EXPECT_EQ(read(out / "notes.md"), "mine");
  EXPECT_FALSE(fs::exists(stale_temp));
  EXPECT_FALSE(fs::exists(stale_staging));
  for (const auto& entry : fs::directory_iterator(out.parent_path())) {
    EXPECT_EQ(entry.path().filename().string().find(".paysim-staging-"), std::string::npos)
        << entry.path();
  }
}

TEST(Issue18, CompareWritesItsPointReportsInTheSameSet) {
  const std::string file =
      write_file("cmp.yaml", kTiny + "variants:\n  - {name: v, set: {seed: 2}}\n").string();
  const fs::path out = fresh_dir("issue18-cmp");
  const std::string log = (fs::path(::testing::TempDir()) / "issue18-cmp.log").string();
  fs::create_directories(out / "junit.xml");  // the last file of the set cannot be written
  EXPECT_EQ(paysim("compare " + file + " --out " + out.string(), log), 2) << read(log);
  EXPECT_FALSE(fs::exists(out / "base"));
  EXPECT_FALSE(fs::exists(out / "summary.json"));
  fs::remove(out / "junit.xml");
  EXPECT_EQ(paysim("compare " + file + " --out " + out.string(), log), 0) << read(log);
  EXPECT_TRUE(fs::exists(out / "base" / "report.json"));
  EXPECT_TRUE(fs::exists(out / "v" / "report.json"));
  EXPECT_TRUE(fs::exists(out / "summary.json"));
}

}  // namespace
}  // namespace harness
