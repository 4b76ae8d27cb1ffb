// serve-channel's merchant API and callbacks on loopback: a trade's life from create to
// statement, signed callbacks acknowledged by the preset's rule, idempotency, refunds.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "live/signature.h"
#include "tests/live/live_fixture.h"

namespace live::testing {
namespace {

TEST(MerchantApi, ATradeIsCreatedPaidNotifiedWithASignedCallbackAndQueried) {
  Merchant merchant;
  LiveChannel channel(quiet_channel(), merchant.port(), /*time_scale=*/10);

  const HttpAnswer created =
      channel.post("/v1/trades", R"({"merchant_order_id":"order-1","amount_minor":1250})");
  ASSERT_EQ(created.status, 200u) << created.body;
  const nlohmann::json trade = created.json();
  EXPECT_EQ(trade["trade_id"], "tr_1");
  EXPECT_EQ(trade["state"], "pending");
  EXPECT_EQ(trade["amount_minor"], 1250);
  const std::string pay_url = trade["pay_url"];
  const std::string pay_path = pay_url.substr(pay_url.find("/v1/"));
  EXPECT_EQ(pay_path, "/v1/wallet/trades/tr_1/pay");

  const HttpAnswer paid = channel.post(pay_path);
  ASSERT_EQ(paid.status, 200u);
  EXPECT_EQ(paid.json()["outcome"], "charged");

  ASSERT_TRUE(merchant.wait_for(1)) << "no callback arrived";
  const Merchant::Received callback = merchant.received()[0];
  EXPECT_EQ(verify_signature(kSecret, callback.signature, callback.body, unix_seconds()),
            SignatureCheck::kValid)
      << callback.signature;
  EXPECT_EQ(verify_signature("another secret", callback.signature, callback.body, unix_seconds()),
            SignatureCheck::kMismatch);
  EXPECT_EQ(callback.event["id"], "evt_1_success");
  EXPECT_EQ(callback.event["type"], "trade.success");
  EXPECT_EQ(callback.event["sequence"], 1);
  EXPECT_EQ(callback.event["data"]["merchant_order_id"], "order-1");
  EXPECT_EQ(callback.event["data"]["amount_minor"], 1250);

  const HttpAnswer queried = channel.get("/v1/trades/tr_1");
  ASSERT_EQ(queried.status, 200u);
  EXPECT_EQ(queried.json()["state"], "success");
  EXPECT_TRUE(queried.json().contains("paid_at_ms"));

  // The default rule (no preset) acknowledges any 2xx: the journal says so.
  std::vector<nlohmann::json> journal;
  for (int i = 0; i < 100; ++i) {
    journal = channel.json_lines("/admin/callbacks");
    if (!journal.empty() && journal[0]["finished"] == true) break;
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(journal.size(), 1u);
  EXPECT_EQ(journal[0]["kind"], "first");
  EXPECT_EQ(journal[0]["acknowledged"], true);
  EXPECT_EQ(channel.stats()["callbacks"]["acknowledged"], 1);
  const HttpAnswer metrics = channel.get("/metrics");
  ASSERT_EQ(metrics.status, 200u);
  EXPECT_NE(metrics.body.find("# TYPE paysim_callbacks_acknowledged_total counter\n"
                              "paysim_callbacks_acknowledged_total{channel=\"wallet\"} 1\n"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("paysim_model_charges_total{channel=\"wallet\"} 1\n"),
            std::string::npos);
}

TEST(MerchantApi, AnIdempotencyKeyReplaysTheFirstAnswerAndRefusesOtherParameters) {
  Merchant merchant;
  LiveChannel channel(quiet_channel(), merchant.port(), 10);
  const std::map<std::string, std::string> key = {{"Idempotency-Key", "k-1"}};
  const std::string body = R"({"merchant_order_id":"order-7","amount_minor":500})";
  const HttpAnswer first = channel.post("/v1/trades", body, key);
  const HttpAnswer again = channel.post("/v1/trades", body, key);
  ASSERT_EQ(first.status, 200u);
  ASSERT_EQ(again.status, 200u);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.headers.count("Idempotent-Replayed"), 1u);
  const HttpAnswer other =
      channel.post("/v1/trades", R"({"merchant_order_id":"order-7","amount_minor":501})", key);
  EXPECT_EQ(other.status, 422u);
  EXPECT_EQ(other.json()["error"], "idempotency_key_reused");
  EXPECT_EQ(channel.stats()["trades"], 1) << "a replay created a trade";
}

TEST(MerchantApi, RefundsMoveMoneyOnceAndTheStatementMatchesTheLedger) {
  Merchant merchant;
  LiveChannel channel(quiet_channel(), merchant.port(), 10);
  for (int i = 1; i <= 3; ++i) channel.create_paid("order-" + std::to_string(i), 100 * i);
  channel.create("order-4", 400);  // never paid
  const std::string refund = R"({"amount_minor":200,"refund_id":"rf-1"})";
  const HttpAnswer refunded = channel.post("/v1/trades/tr_2/refunds", refund);
  ASSERT_EQ(refunded.status, 200u) << refunded.body;
  EXPECT_EQ(refunded.json()["state"], "succeeded");
  EXPECT_EQ(channel.post("/v1/trades/tr_2/refunds", refund).json()["state"], "succeeded");
  EXPECT_EQ(channel.get("/v1/trades/tr_2/refunds/rf-1").json()["state"], "succeeded");
  EXPECT_EQ(channel.post("/v1/trades/tr_4/refunds").status, 409u) << "refunded an unpaid trade";

  // The ledger: three charges and one refund, the retry with the same refund id moved nothing.
  const std::vector<nlohmann::json> ledger = channel.json_lines("/admin/ledger");
  std::map<std::string, std::pair<int64_t, int64_t>> money;  // trade -> charged, refunded
  for (const nlohmann::json& line : ledger) {
    if (line["kind"] == "refund_refused") continue;  // tr_4's: no money moved
    auto& [charged, refunded_minor] = money[line["trade_id"].get<std::string>()];
    if (line["kind"] == "charge") charged += line["amount_minor"].get<int64_t>();
    if (line["kind"] == "refund") refunded_minor += line["amount_minor"].get<int64_t>();
  }
  ASSERT_EQ(money.size(), 3u);
  EXPECT_EQ(money["tr_2"], std::make_pair(int64_t{200}, int64_t{200}));

  const int64_t now_ms = channel.stats()["now_ms"];
  const HttpAnswer statement =
      channel.get("/v1/statement?from_ms=0&to_ms=" + std::to_string(now_ms + 1000));
  ASSERT_EQ(statement.status, 200u);
  EXPECT_EQ(statement.headers.at("Content-Type"), "text/csv");
  std::string expected =
      "trade_id,merchant_order_id,charges,charged_minor,refunded_minor,first_charge_ms\n";
  for (const nlohmann::json& line : ledger) {
    if (line["kind"] != "charge") continue;
    const std::string id = line["trade_id"];
    expected += id + ",\"" + line["merchant_order_id"].get<std::string>() + "\",1," +
                std::to_string(money[id].first) + "," + std::to_string(money[id].second) + "," +
                std::to_string(line["at_us"].get<int64_t>() / 1000) + "\n";
  }
  EXPECT_EQ(statement.body, expected);
  // A window before any money moved is empty but for the header.
  const HttpAnswer empty = channel.get("/v1/statement?from_ms=0&to_ms=0");
  EXPECT_EQ(empty.body.find('\n') + 1, empty.body.size());
}

TEST(MerchantApi, CloseStopsTheUserFromPaying) {
  Merchant merchant;
  LiveChannel channel(quiet_channel(), merchant.port(), 10);
  const std::string id = channel.create("order-c", 900);
  const HttpAnswer closed = channel.post("/v1/trades/" + id + "/close");
  ASSERT_EQ(closed.status, 200u);
  EXPECT_EQ(closed.json()["closed"], true);
  // Refused as a trade that can no longer be paid, not as a channel that is down.
  EXPECT_EQ(channel.post("/v1/wallet/trades/" + id + "/pay").json()["outcome"], "closed");
  EXPECT_EQ(channel.get("/admin/stats").json()["model"]["pays_refused_closed"], 1);
  EXPECT_EQ(channel.get("/v1/trades/tr_99").status, 404u);
}

// Every "$ref" in `node` (recursively), e.g. "#/components/schemas/Trade".
void collect_refs(const nlohmann::json& node, std::vector<std::string>& refs) {
  if (node.is_object()) {
    for (const auto& [name, value] : node.items()) {
      if (name == "$ref" && value.is_string()) refs.push_back(value);
      collect_refs(value, refs);
    }
  } else if (node.is_array()) {
    for (const nlohmann::json& value : node) collect_refs(value, refs);
  }
}

// Served, and well formed where no OpenAPI validator is at hand (Debian 12 packages none): every
// reference resolves, every path parameter is declared, operation ids are unique, every
// operation answers something. The routes it names are the ones the server serves.
TEST(MerchantApi, TheOpenApiDocumentIsServedWellFormedAndNamesEveryRoute) {
  Merchant merchant;
  LiveChannel channel(quiet_channel(), merchant.port(), 10);
  const HttpAnswer answer = channel.get("/openapi.json");
  ASSERT_EQ(answer.status, 200u);
  const nlohmann::json document = answer.json();
  ASSERT_TRUE(document.is_object());
  EXPECT_EQ(document["openapi"], "3.0.3");
  EXPECT_TRUE(document["info"].contains("title"));
  EXPECT_TRUE(document["info"].contains("version"));

  std::vector<std::string> refs;
  collect_refs(document, refs);
  EXPECT_FALSE(refs.empty());
  for (const std::string& ref : refs) {
    const std::string prefix = "#/components/schemas/";
    ASSERT_EQ(ref.substr(0, prefix.size()), prefix) << ref;
    EXPECT_TRUE(document["components"]["schemas"].contains(ref.substr(prefix.size())))
        << "unresolved " << ref;
  }
  std::set<std::string> operation_ids;
  for (const auto& [path, item] : document["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      EXPECT_TRUE(operation_ids.insert(operation["operationId"].get<std::string>()).second)
          << path << " " << method;
      EXPECT_FALSE(operation["responses"].empty()) << path << " " << method;
      for (size_t open = path.find('{'); open != std::string::npos;
           open = path.find('{', open + 1)) {
        const std::string name = path.substr(open + 1, path.find('}', open) - open - 1);
        bool declared = false;
        for (const nlohmann::json& parameter :
             operation.value("parameters", nlohmann::json::array())) {
          declared = declared || (parameter["in"] == "path" && parameter["name"] == name &&
                                  parameter["required"] == true);
        }
        EXPECT_TRUE(declared) << path << " " << method << " does not declare {" << name << "}";
      }
    }
  }
  for (const char* path :
       {"/v1/trades", "/v1/trades/{trade_id}", "/v1/trades/{trade_id}/close",
        "/v1/trades/{trade_id}/refunds", "/v1/trades/{trade_id}/refunds/{refund_id}",
        "/v1/statement", "/v1/wallet/trades/{trade_id}/pay", "/v1/wallet/trades/{trade_id}/decline",
        "/openapi.json", "/admin/ledger", "/admin/callbacks", "/admin/stats"}) {
    EXPECT_TRUE(document["paths"].contains(path)) << path;
  }
  EXPECT_EQ(document["paths"].size(), 13u) << "a route documented but not served, or the reverse";
}

}  // namespace
}  // namespace live::testing
