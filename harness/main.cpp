// paysim command line. Subcommands are added as they become real (SPEC section 5).
#include <CLI/CLI.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  CLI::App app{"paysim: payment-flow simulator and chaos test harness"};
  app.set_version_flag("--version", std::string("paysim ") + PAYSIM_VERSION);
  app.require_subcommand(0, 1);
  CLI11_PARSE(app, argc, argv);
  if (app.get_subcommands().empty()) {
    std::fputs(app.help().c_str(), stdout);
  }
  return 0;
}
