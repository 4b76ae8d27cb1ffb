// `live.signing_secret_file`: the scenario may name the file that holds serve-channel's signing
// secret (never the secret itself). The loader resolves it against the scenario file's folder and
// refuses a file it cannot read or whose first line is empty, at the key's line and column.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "harness/scenario_loader.h"

namespace harness {
namespace {

namespace fs = std::filesystem;

// A folder of its own holding a scenario that names `secret_file`; removed at the end.
class ScenarioFolder {
 public:
  ScenarioFolder()
      : dir_(fs::temp_directory_path() / ("paysim-live-key-" + std::to_string(getpid()))) {
    fs::create_directories(dir_);
  }
  ~ScenarioFolder() { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
  }
  LoadResult load(const std::string& secret_file) const {
    write("scenario.yaml",
          "channels: [{name: a}]\nlive:\n  signing_secret_file: " + secret_file + "\n");
    return load_scenario_file((dir_ / "scenario.yaml").string());
  }
  fs::path path(const std::string& name) const { return dir_ / name; }

 private:
  fs::path dir_;
};

std::string errors_of(const LoadResult& result) {
  std::string out;
  for (const ScenarioError& error : result.errors) out += error.to_string() + "\n";
  return out;
}

TEST(ScenarioLiveKeys, ASecretFileIsFoundBesideTheScenarioFile) {
  const ScenarioFolder folder;
  folder.write("secret.txt", "whsec_from_file\n");
  const LoadResult loaded = folder.load("secret.txt");
  ASSERT_TRUE(loaded.ok()) << errors_of(loaded);
  EXPECT_EQ(fs::path(loaded.scenario->live.signing_secret_file), folder.path("secret.txt"));
  // The secret itself is not in the scenario.
  EXPECT_EQ(loaded.scenario->live.signing_secret_file.find("whsec"), std::string::npos);
}

TEST(ScenarioLiveKeys, AMissingSecretFileIsAnErrorAtTheKey) {
  const ScenarioFolder folder;
  const LoadResult loaded = folder.load("nowhere.txt");
  ASSERT_FALSE(loaded.ok());
  ASSERT_EQ(loaded.errors.size(), 1u) << errors_of(loaded);
  const ScenarioError& error = loaded.errors[0];
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.column, 24);
  EXPECT_EQ(error.key_path, "live.signing_secret_file");
  EXPECT_NE(error.message.find("cannot read " + folder.path("nowhere.txt").string()),
            std::string::npos)
      << error.to_string();
}

TEST(ScenarioLiveKeys, AnEmptySecretFileIsAnError) {
  const ScenarioFolder folder;
  folder.write("empty.txt", "\n");
  const LoadResult loaded = folder.load("empty.txt");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(errors_of(loaded).find("scenario.yaml:3:24: live.signing_secret_file: the signing "
                                   "secret file: " +
                                   folder.path("empty.txt").string() + " holds no secret"),
            std::string::npos)
      << errors_of(loaded);
}

TEST(ScenarioLiveKeys, ASecretFileCanBeNamedWithSet) {
  const ScenarioFolder folder;
  folder.write("scenario.yaml", "channels: [{name: a}]\n");
  const fs::path secret =
      fs::temp_directory_path() / ("paysim-set-secret-" + std::to_string(getpid()) + ".txt");
  std::ofstream(secret) << "whsec_set\n";
  const LoadResult loaded = load_scenario_file(folder.path("scenario.yaml").string(),
                                               {{"live.signing_secret_file", secret.string()}});
  fs::remove(secret);
  ASSERT_TRUE(loaded.ok()) << errors_of(loaded);
  EXPECT_EQ(loaded.scenario->live.signing_secret_file, secret.string());
}

}  // namespace
}  // namespace harness
