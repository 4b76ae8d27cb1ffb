// Which build of paysim this is: the project version (`project(VERSION)` in CMakeLists.txt) and
// the source revision it was compiled from, which harness/build_info.cmake reads from git at
// every build ("unknown" outside a git checkout; `-DPAYSIM_REVISION=...` names it for a build
// from a source tarball). `paysim --version` prints both, and sweep parts record both so that
// `paysim merge` refuses parts of different builds (harness/sweep_part.h).
//
// Neither ever enters report.json: a report depends on the scenario and the seed only (SPEC
// section 7), so two builds of the same model write byte-identical reports.
#pragma once

#include <string>
#include <string_view>

namespace harness {

// "0.1.0"
std::string_view paysim_version();
// The commit's abbreviated hash ("c96b707d1e2f"), "-dirty" appended when tracked files had
// uncommitted changes, or "unknown".
std::string_view paysim_revision();
// "paysim 0.1.0 (revision c96b707d1e2f)": what `paysim --version` prints.
std::string version_line();

}  // namespace harness
