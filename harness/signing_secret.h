// The secret that signs live mode's callbacks (paysim serve-channel), read from a file: its
// first line, without trailing spaces or CR. The scenario may name the file
// (`live.signing_secret_file`) but never holds the secret itself: scenarios are shared and
// checked in, secrets are not.
#pragma once

#include <optional>
#include <string>

namespace harness {

// The secret in `path`, or nullopt with the reason in `problem` (the file cannot be read, or its
// first line is empty).
std::optional<std::string> read_signing_secret(const std::string& path, std::string* problem);

}  // namespace harness
