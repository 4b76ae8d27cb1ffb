// Whole-or-nothing file writes (SPEC section 5: "reports are written whole or not at all").
//
// write_file_atomically writes contents to a new temporary file in the target's directory
// (".<name>.tmp-<pid>-<n>"), fsyncs it, renames it over the target and fsyncs the directory.
// Readers therefore see either the old file or the complete new one, never a partial one, even if
// the process dies midway. Missing parent directories are created first.
//
// On failure it returns false, removes its temporary file, leaves any existing target untouched
// and, if error is non-null, sets *error to a message naming the step, the path and the system
// error. These are operating errors (full disk, read-only directory), not bugs.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace reports {

bool write_file_atomically(const std::filesystem::path& path, std::string_view contents,
                           std::string* error);

namespace internal {

// Test seam, in the spirit of Boost.Beast's test::fail_count: when set to n > 0, the n-th system
// step of the next write_file_atomically calls (counting create directories, open, write, fsync,
// close, rename across calls) fails as if the system had returned EIO; 0 (the default) disables
// it. Tests only; not thread-safe with concurrent writes.
void set_atomic_write_failure_step(int step);

}  // namespace internal
}  // namespace reports
