#include "live/attacks.h"

#include <nlohmann/json.hpp>

#include "live/internal/probability_list.h"
#include "live/signature.h"
#include "live/trade_book.h"

namespace live {
namespace {

constexpr std::array<std::string_view, kAttackKinds> kNames = {
    "forged_signature", "replay_old", "replay_same_event", "tampered_amount", "unknown_trade"};
// What an attacker signs with: anything but the secret.
constexpr std::string_view kAttackerKey = "paysim-attacker-key-not-the-secret";
constexpr int64_t kReplayAgeSeconds = 3600;
constexpr uint64_t kUnknownTradeOffset = 1'000'000'000;  // far past any real trade id

}  // namespace

std::string_view to_string(AttackKind kind) { return kNames[static_cast<size_t>(kind)]; }

bool AttackProfile::any() const {
  for (const double p : probability) {
    if (p > 0) return true;
  }
  return false;
}

std::optional<AttackProfile> parse_attacks(std::string_view text, std::string* error) {
  AttackProfile profile;
  if (!internal::parse_probability_list(text, kNames, profile.probability, error)) {
    return std::nullopt;
  }
  return profile;
}

Attack make_attack(AttackKind kind, const std::string& genuine_body,
                   const std::string& genuine_signature, std::string_view secret, int64_t now_s,
                   uint64_t payment) {
  switch (kind) {
    case AttackKind::kForgedSignature:
      return {genuine_body, signature_header(kAttackerKey, now_s, genuine_body)};
    case AttackKind::kReplayOld:
      return {genuine_body, signature_header(secret, now_s - kReplayAgeSeconds, genuine_body)};
    case AttackKind::kReplaySameEvent:
      return {genuine_body, genuine_signature};
    case AttackKind::kTamperedAmount: {
      nlohmann::json event = nlohmann::json::parse(genuine_body);
      event["data"]["amount_minor"] = event["data"]["amount_minor"].get<int64_t>() * 10 + 1;
      std::string body = event.dump();
      return {body, signature_header(kAttackerKey, now_s, body)};
    }
    case AttackKind::kUnknownTrade: {
      nlohmann::json event = nlohmann::json::parse(genuine_body);
      const uint64_t unknown = payment + kUnknownTradeOffset;
      event["data"]["trade_id"] = trade_id(unknown);
      event["data"]["merchant_order_id"] = "unknown-" + std::to_string(unknown);
      event["id"] =
          "evt_" + std::to_string(unknown) + "_" + event["data"]["state"].get<std::string>();
      std::string body = event.dump();
      return {body, signature_header(secret, now_s, body)};
    }
  }
  return {genuine_body, genuine_signature};
}

}  // namespace live
