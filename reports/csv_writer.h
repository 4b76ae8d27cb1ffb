// CSV of many reports, one row each, for spreadsheets and plotting sweeps.
//
// The header is scenario, variant, seed, then every metric path (metric_paths) of the reports, in
// the order they first appear; a report that lacks a column leaves its cell empty. Numbers are
// written as in report.json. Fields are quoted as RFC 4180 says (a field holding a comma, a quote,
// CR or LF is enclosed in quotes, its quotes doubled) and records end in CRLF.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reports/report.h"

namespace reports {

// REQUIRES: no null pointers.
std::string render_csv(const std::vector<const Report*>& reports);

// One field, quoted when RFC 4180 requires it.
std::string csv_field(std::string_view text);

}  // namespace reports
