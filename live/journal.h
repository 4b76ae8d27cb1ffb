// Journal: the durable storage of `paysim serve-sut --db FILE`, an SQLite database (WAL).
//
// What it stores is the service's inputs, not its tables: every request that reaches the model
// (the app's calls and the channels' callbacks, with the wall-clock second their signature was
// checked against) and every answer of a channel to the service's calls, each with the runtime
// time it was applied at. The model is deterministic given its inputs and their times, so
// replaying the journal into a fresh process rebuilds exactly the state the killed one had:
// payments, orders, the pending table, the MQ's messages and delay messages, the close and
// refund jobs. Recovery then applies the model's own crash to it (links::Host: the process's
// timers and in-memory state are lost, what the scenario keeps durable survives), so what a real
// SIGKILL destroys is what the simulator's `payment_service.crashes` destroy — by construction,
// not by a second description of what is durable.
//
// Write-ahead rule: nothing the model does is seen outside the process before the inputs that
// caused it are committed. Appends collect in an open transaction; barrier() — called before any
// response is written and any request to a channel is sent — records the time the runtime has
// reached (a mark: the timers that ran up to it are part of the state that was seen) and
// commits. A kill between two barriers loses only effects nobody saw, as if the crash had come at
// the last barrier. With `PRAGMA synchronous=NORMAL` in WAL mode a commit survives the process
// being killed (the data is in the kernel's page cache); surviving a power loss needs FULL
// (`durable_sync`).
//
// The journal grows with the run (a few hundred bytes per request) and replay time with it: it is
// meant for test runs and chaos experiments, not months of service. Single-threaded.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "sim/time.h"

struct sqlite3;
struct sqlite3_stmt;

namespace live {

struct JournalEntry {
  enum class Kind : uint8_t {
    kMark = 0,      // the runtime reached `time`
    kRequest = 1,   // an HTTP request to the shop: method, target, signature, body, unix_s
    kAnswer = 2,    // channel `channel` answered its request number `call`: outcome, status, body
    kRecovery = 3,  // the process restarted from the journal here (the model's crash, at `time`)
  };
  Kind kind = Kind::kMark;
  sim::Time time;       // the runtime's time when it was applied
  int64_t wall_ms = 0;  // the system clock when it was written (how long a restart took)
  uint32_t channel = 0;
  uint64_t call = 0;
  int outcome = 0;  // DeliveryOutcome
  int status = 0;   // HTTP status of an answer
  int64_t unix_s = 0;
  std::string method;
  std::string target;
  std::string signature;
  std::string body;
};

class Journal {
 public:
  // Opens or creates the database at `path`. `fingerprint` names what produced the journal (the
  // scenario's text, its overrides and seed): replaying it into another design would build a
  // state that never existed, so a mismatch is refused. nullptr and `*error` on failure.
  static std::unique_ptr<Journal> open(const std::string& path, const std::string& fingerprint,
                                       bool durable_sync, std::string* error);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Every entry in the order written. Returns false and sets `*error` if the file cannot be
  // read; stops early when `fn` returns false.
  bool read(const std::function<bool(const JournalEntry&)>& fn, std::string* error);
  uint64_t entries() const { return entries_; }

  // Adds an entry to the open transaction (begun if none).
  void append(const JournalEntry& entry);
  // The write-ahead barrier: a mark if the runtime moved since the last entry, then commit.
  void barrier(sim::Time now);

  // What happens when SQLite cannot write (a full disk): the service must not go on, since what
  // it does next could not be recovered. By default the process prints the error and exits 1.
  void set_on_failure(std::function<void(const std::string&)> fn) { on_failure_ = std::move(fn); }

 private:
  explicit Journal(sqlite3* db) : db_(db) {}
  bool exec(const char* sql, std::string* error);
  void fail(const std::string& what);

  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  bool in_transaction_ = false;
  sim::Time last_time_;
  uint64_t entries_ = 0;
  std::function<void(const std::string&)> on_failure_;
};

// FNV-1a 64 of `text` (sim::purpose), 16 hex digits: a stable fingerprint (std::hash is not
// stable across builds).
std::string fingerprint_of(std::string_view text);

}  // namespace live
