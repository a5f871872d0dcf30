// Replay and the history tables' policies on TimescaleDB (these tests skip on PostgreSQL without
// it; they run as timescaledb.ReplayHistory.* on the "timescaledb" fixture): the swap hands the
// compression and retention jobs over to the schema swapped in; verify and swap keep to the
// retention horizon.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "ledger/projector/replay/replay.hpp"
#include "ledger/testing/services.hpp"
#include "replay_support.hpp"

namespace ledger::projector {
namespace {

using namespace ledger::replay_testing;

std::string fmt_call(int job_id) { return "CALL run_job(" + std::to_string(job_id) + ")"; }

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

// Runs every retention job of `schema` now (CALL run_job), as TimescaleDB's scheduler would.
void run_retention_jobs(const std::string& uri, const std::string& schema) {
  pqxx::connection connection(uri);
  std::vector<int> ids;
  {
    pqxx::read_transaction tx(connection);
    for (const pqxx::row& row :
         tx.exec_params("SELECT job_id FROM timescaledb_information.jobs "
                        "WHERE hypertable_schema = $1 AND proc_name = 'policy_retention'",
                        schema)) {
      ids.push_back(row[0].as<int>());
    }
  }
  for (const int id : ids) pqxx::nontransaction(connection).exec0(fmt_call(id));
}

TEST(ReplayHistory, VerifyAndSwapKeepToTheRetentionHorizon) {
  const std::string uri = migrated_database("replay_retention");
  if (!has_timescaledb(uri)) GTEST_SKIP() << "TimescaleDB is not installed in this database";
  if (count(uri,
            "SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_schema = "
            "'ledger' AND hypertable_name = 'heartbeats' AND proc_name = 'policy_retention'") ==
      0) {
    GTEST_SKIP() << "no retention policy on heartbeats (TimescaleDB without its policies)";
  }
  // The mixed log's events occurred on 2026-01-01, older than heartbeats' 30 days.
  const std::string topic = ledger::testing::create_topic("replay.retention", 2);
  produce(topic, mixed_run(16, 800, 2));
  project_live(topic, uri, "ledger");
  const std::int64_t heartbeats = count(uri, "SELECT count(*) FROM ledger.heartbeats");
  ASSERT_GT(heartbeats, 0);
  ASSERT_EQ(count(uri,
                  "SELECT count(*) FROM ledger.heartbeats "
                  "WHERE occurred_at >= now() - interval '30 days'"),
            0);
  run_retention_jobs(uri, "ledger");
  ASSERT_EQ(count(uri, "SELECT count(*) FROM ledger.heartbeats"), 0);

  // verify: the expired rows are neither missing nor extra; what was left out is said.
  const std::atomic<bool> stop{false};
  ReplayResult verified = replay(replay_options(topic, uri, ReplayMode::kVerify), stop);
  EXPECT_TRUE(verified.differences.empty()) << describe_differences(verified.differences);
  const auto window =
      std::find_if(verified.retention.begin(), verified.retention.end(),
                   [](const RetentionWindow& w) { return w.table == "heartbeats"; });
  ASSERT_NE(window, verified.retention.end()) << describe_retention(verified.retention);
  EXPECT_EQ(window->retention, "30 days");
  EXPECT_EQ(window->time_column, "occurred_at");
  EXPECT_EQ(window->dropped, heartbeats);
  EXPECT_EQ(window->skipped, 0);
  EXPECT_NE(describe_retention(verified.retention)
                .find("heartbeats: compared rows newer than " + window->since +
                      " (retention 30 days); skipped 0 older"),
            std::string::npos)
      << describe_retention(verified.retention);

  // A swap does not put them back.
  const ReplayResult swapped = replay(replay_options(topic, uri, ReplayMode::kSwap), stop);
  ASSERT_FALSE(swapped.old_schema.empty());
  EXPECT_EQ(count(uri, "SELECT count(*) FROM ledger.heartbeats"), 0);
  EXPECT_GT(count(uri, "SELECT count(*) FROM ledger.event_archive"), 0);
  verified = replay(replay_options(topic, uri, ReplayMode::kVerify), stop);
  EXPECT_TRUE(verified.differences.empty()) << describe_differences(verified.differences);
}

}  // namespace
}  // namespace ledger::projector
