// `paysim schema [--report]`: prints a JSON Schema to stdout (SPEC section 5). Without options,
// the scenario schema, scenarios/schema/scenario.schema.json as built in; with --report, the
// schema of report.json generated from the metric table (reports/report_schema.h), which is how
// the checked-in reports/schema/report.schema.json is regenerated after a metric is added:
//   paysim schema --report > reports/schema/report.schema.json
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "harness/commands.h"
#include "harness/internal/scenario_schema_text.h"
#include "reports/report_schema.h"

namespace harness {

CommandRunner add_schema_command(CLI::App& app) {
  auto report = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "schema", "Print the scenario JSON Schema (or, with --report, report.json's)");
  cmd->add_flag("--report", *report,
                "Print the JSON Schema of report.json, generated from the metric table");
  return {cmd, [report] {
            const std::string text = *report ? reports::render_report_schema()
                                             : std::string(internal::scenario_schema_text());
            std::fwrite(text.data(), 1, text.size(), stdout);
            return 0;
          }};
}

}  // namespace harness
