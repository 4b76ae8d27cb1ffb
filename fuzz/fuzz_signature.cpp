// libFuzzer target: the callback signature check a merchant runs on every callback
// (live/signature.h), on an arbitrary header and body: it answers valid, malformed, mismatch or
// outside tolerance, never crashes; and a header signed for the body always verifies.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "live/signature.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const size_t split = text.find('\n');
  const std::string_view header = text.substr(0, split);
  const std::string_view body = split == std::string_view::npos ? "" : text.substr(split + 1);
  constexpr std::string_view kSecret = "whsec_fuzz";
  constexpr int64_t kNow = 1'700'000'000;
  (void)live::verify_signature(kSecret, header, body, kNow);
  if (live::verify_signature(kSecret, live::signature_header(kSecret, kNow, body), body, kNow) !=
      live::SignatureCheck::kValid)
    __builtin_trap();
  return 0;
}
