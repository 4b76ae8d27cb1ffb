// `paysim serve-channel` as a process: it starts, says where it listens, serves, and on SIGTERM
// writes the ledger and exits 0; a bad scenario, a missing secret or an address in use is a
// clear message and exit 2.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "live/signature.h"
#include "tests/live/child_process.h"
#include "tests/live/live_fixture.h"

namespace live::testing {
namespace {

// The test's own scenario, so that edits to the scenario library never break it; removed at exit.
struct ScenarioFile {
  ScenarioFile() {
    std::ofstream(path) << "name: live-command-test\n"
                           "seed: 5\n"
                           "channels:\n"
                           "  - name: alipay\n"
                           "    preset: alipay-like\n"
                           "    callback: {drop_probability: 0.01}\n";
  }
  ~ScenarioFile() { std::filesystem::remove(path); }
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("paysim-live-" + std::to_string(getpid()) + ".yaml"))
                               .string();
};
const ScenarioFile kScenarioFile;
const std::string& kScenario = kScenarioFile.path;

TEST(ServeChannelCommand, ServesUntilSigtermThenWritesTheLedgerAndExitsZero) {
  Merchant merchant;
  const std::filesystem::path ledger = std::filesystem::temp_directory_path() /
                                       ("paysim-ledger-" + std::to_string(getpid()) + ".jsonl");
  std::filesystem::remove(ledger);
  Process paysim(
      {"serve-channel", kScenario, "--listen", "127.0.0.1:0", "--notify-url",
       "http://127.0.0.1:" + std::to_string(merchant.port()) + "/notify", "--time-scale", "100",
       "--ledger-out", ledger.string(), "--set", "channels.alipay.callback.drop_probability=0"},
      /*with_secret=*/true);
  const std::optional<std::string> port =
      paysim.wait_for_line(std::regex("listening on 127\\.0\\.0\\.1:(\\d+)"));
  ASSERT_TRUE(port) << paysim.output();
  const auto port_number = static_cast<uint16_t>(std::stoi(*port));
  const HttpAnswer created = http_call(port_number, http::verb::post, "/v1/trades",
                                       R"({"merchant_order_id":"cli-1","amount_minor":4200})");
  ASSERT_EQ(created.status, 200u) << created.body;
  EXPECT_EQ(
      http_call(port_number, http::verb::post, "/v1/wallet/trades/tr_1/pay").json()["outcome"],
      "charged");
  EXPECT_TRUE(merchant.wait_for(1)) << "no callback from the process";
  kill(paysim.pid(), SIGTERM);
  EXPECT_EQ(paysim.wait_exit(), 0) << paysim.output();
  std::ifstream in(ledger);
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json line =
      nlohmann::json::parse(text.str().substr(0, text.str().find('\n')), nullptr, false);
  ASSERT_TRUE(line.is_object()) << "ledger: " << text.str();
  EXPECT_EQ(line["kind"], "charge");
  EXPECT_EQ(line["trade_id"], "tr_1");
  EXPECT_EQ(line["amount_minor"], 4200);
  std::filesystem::remove(ledger);
}

TEST(ServeChannelCommand, ABadScenarioAMissingSecretOrAnAddressInUseExitsTwo) {
  const std::string notify = "http://127.0.0.1:9/notify";
  Process bad_scenario(
      {"serve-channel", "/nonexistent.yaml", "--listen", "127.0.0.1:0", "--notify-url", notify},
      true);
  EXPECT_EQ(bad_scenario.wait_exit(), 2);
  EXPECT_NE(bad_scenario.output().find("nonexistent.yaml"), std::string::npos)
      << bad_scenario.output();

  Process no_secret({"serve-channel", kScenario, "--listen", "127.0.0.1:0", "--notify-url", notify},
                    false);
  EXPECT_EQ(no_secret.wait_exit(), 2);
  EXPECT_NE(no_secret.output().find("PAYSIM_CHANNEL_SECRET"), std::string::npos);

  Process unknown_channel({"serve-channel", kScenario, "--listen", "127.0.0.1:0", "--notify-url",
                           notify, "--channel", "nope"},
                          true);
  EXPECT_EQ(unknown_channel.wait_exit(), 2);
  EXPECT_NE(unknown_channel.output().find("it has: alipay"), std::string::npos)
      << unknown_channel.output();

  boost::asio::io_context io;
  tcp::acceptor taken(io, tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
  const std::string address = "127.0.0.1:" + std::to_string(taken.local_endpoint().port());
  Process in_use({"serve-channel", kScenario, "--listen", address, "--notify-url", notify}, true);
  EXPECT_EQ(in_use.wait_exit(), 2);
  EXPECT_NE(in_use.output().find("cannot listen on " + address), std::string::npos)
      << in_use.output();
}

// The secret from the file the scenario names (live.signing_secret_file, beside the scenario);
// --secret-file wins over it (docs/live.md). A missing or empty file is refused at the key.
TEST(ServeChannelCommand, SignsWithTheSecretOfTheFileTheScenarioNames) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("paysim-live-secret-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto write = [&](const char* name, const char* text) { std::ofstream(dir / name) << text; };
  write("scenario.yaml",
        "seed: 5\n"
        "live: {signing_secret_file: secret.txt}\n"
        "channels: [{name: wallet, preset: stripe-like}]\n");
  write("secret.txt", "whsec_from_the_scenario_file\n");
  write("cli-secret.txt", "whsec_from_the_command_line\n");
  const std::string scenario = (dir / "scenario.yaml").string();
  // Pays trade tr_1 through the process; the signature check of its callback under `secret`.
  const auto check_secret = [&](const std::vector<std::string>& extra, const std::string& secret) {
    Merchant merchant;
    std::vector<std::string> args = {
        "serve-channel", scenario,
        "--listen",      "127.0.0.1:0",
        "--notify-url",  "http://127.0.0.1:" + std::to_string(merchant.port()) + "/notify",
        "--time-scale",  "100"};
    args.insert(args.end(), extra.begin(), extra.end());
    Process paysim(args, /*with_secret=*/false);
    const std::optional<std::string> port =
        paysim.wait_for_line(std::regex("listening on 127\\.0\\.0\\.1:(\\d+)"));
    EXPECT_TRUE(port) << paysim.output();
    if (!port) return SignatureCheck::kMalformed;
    const auto port_number = static_cast<uint16_t>(std::stoi(*port));
    http_call(port_number, http::verb::post, "/v1/trades",
              R"({"merchant_order_id":"o-1","amount_minor":100})");
    http_call(port_number, http::verb::post, "/v1/wallet/trades/tr_1/pay");
    EXPECT_TRUE(merchant.wait_for(1)) << paysim.output();
    if (merchant.received().empty()) return SignatureCheck::kMalformed;
    const Merchant::Received callback = merchant.received()[0];
    return verify_signature(secret, callback.signature, callback.body, unix_seconds());
  };
  EXPECT_EQ(check_secret({}, "whsec_from_the_scenario_file"), SignatureCheck::kValid);
  EXPECT_EQ(check_secret({"--secret-file", (dir / "cli-secret.txt").string()},
                         "whsec_from_the_command_line"),
            SignatureCheck::kValid);

  const std::vector<std::string> args = {"serve-channel", scenario,
                                         "--listen",      "127.0.0.1:0",
                                         "--notify-url",  "http://127.0.0.1:9/notify"};
  write("scenario.yaml",
        "seed: 5\n"
        "live: {signing_secret_file: missing.txt}\n"
        "channels: [{name: wallet}]\n");
  Process missing(args, false);
  EXPECT_EQ(missing.wait_exit(), 2);
  EXPECT_NE(missing.output().find("scenario.yaml:2:29: live.signing_secret_file: the signing "
                                  "secret file: cannot read"),
            std::string::npos)
      << missing.output();
  write("empty.txt", "");
  write("scenario.yaml",
        "live: {signing_secret_file: empty.txt}\n"
        "channels: [{name: wallet}]\n");
  Process empty(args, false);
  EXPECT_EQ(empty.wait_exit(), 2);
  EXPECT_NE(empty.output().find("holds no secret"), std::string::npos) << empty.output();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace live::testing
