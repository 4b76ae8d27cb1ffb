// Reading a file that a user named (a scenario, a sweep part, a secret) with a bound on both
// size and waiting: whatever the path is, the read ends.
//
// Regular files are read whole up to `max_bytes`. Anything else is read the same way and the
// same bound applies to what is read, not to what stat says: a character device such as
// /dev/zero or /dev/urandom stops at the cap with an error instead of filling memory. The file
// is opened without blocking, so a FIFO with no writer reads as empty at once instead of
// waiting forever for one; a pipe that has a writer (`<(cat x.yaml)`) is read to its end.
// Directories are refused.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace harness {

// The bytes of `path`, or nullopt with a one-line reason in `*error` ("it is a directory",
// "larger than 16 MiB", "No such file or directory"). `max_bytes` must be > 0.
std::optional<std::string> read_file_text(const std::string& path, std::size_t max_bytes,
                                          std::string* error);

}  // namespace harness
