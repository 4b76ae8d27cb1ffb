// Callback signatures: Stripe's webhook scheme with paysim's header name.
//
//   Paysim-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
//
// The merchant recomputes the HMAC over the timestamp and the raw body as received, compares in
// constant time, and refuses a timestamp outside its tolerance (Stripe's default is 300 s), which
// defeats replays of old genuine callbacks. docs/live.md shows the check in a few languages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace live {

inline constexpr std::string_view kSignatureHeader = "Paysim-Signature";
inline constexpr int64_t kDefaultToleranceSeconds = 300;

// The wall clock in Unix seconds: what `t=` carries (the merchant compares it with its own clock).
int64_t unix_seconds();

// Lower-case hex of HMAC-SHA256(secret, message).
std::string hmac_sha256_hex(std::string_view secret, std::string_view message);

// The header value for `body` sent at `timestamp_s`.
std::string signature_header(std::string_view secret, int64_t timestamp_s, std::string_view body);

enum class SignatureCheck { kValid, kMalformed, kMismatch, kOutsideTolerance };
std::string_view to_string(SignatureCheck check);

// What a merchant does with a callback: parses the header (t= once, one or more v1=), accepts
// when a v1 matches and |now_s - t| <= tolerance_s.
SignatureCheck verify_signature(std::string_view secret, std::string_view header,
                                std::string_view body, int64_t now_s,
                                int64_t tolerance_s = kDefaultToleranceSeconds);

}  // namespace live
