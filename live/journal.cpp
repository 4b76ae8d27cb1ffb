#include "live/journal.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "sim/random.h"

namespace live {
namespace {

constexpr int kFormat = 1;

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS journal("
    "  seq INTEGER PRIMARY KEY,"
    "  kind INTEGER NOT NULL,"  // JournalEntry::Kind
    "  time_us INTEGER NOT NULL,"
    "  wall_ms INTEGER NOT NULL,"
    "  channel INTEGER NOT NULL DEFAULT 0,"
    "  call INTEGER NOT NULL DEFAULT 0,"
    "  outcome INTEGER NOT NULL DEFAULT 0,"
    "  status INTEGER NOT NULL DEFAULT 0,"
    "  unix_s INTEGER NOT NULL DEFAULT 0,"
    "  method TEXT NOT NULL DEFAULT '',"
    "  target TEXT NOT NULL DEFAULT '',"
    "  signature TEXT NOT NULL DEFAULT '',"
    "  body BLOB NOT NULL DEFAULT '');";

int64_t wall_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A statement finalized when it goes out of scope.
struct Statement {
  sqlite3_stmt* stmt = nullptr;
  ~Statement() { sqlite3_finalize(stmt); }
};

std::string text_column(sqlite3_stmt* stmt, int column) {
  const auto* text = static_cast<const char*>(sqlite3_column_blob(stmt, column));
  return text == nullptr
             ? std::string()
             : std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, column)));
}

}  // namespace

std::string fingerprint_of(std::string_view text) {
  return fmt::format("{:016x}", sim::purpose(text));  // FNV-1a 64, the same at run time
}

std::unique_ptr<Journal> Journal::open(const std::string& path, const std::string& fingerprint,
                                       bool durable_sync, std::string* error) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Journal> journal(new Journal(db));
  if (rc != SQLITE_OK) {
    *error = fmt::format("{}: {}", path, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    return nullptr;
  }
  // One process at a time: a second serve-sut on the same file would interleave two histories.
  // The lock is the kernel's, so a killed process leaves none behind.
  if (!journal->exec("PRAGMA locking_mode=EXCLUSIVE;", error) ||
      !journal->exec("PRAGMA journal_mode=WAL;", error) ||
      !journal->exec(durable_sync ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;",
                     error) ||
      !journal->exec("BEGIN IMMEDIATE;", error)) {
    const bool locked = error->find("locked") != std::string::npos;
    *error = path + ": " + *error + (locked ? " (another serve-sut has it open)" : "");
    return nullptr;
  }
  if (!journal->exec(kSchema, error)) {
    *error = path + ": " + *error;
    return nullptr;
  }
  std::string stored_format;
  std::string stored_fingerprint;
  {
    Statement meta;
    sqlite3_prepare_v2(db, "SELECT key, value FROM meta;", -1, &meta.stmt, nullptr);
    while (sqlite3_step(meta.stmt) == SQLITE_ROW) {
      const std::string key = text_column(meta.stmt, 0);
      if (key == "format") stored_format = text_column(meta.stmt, 1);
      if (key == "fingerprint") stored_fingerprint = text_column(meta.stmt, 1);
    }
  }
  if (stored_format.empty()) {
    const std::string insert = fmt::format(
        "INSERT INTO meta VALUES('format', '{}'), ('fingerprint', '{}');", kFormat, fingerprint);
    if (!journal->exec(insert.c_str(), error)) return nullptr;
  } else if (stored_format != std::to_string(kFormat)) {
    *error =
        fmt::format("{}: journal format {} (this paysim reads {})", path, stored_format, kFormat);
    return nullptr;
  } else if (stored_fingerprint != fingerprint) {
    *error = fmt::format(
        "{}: the journal was written for another scenario, override or seed (fingerprint {}, "
        "now {}); replaying it into this design would build a state that never existed. Use "
        "a new file, or the same scenario and options",
        path, stored_fingerprint, fingerprint);
    return nullptr;
  }
  {
    Statement last;
    sqlite3_prepare_v2(db, "SELECT count(*), coalesce(max(time_us), 0) FROM journal;", -1,
                       &last.stmt, nullptr);
    if (sqlite3_step(last.stmt) == SQLITE_ROW) {
      journal->entries_ = static_cast<uint64_t>(sqlite3_column_int64(last.stmt, 0));
      journal->last_time_ = sim::Time::from_us(sqlite3_column_int64(last.stmt, 1));
    }
  }
  if (!journal->exec("COMMIT;", error)) return nullptr;
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO journal(kind, time_us, wall_ms, channel, call, outcome, "
                         "status, unix_s, method, target, signature, body) "
                         "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);",
                         -1, &journal->insert_, nullptr) != SQLITE_OK) {
    *error = path + ": " + sqlite3_errmsg(db);
    return nullptr;
  }
  return journal;
}

