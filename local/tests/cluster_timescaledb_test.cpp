// `ledger db start` and TimescaleDB: the choice a cluster keeps, the settings it runs with, and
// what `ledger migrate` makes of the full and of the Apache-only edition. Each test has its own
// throwaway cluster. Where TimescaleDB is not installed, asking for it must fail and say how to
// install it (scripts/setup installs it when ../shared/third_party is beside the repository).
#include <pqxx/pqxx>

#include "cluster_test_support.hpp"
#include "ledger/schema/backend.hpp"
#include "ledger/schema/migrator.hpp"

namespace ledger::local {
namespace {

std::string show(const std::string& uri, const std::string& setting) {
  pqxx::connection connection(uri);
  pqxx::nontransaction tx(connection);
  return tx.exec1("SELECT coalesce(current_setting('" + setting + "', true), '')")[0]
      .as<std::string>();
}

long count(const std::string& uri, const std::string& sql) {
  pqxx::connection connection(uri);
  pqxx::nontransaction tx(connection);
  return tx.exec1(sql)[0].as<long>();
}

// Migrates schema `ledger` of the cluster's `postgres` database; returns its backend.
schema::BackendInfo migrate_ledger(const std::string& uri) {
  pqxx::connection connection(uri);
  schema::MigrateOptions options;
  schema::MigrateResult result;
  std::string error;
  EXPECT_TRUE(schema::migrate(connection, options, result, error)) << error;
  return schema::describe_backend(connection);
}

using LocalClusterTimescaleDb = LocalCluster;

TEST_F(LocalClusterTimescaleDb, WithoutItTheChoiceIsKeptAndMigrateUsesPgPartman) {
  options_.timescaledb = false;
  LocalClusterStatus status;
  std::string error;
  ASSERT_TRUE(start_local_cluster(options_, status, error)) << error;
  EXPECT_FALSE(status.timescaledb);
  EXPECT_EQ(first_line(fs::path(options_.state_dir) / "postgres" / "timescaledb"), "off");
  EXPECT_EQ(show(status.uri, "shared_preload_libraries"), "");

  // A later start without a choice keeps "off", even where TimescaleDB is installed.
  ASSERT_TRUE(stop_local_cluster(options_, status, error)) << error;
  options_.timescaledb.reset();
  ASSERT_TRUE(start_local_cluster(options_, status, error)) << error;
  EXPECT_FALSE(status.timescaledb);
  const schema::BackendInfo backend = migrate_ledger(status.uri);
  EXPECT_EQ(backend.name, "pg_partman");
  EXPECT_TRUE(backend.policies);
  EXPECT_NE(backend.summary.find("pg_partman"), std::string::npos) << backend.summary;
}

TEST_F(LocalClusterTimescaleDb, BadServerSettingIsRefusedByName) {
  options_.timescaledb = false;
  options_.settings = {"work_mem=64MB", "no equals sign"};
  LocalClusterStatus status;
  std::string error;
  EXPECT_FALSE(start_local_cluster(options_, status, error));
  EXPECT_NE(error.find("'no equals sign' is not name=value"), std::string::npos) << error;
  EXPECT_FALSE(local_cluster_status(options_).running);

  options_.settings = {"work_mem=64MB"};
  ASSERT_TRUE(start_local_cluster(options_, status, error)) << error;
  EXPECT_EQ(show(status.uri, "work_mem"), "64MB");
}

TEST_F(LocalClusterTimescaleDb, FullEditionPreloadedWithTelemetryOffAndPolicies) {
  options_.timescaledb = true;
  LocalClusterStatus status;
  std::string error;
  if (!timescaledb_installed(options_.bin_dir)) {
    EXPECT_FALSE(start_local_cluster(options_, status, error));
    EXPECT_NE(error.find("scripts/timescaledb"), std::string::npos) << error;
    return;
  }
  ASSERT_TRUE(start_local_cluster(options_, status, error)) << error;
  EXPECT_TRUE(status.timescaledb);
  EXPECT_EQ(show(status.uri, "shared_preload_libraries"), "timescaledb");
  EXPECT_EQ(show(status.uri, "timescaledb.telemetry_level"), "off");
  EXPECT_EQ(show(status.uri, "max_worker_processes"), "32");

  // The choice is kept: a restart without one preloads it again.
  ASSERT_TRUE(stop_local_cluster(options_, status, error)) << error;
  options_.timescaledb.reset();
  ASSERT_TRUE(start_local_cluster(options_, status, error)) << error;
  EXPECT_TRUE(status.timescaledb);

  const schema::BackendInfo backend = migrate_ledger(status.uri);
  EXPECT_EQ(backend.name, "timescaledb");
  EXPECT_EQ(backend.version, "2.28.3");
  EXPECT_TRUE(backend.policies);
  EXPECT_GE(count(status.uri,
                  "SELECT count(*) FROM timescaledb_information.hypertables"
                  " WHERE hypertable_schema = 'ledger'"),
            3);
  EXPECT_GE(count(status.uri,
                  "SELECT count(*) FROM timescaledb_information.jobs"
                  " WHERE proc_name = 'policy_compression' AND hypertable_schema = 'ledger'"),
            3);
  EXPECT_GE(count(status.uri,
                  "SELECT count(*) FROM timescaledb_information.jobs"
                  " WHERE proc_name = 'policy_retention' AND hypertable_schema = 'ledger'"),
            1);
}

TEST_F(LocalClusterTimescaleDb, ApacheOnlyEditionMigratesToHypertablesWithoutPolicies) {
  if (!timescaledb_installed(options_.bin_dir)) {
    GTEST_SKIP() << "TimescaleDB is not installed (scripts/timescaledb)";
  }
  options_.timescaledb = true;
  options_.settings = {"timescaledb.license=apache"};
  LocalClusterStatus status;
  std::string error;
  ASSERT_TRUE(start_local_cluster(options_, status, error)) << error;
  EXPECT_EQ(show(status.uri, "timescaledb.license"), "apache");

  const schema::BackendInfo backend = migrate_ledger(status.uri);
  EXPECT_EQ(backend.name, "timescaledb");
  EXPECT_FALSE(backend.policies);
  EXPECT_NE(backend.summary.find("Apache-only"), std::string::npos) << backend.summary;
  EXPECT_GE(count(status.uri,
                  "SELECT count(*) FROM timescaledb_information.hypertables"
                  " WHERE hypertable_schema = 'ledger'"),
            3);
  EXPECT_EQ(count(status.uri,
                  "SELECT count(*) FROM timescaledb_information.jobs"
                  " WHERE hypertable_schema = 'ledger'"),
            0);
  // The tables take rows as on any backend.
  EXPECT_EQ(count(status.uri, "SELECT count(*) FROM ledger.event_archive"), 0);
}

}  // namespace
}  // namespace ledger::local
