#include "harness/signing_secret.h"

#include <fstream>

namespace harness {

std::optional<std::string> read_signing_secret(const std::string& path, std::string* problem) {
  std::ifstream in(path);
  std::string secret;
  if (!in) {
    *problem = "cannot read " + path;
    return std::nullopt;
  }
  std::getline(in, secret);
  while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
  if (secret.empty()) {
    *problem = path + " holds no secret (its first line is empty)";
    return std::nullopt;
  }
  return secret;
}

}  // namespace harness
