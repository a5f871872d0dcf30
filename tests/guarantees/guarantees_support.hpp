// Support for the guarantees tests: `ledger project` as a child process (started, killed with
// SIGKILL, stopped with SIGTERM, its log read back), a paced background producer, a reference
// (uninterrupted, in-process) run, and the table-by-table comparison of the two results.
//
// Owns nothing shared: every function takes the broker, database and schema it works on, so the
// same helpers serve the fixture services and a test's private broker and PostgreSQL.
// Thread safety: a PacedProducer runs its own thread; everything else is for one thread.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "ledger/local/process/process.hpp"
#include "ledger/testing/database.hpp"
#include "ledger/testing/mixed_log.hpp"

namespace ledger::guarantees {

using testing::RawRecord;

// A child process (local/process) whose stdout and stderr are appended to `log_path`. The
// destructor SIGKILLs and reaps a child still running, so a failing test leaves nothing behind.
class ChildProcess : public local::process::Child {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path);
  const std::string& log_path() const { return log_path_; }
  // SIGKILL, then reap. Returns false when the child had already exited by itself.
  bool kill_hard() { return kill(); }
  // The whole log so far.
  std::string log() const;

 private:
  std::string log_path_;
};

// Runs `ledger <args...>` to completion (bounded by `timeout_ms`); returns its exit status and
// appends its output to `log_path`.
int run_ledger(const std::vector<std::string>& args, const std::string& log_path, int timeout_ms);

// Arguments for `ledger project` against `bootstrap`/`topic`, database `uri`, schema, group.
std::vector<std::string> project_argv(const std::string& bootstrap, const std::string& topic,
                                      const std::string& uri, const std::string& schema,
                                      const std::string& group, int batch_events_max,
                                      const std::vector<std::string>& extra = {});

// Publishes records to `topic` on `bootstrap` from a background thread at about
// `records_per_s`, key = agent id, timestamp = the record's. Idempotent producer: retries across
// a broker restart never duplicate. finish() waits for every delivery (bounded).
class PacedProducer {
 public:
  PacedProducer(const std::string& bootstrap, const std::string& topic,
                std::vector<RawRecord> records, int records_per_s);
  ~PacedProducer();
  PacedProducer(const PacedProducer&) = delete;
  PacedProducer& operator=(const PacedProducer&) = delete;

  std::int64_t produced() const { return produced_.load(); }
  std::int64_t total() const { return static_cast<std::int64_t>(records_.size()); }
  // Joins the thread and flushes; throws std::runtime_error when not every record was delivered
  // within `timeout_ms`.
  void finish(int timeout_ms);

 private:
  void run();
  std::vector<RawRecord> records_;
  int records_per_s_;
  std::string topic_;
  std::unique_ptr<testing::RawProducer> producer_;
  std::atomic<std::int64_t> produced_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

using testing::migrate_schema;

// testing::committed_sum, or -1 while PostgreSQL cannot be reached (during an outage).
inline std::int64_t committed_sum(const std::string& uri, const std::string& schema,
                                  const std::string& group) {
  return testing::committed_sum(uri, schema, group).value_or(-1);
}

// Polls committed_sum until it reaches `target` (true) or `timeout_ms` passes (false). Fails
// early (false) when `watched` is given and exits.
bool wait_committed(const std::string& uri, const std::string& schema, const std::string& group,
                    std::int64_t target, int timeout_ms, ChildProcess* watched = nullptr);

// The uninterrupted run: an in-process projector over the whole topic into `schema` (migrated
// here), group `group`, until caught up (bounded).
void reference_run(const std::string& bootstrap, const std::string& topic, const std::string& uri,
                   const std::string& schema, const std::string& group);

// Renames consumer group `from` to `to` in <schema>.consumer_offsets (a reference run reads
// under its own group so it never waits for a test's killed members; its offsets are then
// compared under the test's group name).
void rename_group(const std::string& uri, const std::string& schema, const std::string& from,
                  const std::string& to);

// compare_schemas(expected, actual) in `uri`: "" when every table is equal row for row (wall
// clock columns excluded), else a description of the differences.
std::string compare(const std::string& uri, const std::string& expected_schema,
                    const std::string& actual_schema);

// Row count of <schema>.<table>.
std::int64_t row_count(const std::string& uri, const std::string& schema, const std::string& table);

// Rows that share a key which must be unique in one correct run: archive (partition, offset),
// processed_events event_id, fills fill ids. 0 when none.
std::int64_t duplicate_keys(const std::string& uri, const std::string& schema);

// A directory for one test's logs and private services under $LEDGER_TEST_STATE_DIR.
std::string work_dir(const std::string& name);

// Seed for random schedules: $LEDGER_TORTURE_SEED, else from the clock (print it).
std::uint64_t schedule_seed();

}  // namespace ledger::guarantees
