#include "harness/cli.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "harness/build_info.h"
#include "harness/cli_docs.h"
#include "harness/internal/yaml_reader.h"
#include "harness/run_limits.h"

namespace harness {
namespace {

// The commands a user is shown: every registered one but the hidden (empty group).
std::vector<std::string> visible_command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* command : all_commands(app))
    if (!command->get_group().empty()) names.push_back(command->get_name());
  return names;
}

const CLI::App* find_command(const CLI::App& app, const std::string& name) {
  for (const CLI::App* command : all_commands(app))
    if (command->get_name() == name) return command;
  return nullptr;
}

int unknown_command(const CLI::App& app, const std::string& name) {
  std::vector<std::string> names = visible_command_names(app);
  std::fprintf(stderr, "paysim: unknown command '%s'%s\ncommands: %s\n", name.c_str(),
               internal::did_you_mean(name, names).c_str(), internal::join(names).c_str());
  std::fprintf(stderr, "`paysim help COMMAND` shows one command's options\n");
  return 2;
}

// CLI11 lets a repeatable option take every following word that is not an option, so
// `run --set a=1 X.yaml` read X.yaml as a second --set and then missed the scenario. One value
// per occurrence makes the order of options and positionals free.
void take_one_value_per_option(CLI::App& app) {
  for (CLI::App* command : app.get_subcommands(std::function<bool(CLI::App*)>{})) {
    for (CLI::Option* option : command->get_options())
      if (!option->get_positional()) option->allow_extra_args(false);
  }
}

CommandRunner add_help_command(CLI::App& app) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("help", "Show the commands, or one command's options");
  cmd->add_option("command", *name, "The command to describe");
  return {cmd, [&app, name] {
            if (name->empty()) {
              // Not app.help(): once `help` is parsed, that describes `help` itself.
              std::fputs(app.get_formatter()
                             ->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal)
                             .c_str(),
                         stdout);
              return 0;
            }
            const CLI::App* command = find_command(app, *name);
            if (command == nullptr) return unknown_command(app, *name);
            std::fputs(command->help(app.get_name()).c_str(), stdout);
            return 0;
          }};
}

}  // namespace

int run_cli(CLI::App& app, std::vector<CommandRunner> commands, int argc, char** argv) {
  app.set_version_flag("--version", version_line());
  app.require_subcommand(1);
  commands.push_back(add_help_command(app));
  commands.push_back(add_completions_command(app));
  commands.push_back(add_man_command(app));
  take_one_value_per_option(app);

  // A first word that is no option and no command is a mistyped command: say which.
  if (argc > 1 && argv[1][0] != '-' && find_command(app, argv[1]) == nullptr)
    return unknown_command(app, argv[1]);
  if (argc == 1) {
    std::fputs(app.help().c_str(), stderr);
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;  // --help and --version exit 0; usage errors exit 2
  }
  for (const CommandRunner& command : commands) {
    if (!command.command->parsed()) continue;
    try {
      return command.run();
    } catch (const RunLimitError& e) {
      // Outputs are written whole or not at all after a run, so nothing is half-written here.
      std::fprintf(stderr, "paysim: %s\n", e.what());
      return 2;
    }
  }
  return 2;
}

}  // namespace harness
