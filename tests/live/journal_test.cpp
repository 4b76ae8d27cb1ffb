// serve-sut's journal (live/journal.h): entries come back in order and whole, the write-ahead
// barrier marks the time the runtime reached, and a journal is never replayed into another design
// nor shared by two processes.
#include "live/journal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

namespace live {
namespace {

class JournalTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  std::unique_ptr<Journal> open(const std::string& fingerprint, std::string* error) {
    return Journal::open(path_, fingerprint, /*durable_sync=*/false, error);
  }
  std::vector<JournalEntry> read_all(Journal& journal) {
    std::vector<JournalEntry> entries;
    std::string error;
    EXPECT_TRUE(journal.read(
        [&](const JournalEntry& entry) {
          entries.push_back(entry);
          return true;
        },
        &error))
        << error;
    return entries;
  }

  const std::string path_ = (std::filesystem::temp_directory_path() /
                             ("paysim-journal-" + std::to_string(getpid()) + ".db"))
                                .string();
};

TEST_F(JournalTest, EntriesComeBackInOrderWithTheMarksOfTheBarriers) {
  std::string error;
  {
    std::unique_ptr<Journal> journal = open("design-a", &error);
    ASSERT_TRUE(journal) << error;
    JournalEntry request;
    request.kind = JournalEntry::Kind::kRequest;
    request.time = sim::Time::from_us(1'000);
    request.method = "POST";
    request.target = "/v1/orders";
    request.body = std::string("{\"order_id\":1}\0tail", 19);  // bodies are bytes
    request.unix_s = 1'700'000'000;
    journal->append(request);
    journal->barrier(sim::Time::from_us(1'000));  // no time passed: no mark
    journal->barrier(sim::Time::from_us(5'000));  // a mark: the timers up to 5 ms were seen
    JournalEntry answer;
    answer.kind = JournalEntry::Kind::kAnswer;
    answer.time = sim::Time::from_us(7'000);
    answer.channel = 1;
    answer.call = 42;
    answer.status = 200;
    answer.body = "{}";
    journal->append(answer);
    // Destroyed without a barrier: what was appended is committed on a clean close.
  }
  std::unique_ptr<Journal> journal = open("design-a", &error);
  ASSERT_TRUE(journal) << error;
  EXPECT_EQ(journal->entries(), 3u);
  const std::vector<JournalEntry> entries = read_all(*journal);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].kind, JournalEntry::Kind::kRequest);
  EXPECT_EQ(entries[0].body.size(), 19u);
  EXPECT_EQ(entries[0].target, "/v1/orders");
  EXPECT_EQ(entries[0].unix_s, 1'700'000'000);
  EXPECT_EQ(entries[1].kind, JournalEntry::Kind::kMark);
  EXPECT_EQ(entries[1].time, sim::Time::from_us(5'000));
  EXPECT_EQ(entries[2].kind, JournalEntry::Kind::kAnswer);
  EXPECT_EQ(entries[2].channel, 1u);
  EXPECT_EQ(entries[2].call, 42u);
  EXPECT_GT(entries[2].wall_ms, 0);
}

TEST_F(JournalTest, AJournalOfAnotherDesignIsRefused) {
  std::string error;
  ASSERT_TRUE(open("design-a", &error)) << error;
  EXPECT_FALSE(open("design-b", &error));
  EXPECT_NE(error.find("another scenario"), std::string::npos) << error;
}

TEST_F(JournalTest, OneProcessAtATime) {
  std::string error;
  std::unique_ptr<Journal> first = open("design-a", &error);
  ASSERT_TRUE(first) << error;
  JournalEntry mark;
  first->append(mark);
  first->barrier(sim::Time::from_us(1));
  EXPECT_FALSE(open("design-a", &error));
  EXPECT_NE(error.find("locked"), std::string::npos) << error;
}

TEST(JournalFingerprint, IsStableAcrossBuilds) {
  // FNV-1a 64 of "" and "a": the published test vectors.
  EXPECT_EQ(fingerprint_of(""), "cbf29ce484222325");
  EXPECT_EQ(fingerprint_of("a"), "af63dc4c8601ec8c");
}

}  // namespace
}  // namespace live