Journal::~Journal() {
  if (in_transaction_) exec("COMMIT;", nullptr);
  sqlite3_finalize(insert_);
  sqlite3_close(db_);
}

bool Journal::exec(const char* sql, std::string* error) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) == SQLITE_OK) return true;
  if (error != nullptr) *error = message != nullptr ? message : sqlite3_errmsg(db_);
  sqlite3_free(message);
  return false;
}

bool Journal::read(const std::function<bool(const JournalEntry&)>& fn, std::string* error) {
  Statement select;
  if (sqlite3_prepare_v2(db_,
                         "SELECT kind, time_us, wall_ms, channel, call, outcome, status, unix_s, "
                         "method, target, signature, body FROM journal ORDER BY seq;",
                         -1, &select.stmt, nullptr) != SQLITE_OK) {
    *error = sqlite3_errmsg(db_);
    return false;
  }
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(select.stmt)) == SQLITE_ROW) {
    sqlite3_stmt* s = select.stmt;
    JournalEntry entry;
    const int64_t kind = sqlite3_column_int64(s, 0);
    if (kind < 0 || kind > static_cast<int64_t>(JournalEntry::Kind::kRecovery)) {
      *error = fmt::format("entry of unknown kind {}", kind);
      return false;
    }
    entry.kind = static_cast<JournalEntry::Kind>(kind);
    entry.time = sim::Time::from_us(sqlite3_column_int64(s, 1));
    entry.wall_ms = sqlite3_column_int64(s, 2);
    entry.channel = static_cast<uint32_t>(sqlite3_column_int64(s, 3));
    entry.call = static_cast<uint64_t>(sqlite3_column_int64(s, 4));
    entry.outcome = static_cast<int>(sqlite3_column_int64(s, 5));
    entry.status = static_cast<int>(sqlite3_column_int64(s, 6));
    entry.unix_s = sqlite3_column_int64(s, 7);
    entry.method = text_column(s, 8);
    entry.target = text_column(s, 9);
    entry.signature = text_column(s, 10);
    entry.body = text_column(s, 11);
    if (!fn(entry)) return true;
  }
  if (rc != SQLITE_DONE) {
    *error = sqlite3_errmsg(db_);
    return false;
  }
  return true;
}

void Journal::append(const JournalEntry& entry) {
  if (!in_transaction_) {
    std::string error;
    if (!exec("BEGIN;", &error)) return fail(error);
    in_transaction_ = true;
  }
  sqlite3_stmt* s = insert_;
  sqlite3_reset(s);
  sqlite3_bind_int64(s, 1, static_cast<int64_t>(entry.kind));
  sqlite3_bind_int64(s, 2, entry.time.us());
  sqlite3_bind_int64(s, 3, entry.wall_ms != 0 ? entry.wall_ms : wall_ms_now());
  sqlite3_bind_int64(s, 4, entry.channel);
  sqlite3_bind_int64(s, 5, static_cast<int64_t>(entry.call));
  sqlite3_bind_int64(s, 6, entry.outcome);
  sqlite3_bind_int64(s, 7, entry.status);
  sqlite3_bind_int64(s, 8, entry.unix_s);
  sqlite3_bind_text(s, 9, entry.method.data(), static_cast<int>(entry.method.size()),
                    SQLITE_STATIC);
  sqlite3_bind_text(s, 10, entry.target.data(), static_cast<int>(entry.target.size()),
                    SQLITE_STATIC);
  sqlite3_bind_text(s, 11, entry.signature.data(), static_cast<int>(entry.signature.size()),
                    SQLITE_STATIC);
  sqlite3_bind_blob(s, 12, entry.body.data(), static_cast<int>(entry.body.size()), SQLITE_STATIC);
  if (sqlite3_step(s) != SQLITE_DONE) return fail(sqlite3_errmsg(db_));
  ++entries_;
  if (entry.time > last_time_) last_time_ = entry.time;
}

void Journal::barrier(sim::Time now) {
  if (now > last_time_) {
    JournalEntry mark;
    mark.time = now;
    append(mark);
  }
  if (!in_transaction_) return;
  in_transaction_ = false;
  std::string error;
  if (!exec("COMMIT;", &error)) fail(error);
}

void Journal::fail(const std::string& what) {
  const std::string message = "the journal cannot be written: " + what;
  if (on_failure_) return on_failure_(message);
  std::fprintf(stderr,
               "paysim serve-sut: %s; stopping (what it did next could not be "
               "recovered)\n",
               message.c_str());
  std::fflush(stderr);
  std::_Exit(1);
}

}  // namespace live
