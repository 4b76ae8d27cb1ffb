#include "live/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <chrono>
#include <optional>
#include <vector>

namespace live {

int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string hmac_sha256_hex(std::string_view secret, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

namespace {

std::string signed_payload(int64_t timestamp_s, std::string_view body) {
  std::string payload = std::to_string(timestamp_s);
  payload.push_back('.');
  payload.append(body);
  return payload;
}

}  // namespace

std::string signature_header(std::string_view secret, int64_t timestamp_s, std::string_view body) {
  return "t=" + std::to_string(timestamp_s) +
         ",v1=" + hmac_sha256_hex(secret, signed_payload(timestamp_s, body));
}

std::string_view to_string(SignatureCheck check) {
  switch (check) {
    case SignatureCheck::kValid:
      return "valid";
    case SignatureCheck::kMalformed:
      return "malformed";
    case SignatureCheck::kMismatch:
      return "mismatch";
    case SignatureCheck::kOutsideTolerance:
      return "outside_tolerance";
  }
  return "unknown";
}

SignatureCheck verify_signature(std::string_view secret, std::string_view header,
                                std::string_view body, int64_t now_s, int64_t tolerance_s) {
  std::optional<int64_t> timestamp;
  std::vector<std::string_view> candidates;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    const std::string_view part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const size_t equals = part.find('=');
    if (equals == std::string_view::npos) return SignatureCheck::kMalformed;
    const std::string_view name = part.substr(0, equals);
    const std::string_view value = part.substr(equals + 1);
    if (name == "t") {
      int64_t parsed = 0;
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
      if (timestamp || error != std::errc() || end != value.data() + value.size()) {
        return SignatureCheck::kMalformed;
      }
      timestamp = parsed;
    } else if (name == "v1") {
      candidates.push_back(value);
    }  // other schemes (v0, ...) are ignored, as Stripe's libraries do
  }
  if (!timestamp || candidates.empty()) return SignatureCheck::kMalformed;
  const std::string expected = hmac_sha256_hex(secret, signed_payload(*timestamp, body));
  bool matched = false;
  for (const std::string_view candidate : candidates) {
    if (candidate.size() == expected.size() &&
        CRYPTO_memcmp(candidate.data(), expected.data(), expected.size()) == 0) {
      matched = true;
    }
  }
  if (!matched) return SignatureCheck::kMismatch;
  const int64_t skew = now_s > *timestamp ? now_s - *timestamp : *timestamp - now_s;
  return skew <= tolerance_s ? SignatureCheck::kValid : SignatureCheck::kOutsideTolerance;
}

}  // namespace live
