// Replay and the history tables' policies on TimescaleDB (these tests skip on PostgreSQL without
// it; they run as timescaledb.ReplayHistory.* on the "timescaledb" fixture): the swap hands the
// compression and retention jobs over to the schema swapped in.
#include <gtest/gtest.h>

#include <atomic>
#include <pqxx/pqxx>

#include "ledger/projector/replay/replay.hpp"
#include "ledger/testing/services.hpp"
#include "replay_support.hpp"

namespace ledger::projector {
namespace {

using namespace ledger::replay_testing;

bool has_timescaledb(const std::string& uri) {
  return count(uri, "SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'") > 0;
}

// Compression and retention jobs of `schema`'s hypertables (only the scheduled ones with true).
std::int64_t history_jobs(const std::string& uri, const std::string& schema,
                          bool scheduled_only = false) {
  pqxx::connection connection(uri);
  pqxx::read_transaction tx(connection);
  return tx
      .exec_params1(
          "SELECT count(*) FROM timescaledb_information.jobs "
          "WHERE hypertable_schema = $1 AND (scheduled OR NOT $2) "
          "  AND proc_name IN ('policy_compression', 'policy_retention')",
          schema, scheduled_only)[0]
      .as<std::int64_t>();
}

TEST(ReplayHistory, SwapPausesTheOldSchemasJobsAndTheNewLiveSchemaHasItsOwn) {
  const std::string uri = migrated_database("replay_jobs");
  if (!has_timescaledb(uri)) GTEST_SKIP() << "TimescaleDB is not installed in this database";
  const std::int64_t jobs = history_jobs(uri, "ledger");
  if (jobs == 0) GTEST_SKIP() << "TimescaleDB without its policies (Apache-only edition)";
  // One compression policy per hypertable, and the retention policies the migrations set.
  EXPECT_EQ(count(uri,
                  "SELECT count(*) FROM timescaledb_information.hypertables "
                  "WHERE hypertable_schema = 'ledger'"),
            history_jobs(uri, "ledger") -
                count(uri,
                      "SELECT count(*) FROM timescaledb_information.jobs "
                      "WHERE hypertable_schema = 'ledger' AND proc_name = 'policy_retention'"));
  const std::string topic = ledger::testing::create_topic("replay.jobs", 2);
  produce(topic, mixed_run(15, 600, 2));
  project_live(topic, uri, "ledger");

  const std::atomic<bool> stop{false};
  const ReplayResult result = replay(replay_options(topic, uri, ReplayMode::kSwap), stop);
  ASSERT_FALSE(result.old_schema.empty());
  // The schema swapped out keeps its jobs, paused; the one swapped in runs as many.
  EXPECT_EQ(history_jobs(uri, result.old_schema), jobs);
  EXPECT_EQ(history_jobs(uri, result.old_schema, true), 0);
  EXPECT_EQ(history_jobs(uri, "ledger"), jobs);
  EXPECT_EQ(history_jobs(uri, "ledger", true), jobs);
  // Per hypertable and policy, the new live schema has the old one's (same config).
  EXPECT_EQ(count(uri,
                  "SELECT count(*) FROM timescaledb_information.jobs o "
                  "JOIN timescaledb_information.jobs n USING (hypertable_name, proc_name) "
                  "WHERE o.hypertable_schema = '" +
                      result.old_schema +
                      "' AND n.hypertable_schema = 'ledger' AND n.scheduled "
                      "AND o.config - 'hypertable_id' = n.config - 'hypertable_id'"),
            jobs);
}

}  // namespace
}  // namespace ledger::projector
