// report.json text: to_json(report).dump(2) and a trailing newline. Equal reports render to
// identical bytes (SPEC section 7); write the result with write_file_atomically.
#pragma once

#include <string>

#include "reports/report.h"

namespace reports {

// include_histograms adds the raw histogram buckets, for sweep shards that are merged later.
std::string render_json(const Report& report, bool include_histograms = false);

}  // namespace reports
