// Text tables for the terminal: `paysim compare` prints every metric as a row with the variants
// as columns, `paysim sweep` one row per grid point. Built from the same tables the HTML report
// shows (reports::html_for_experiment), so the terminal and the file never disagree.
#pragma once

#include <string>

#include "reports/html_writer.h"

namespace harness {

// Columns aligned (the first left, the rest right), the best cell of a row or column marked with
// " *". When group_rows is set, a blank line separates rows whose first cell changes group (the
// text before the first '.', e.g. "dropped" or "latency").
std::string render_text_table(const reports::HtmlTable& table, bool group_rows);

// A directory name for a variant: letters, digits, '.', '_' and '-' kept, anything else '_'.
std::string safe_dir_name(const std::string& name);

}  // namespace harness
