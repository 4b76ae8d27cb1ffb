// Attacks beside genuine callbacks (live/attacks.h): each is sent as configured, carries what it
// claims, and what the merchant answered is counted.
#include <gtest/gtest.h>

#include <chrono>

#include "live/attacks.h"
#include "live/signature.h"
#include "tests/live/live_fixture.h"

namespace live::testing {
namespace {

TEST(Attacks, EachKindIsSentCarriesWhatItClaimsAndTheMerchantsAnswersAreCounted) {
  // A careful merchant: refuses a bad signature, an old timestamp and an unknown trade with 400;
  // acknowledges a repeated event id without acting on it again.
  Merchant merchant([](size_t, const Merchant::Received& r) {
    const SignatureCheck check = verify_signature(kSecret, r.signature, r.body, unix_seconds());
    const bool known = r.event["data"]["trade_id"] == "tr_1";
    return check == SignatureCheck::kValid && known ? Merchant::Reply{200, "ok"}
                                                    : Merchant::Reply{400, "refused"};
  });
  std::string error;
  const std::optional<AttackProfile> all = parse_attacks(
      "forged_signature=1,replay_old=1,replay_same_event=1,tampered_amount=1,unknown_trade=1",
      &error);
  ASSERT_TRUE(all) << error;
  LiveChannel channel(quiet_channel(), merchant.port(), 10,
                      LiveChannel::Options().with_attacks(*all));
  channel.create_paid("order-1", 700);
  ASSERT_TRUE(merchant.wait_for(6));
  std::this_thread::sleep_for(100ms);
  const std::vector<Merchant::Received> received = merchant.received();
  ASSERT_EQ(received.size(), 6u) << "one genuine callback and five attacks";

  const std::string genuine_body =
      R"({"data":{"amount_minor":700,"merchant_order_id":"order-1","now_ms":)";
  int valid_genuine = 0, forged = 0, old = 0, tampered = 0, unknown = 0;
  for (const Merchant::Received& r : received) {
    const SignatureCheck check = verify_signature(kSecret, r.signature, r.body, unix_seconds());
    const bool same_body = r.body.rfind(genuine_body, 0) == 0;
    if (check == SignatureCheck::kValid && r.event["data"]["trade_id"] == "tr_1") ++valid_genuine;
    if (check == SignatureCheck::kMismatch && same_body) ++forged;
    if (check == SignatureCheck::kOutsideTolerance && same_body) ++old;
    if (check == SignatureCheck::kMismatch && r.event["data"]["amount_minor"] == 7001) ++tampered;
    if (check == SignatureCheck::kValid && r.event["data"]["trade_id"] != "tr_1") ++unknown;
  }
  EXPECT_EQ(valid_genuine, 2) << "the genuine callback and its replay with the same event id";
  EXPECT_EQ(forged, 1);
  EXPECT_EQ(old, 1);
  EXPECT_EQ(tampered, 1);
  EXPECT_EQ(unknown, 1);

  const nlohmann::json security = channel.stats()["security"];
  for (const char* kind : {"forged_signature", "replay_old", "replay_same_event", "tampered_amount",
                           "unknown_trade"}) {
    EXPECT_EQ(security[std::string(kind) + "_sent"], 1) << kind;
  }
  EXPECT_EQ(security["forged_signature_accepted"], 0);
  EXPECT_EQ(security["replay_old_accepted"], 0);
  EXPECT_EQ(security["tampered_amount_accepted"], 0);
  EXPECT_EQ(security["unknown_trade_accepted"], 0);
  EXPECT_EQ(security["replay_same_event_acknowledged"], 1);
  // The genuine callback alone counts as acknowledged.
  EXPECT_EQ(channel.stats()["callbacks"]["acknowledged"], 1);
  const std::vector<nlohmann::json> journal = channel.json_lines("/admin/callbacks");
  ASSERT_EQ(journal.size(), 6u);
  EXPECT_EQ(journal[0]["kind"], "first");
  EXPECT_EQ(journal[1]["kind"], "attack:forged_signature");
}

TEST(Attacks, AnAttackListIsParsedOrRefusedWithTheReason) {
  std::string error;
  const std::optional<AttackProfile> some = parse_attacks("replay_old=0.25", &error);
  ASSERT_TRUE(some);
  EXPECT_EQ(some->probability[static_cast<size_t>(AttackKind::kReplayOld)], 0.25);
  EXPECT_TRUE(some->any());
  EXPECT_FALSE(parse_attacks("", &error)->any());
  EXPECT_FALSE(parse_attacks("replay_old=2", &error));
  EXPECT_NE(error.find("[0,1]"), std::string::npos);
  EXPECT_FALSE(parse_attacks("ddos=0.1", &error));
  EXPECT_NE(error.find("forged_signature"), std::string::npos);
}

}  // namespace
}  // namespace live::testing
