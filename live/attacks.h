// Attacks a merchant must refuse, sent beside genuine callbacks (issue 14). After each genuine
// callback delivery, each kind of attack is sent with its own probability, decided by a keyed
// draw (seed, order, purpose of the kind, the trade's delivery number), so the same run sends the
// same attacks. What each carries:
//
//   forged_signature   the genuine body, signed with a key that is not the secret
//   replay_old         the genuine body, validly signed but an hour old: outside any tolerance
//   replay_same_event  the genuine request again, byte for byte, inside the tolerance: the
//                      merchant must not act on the same event id twice (acknowledging is fine)
//   tampered_amount    the amount changed, re-signed under a wrong key (the attacker has no key)
//   unknown_trade      validly signed, for a trade the channel never created
//
// The journal records each attack sent and the merchant's answer; an attack "accepted" is one
// whose answer meets the acknowledgement rule (for replay_same_event that is not a failure).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace live {

enum class AttackKind : uint8_t {
  kForgedSignature,
  kReplayOld,
  kReplaySameEvent,
  kTamperedAmount,
  kUnknownTrade,
};
inline constexpr size_t kAttackKinds = 5;
std::string_view to_string(AttackKind kind);

struct AttackProfile {
  std::array<double, kAttackKinds> probability{};  // by AttackKind
  bool any() const;
};

// "forged_signature=0.1,replay_old=0.05" (kinds as above, probabilities in [0,1]); an empty text
// is no attack. On failure returns nullopt with the reason in `error`.
std::optional<AttackProfile> parse_attacks(std::string_view text, std::string* error);

// One attack request: the body and the signature header to send.
struct Attack {
  std::string body;
  std::string signature;
};

// Builds the attack of `kind` from the genuine body and its signature header, sent at
// `now_s` (unix seconds) under `secret`. `payment` is the genuine trade's.
Attack make_attack(AttackKind kind, const std::string& genuine_body,
                   const std::string& genuine_signature, std::string_view secret, int64_t now_s,
                   uint64_t payment);

}  // namespace live
