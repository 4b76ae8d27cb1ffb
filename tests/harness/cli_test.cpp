// The command line as a user meets it (harness/cli.h): --version, an unknown command and
// `help CMD`, options and positionals in any order in every command, one --format to standard
// output, a scenario read from standard input, and the completions and man page generated from
// the command definitions.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "harness/build_info.h"
#include "tests/harness/cli_support.h"

namespace harness {
namespace {

namespace fs = std::filesystem;
using testing::fresh_dir;
using testing::Output;
using testing::paysim_output;
using testing::read;
using testing::shell_output;

const std::string kScenario =
    std::string(PAYSIM_SOURCE_DIR) + "/tests/harness/data/compare_lossy.yaml";
const std::string kShort = " --set duration=1m";

// report.json without its wall-clock line, the one line two runs may differ in.
std::string without_wall_clock(const std::string& report) {
  return std::regex_replace(report, std::regex(R"(\n *"wall_ms": [^\n]*)"), "");
}

TEST(Cli, VersionNamesTheVersionAndTheSourceRevision) {
  const Output r = paysim_output("--version", "version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "paysim " PAYSIM_VERSION " (revision " + std::string(paysim_revision()) + ")\n");
  EXPECT_TRUE(
      std::regex_match(std::string(paysim_revision()), std::regex("[0-9a-f]{12}(-dirty)?|unknown")))
      << paysim_revision();
}

TEST(Cli, UnknownCommandSuggestsTheNearestAndListsTheCommands) {
  const Output typo = paysim_output("rnu " + kScenario, "typo");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("paysim: unknown command 'rnu' (did you mean 'run'?)"), std::string::npos)
      << typo.err;
  const Output bogus = paysim_output("bogus", "bogus");
  EXPECT_EQ(bogus.exit_code, 2);
  EXPECT_NE(bogus.err.find("paysim: unknown command 'bogus'\n"), std::string::npos) << bogus.err;
  EXPECT_NE(
      bogus.err.find("commands: run, validate, check, trace, compare, sweep, merge, schema, swarm"),
      std::string::npos)
      << bogus.err;
  EXPECT_EQ(bogus.err.find("completions"), std::string::npos) << "hidden commands stay hidden";
  EXPECT_EQ(bogus.out, "");
}

TEST(Cli, HelpCommandDescribesOneCommand) {
  const Output help = paysim_output("help run", "help_run");
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_NE(help.out.find("paysim run"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--set"), std::string::npos) << help.out;
  EXPECT_EQ(help.out, paysim_output("run --help", "run_help").out);
  EXPECT_NE(paysim_output("help", "help").out.find("sweep"), std::string::npos);
  const Output unknown = paysim_output("help bogus", "help_bogus");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown command 'bogus'"), std::string::npos) << unknown.err;
}

// issue 17: `paysim run --set duration=1m X.yaml --out d` took X.yaml for a second --set.
TEST(Cli, OptionsAndPositionalsComeInAnyOrder) {
  const fs::path dir = fresh_dir("cli_any_order");
  const std::string a = (dir / "a").string(), b = (dir / "b").string();
  ASSERT_EQ(
      paysim_output("run --set duration=1m " + kScenario + " --out " + a, "order_run_a").exit_code,
      0);
  ASSERT_EQ(paysim_output("run --out " + b + " --format json " + kScenario + kShort, "order_run_b")
                .exit_code,
            0);
  EXPECT_EQ(without_wall_clock(read(dir / "a/report.json")),
            without_wall_clock(read(dir / "b/report.json")));

  const Output compare =
      paysim_output("compare --variant polling " + kScenario + kShort, "order_compare");
  EXPECT_EQ(compare.exit_code, 0) << compare.err;
  EXPECT_NE(compare.out.find("polling"), std::string::npos) << compare.out;
  const Output sweep = paysim_output("sweep --axis system.compensation.polling.interval=10s " +
                                         kScenario + " --replications 1 --set duration=1m",
                                     "order_sweep");
  EXPECT_EQ(sweep.exit_code, 0) << sweep.err;
  const Output trace = paysim_output(
      "trace --set duration=1m " + kScenario + " --order first-dropped", "order_trace");
  EXPECT_NE(trace.exit_code, 2) << trace.err;
  const Output check = paysim_output(
      "check --junit " + (dir / "junit.xml").string() + " " + kScenario + " -j 1", "order_check");
  EXPECT_EQ(check.exit_code, 0) << check.err;

  // Every command that takes a scenario reads it after a repeatable option: the error is about
  // the file, not a missing positional.
  const std::string missing = (dir / "missing.yaml").string();
  for (const char* command : {"run", "trace --order 1", "compare", "sweep",
                              "serve-channel --listen 127.0.0.1:0 "
                              "--notify-url http://127.0.0.1:1/n",
                              "serve-sut --listen 127.0.0.1:0 --channel http://127.0.0.1:1",
                              "live --sut "
                              "http://127.0.0.1:1"}) {
    const Output r = paysim_output(std::string(command) + " --set a=1 " + missing, "order_missing");
    EXPECT_EQ(r.exit_code, 2) << command;
    EXPECT_NE(r.err.find(missing), std::string::npos) << command << ": " << r.err;
  }
}

TEST(Cli, OneFormatWithoutOutGoesToStandardOutput) {
  const fs::path dir = fresh_dir("cli_stdout");
  ASSERT_EQ(paysim_output("run " + kScenario + kShort + " --format json,csv --out " + dir.string(),
                          "stdout_files")
                .exit_code,
            0);
  const Output json = paysim_output("run " + kScenario + kShort + " --format json", "stdout_json");
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(without_wall_clock(json.out), without_wall_clock(read(dir / "report.json")));
  const Output csv = paysim_output("run " + kScenario + kShort + " --format csv", "stdout_csv");
  EXPECT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.substr(0, csv.out.find('\n')),
            read(dir / "report.csv").substr(0, read(dir / "report.csv").find('\n')));

  const Output two =
      paysim_output("run " + kScenario + kShort + " --format json,csv", "stdout_two");
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_NE(two.err.find("--out"), std::string::npos) << two.err;
  EXPECT_EQ(two.out, "") << "refused before running";
}

TEST(Cli, DashReadsTheScenarioFromStandardInput) {
  const Output file = paysim_output("run " + kScenario + kShort + " --format json", "stdin_file");
  const Output piped =
      paysim_output("run -" + kShort + " --format json < " + kScenario, "stdin_run");
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(without_wall_clock(piped.out), without_wall_clock(file.out));
  // compare loads the scenario once per point: standard input is read once and kept.
  EXPECT_EQ(paysim_output("compare -" + kShort + " < " + kScenario, "stdin_compare").exit_code, 0);

  const Output empty = paysim_output("run - < /dev/null", "stdin_empty");
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("<stdin>"), std::string::npos) << empty.err;
  const fs::path big = fresh_dir("cli_stdin_big");
  {
    std::ofstream out(big);
    const std::string line(1023, '#');
    for (int i = 0; i < 17 * 1024; ++i) out << line << '\n';
  }
  const Output huge = paysim_output("run - < " + big.string(), "stdin_huge");
  EXPECT_EQ(huge.exit_code, 2);
  EXPECT_NE(huge.err.find("<stdin>: cannot read scenario: larger than 16 MiB"), std::string::npos)
      << huge.err;
}

TEST(Cli, CompletionsAndManPageCoverEveryCommand) {
  const Output bash = paysim_output("completions bash", "bash");
  const Output man = paysim_output("man", "man");
  ASSERT_EQ(bash.exit_code, 0);
  ASSERT_EQ(man.exit_code, 0);
  for (const char* command :
       {"run", "validate", "check", "trace", "compare", "sweep", "merge", "schema", "swarm",
        "shrink", "coverage", "serve-channel", "serve-sut", "live", "help"}) {
    EXPECT_NE(bash.out.find(std::string("      ") + command + ") words="), std::string::npos)
        << command;
    const std::string roff_name = std::regex_replace(std::string(command), std::regex("-"), "\\-");
    EXPECT_NE(man.out.find(".SS \"paysim " + roff_name), std::string::npos) << command;
  }
  EXPECT_EQ(man.out.find("\\e"), std::string::npos) << "roff markup escaped as text";
  EXPECT_EQ(paysim_output("completions tcsh", "tcsh").exit_code, 2);
  for (const char* shell : {"zsh", "fish"}) {
    const Output r = paysim_output(std::string("completions ") + shell, shell);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("replications"), std::string::npos) << shell;
  }

  // What bash offers after `paysim run --se`.
  const fs::path script = fresh_dir("cli_completion.bash");
  std::ofstream(script) << bash.out;
  const Output offered = shell_output(
      "bash -c 'source " + script.string() +
          "; COMP_WORDS=(paysim run --se); COMP_CWORD=2; _paysim; echo \"${COMPREPLY[*]}\"'",
      "bash_offered");
  EXPECT_EQ(offered.out, "--seed --set\n") << offered.err;
}

}  // namespace
}  // namespace harness
