#include "harness/signing_secret.h"

#include "harness/file_text.h"

namespace harness {

std::optional<std::string> read_signing_secret(const std::string& path, std::string* problem) {
  // A secret is one short line; the bound keeps a device or a huge file from filling memory.
  std::string reason;
  const std::optional<std::string> text = read_file_text(path, 64u << 10, &reason);
  if (!text) {
    *problem = "cannot read " + path + ": " + reason;
    return std::nullopt;
  }
  std::string secret = text->substr(0, text->find('\n'));
  while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
  if (secret.empty()) {
    *problem = path + " holds no secret (its first line is empty)";
    return std::nullopt;
  }
  return secret;
}

}  // namespace harness
