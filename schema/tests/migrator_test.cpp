// The migrator against the real PostgreSQL of the ctest fixture "postgres" (pg_partman).
// (The TimescaleDB backend is tested in local/tests/cluster_timescaledb_test.cpp and by the suites
// marked TIMESCALEDB, which run again on the "timescaledb" fixture.)
#include "ledger/schema/migrator.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <thread>

#include "ledger/testing/services.hpp"

namespace ledger::schema {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> history_tables = {"event_archive", "rejects",      "heartbeats",
                                                 "decisions",     "signals",      "order_events",
                                                 "fills",         "system_events"};

std::size_t shipped_migration_count() {
  std::vector<MigrationFile> files;
  std::string error;
  EXPECT_TRUE(load_migrations(default_migrations_dir(), files, error)) << error;
  return files.size();
}

MigrateResult migrate_ok(const std::string& uri, MigrateOptions options = {}) {
  pqxx::connection connection(uri);
  MigrateResult result;
  std::string error;
  EXPECT_TRUE(migrate(connection, options, result, error)) << error;
  EXPECT_EQ(result.backend, "pg_partman");
  return result;
}

std::string migrate_error(const std::string& uri, const MigrateOptions& options) {
  pqxx::connection connection(uri);
  MigrateResult result;
  std::string error;
  EXPECT_FALSE(migrate(connection, options, result, error));
  return error;
}

std::string query_text(const std::string& uri, const std::string& sql) {
  pqxx::connection connection(uri);
  pqxx::nontransaction tx(connection);
  const pqxx::result rows = tx.exec(sql);
  return rows.empty() || rows[0][0].is_null() ? "" : rows[0][0].as<std::string>();
}

// A private copy of the shipped migrations that a test may edit.
class MigrationsCopy {
 public:
  MigrationsCopy()
      : dir_(fs::temp_directory_path() / ("ledger_migrations_" + testing::unique_suffix())) {
    fs::copy(default_migrations_dir(), dir_);
  }
  ~MigrationsCopy() { fs::remove_all(dir_); }
  std::string dir() const { return dir_.string(); }
  fs::path file(const std::string& name) const { return dir_ / name; }

 private:
  fs::path dir_;
};

TEST(Migrator, FreshDatabaseGetsEveryMigration) {
  const std::string uri = testing::create_database("schema_fresh");
  const MigrateResult result = migrate_ok(uri);
  EXPECT_EQ(result.applied.size(), shipped_migration_count());
  EXPECT_TRUE(result.already_applied.empty());
  EXPECT_EQ(query_text(uri, "SELECT count(*) FROM ledger.schema_migrations"),
            std::to_string(shipped_migration_count()));
  for (const char* table : {"consumer_offsets", "agent_streams", "processed_events",
                            "parked_events", "agents", "agent_status", "strategies", "orders"}) {
    EXPECT_EQ(query_text(uri, std::string("SELECT to_regclass('ledger.") + table + "')::text"),
              std::string("ledger.") + table);
  }
}

TEST(Migrator, ReapplyIsANoOp) {
  const std::string uri = testing::create_database("schema_reapply");
  migrate_ok(uri);
  const std::string before =
      query_text(uri, "SELECT string_agg(applied_at::text, ',') FROM ledger.schema_migrations");
  const MigrateResult again = migrate_ok(uri);
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(again.already_applied.size(), shipped_migration_count());
  EXPECT_EQ(
      query_text(uri, "SELECT string_agg(applied_at::text, ',') FROM ledger.schema_migrations"),
      before);
}

TEST(Migrator, DryRunChangesNothing) {
  const std::string uri = testing::create_database("schema_dry");
  MigrateOptions options;
  options.dry_run = true;
  const MigrateResult result = migrate_ok(uri, options);
  EXPECT_EQ(result.applied.size(), shipped_migration_count());
  EXPECT_EQ(query_text(uri, "SELECT to_regnamespace('ledger')::text"), "");
}

TEST(Migrator, TamperedMigrationIsRefusedNamingTheFile) {
  const std::string uri = testing::create_database("schema_tamper");
  MigrationsCopy copy;
  MigrateOptions options;
  options.migrations_dir = copy.dir();
  migrate_ok(uri, options);
  std::ofstream(copy.file("0002_projection_tables.sql"), std::ios::app) << "\n-- edited\n";
  const std::string error = migrate_error(uri, options);
  EXPECT_NE(error.find(copy.file("0002_projection_tables.sql").string()), std::string::npos)
      << error;
  EXPECT_NE(error.find("changed"), std::string::npos) << error;

  pqxx::connection connection(uri);
  std::vector<MigrationState> states;
  std::string status_error;
  ASSERT_TRUE(migration_status(connection, options, states, status_error)) << status_error;
  ASSERT_GE(states.size(), 2u);
  EXPECT_EQ(states[1].state, "changed");
}

TEST(Migrator, MissingAppliedMigrationIsRefused) {
  const std::string uri = testing::create_database("schema_missing");
  MigrationsCopy copy;
  // One extra migration, applied, then deleted.
  std::ofstream(copy.file("0099_extra.sql")) << "CREATE TABLE extra_table (id integer);\n";
  MigrateOptions options;
  options.migrations_dir = copy.dir();
  migrate_ok(uri, options);
  EXPECT_EQ(query_text(uri, "SELECT to_regclass('ledger.extra_table')::text"),
            "ledger.extra_table");
  fs::remove(copy.file("0099_extra.sql"));
  const std::string error = migrate_error(uri, options);
  EXPECT_NE(error.find("0099_extra.sql"), std::string::npos) << error;
  EXPECT_NE(error.find("missing"), std::string::npos) << error;
}

TEST(Migrator, FailingMigrationLeavesNothingOfItself) {
  const std::string uri = testing::create_database("schema_fail");
  MigrationsCopy copy;
  std::ofstream(copy.file("0098_broken.sql"))
      << "CREATE TABLE half_done (id integer);\nSELECT no_such_function();\n";
  MigrateOptions options;
  options.migrations_dir = copy.dir();
  const std::string error = migrate_error(uri, options);
  EXPECT_NE(error.find("0098_broken.sql"), std::string::npos) << error;
  EXPECT_EQ(query_text(uri, "SELECT to_regclass('ledger.half_done')::text"), "");
  EXPECT_EQ(query_text(uri, "SELECT count(*) FROM ledger.schema_migrations WHERE version = 98"),
            "0");
}

TEST(Migrator, ConcurrentMigratesBothSucceedAndApplyOnce) {
  const std::string uri = testing::create_database("schema_concurrent");
  MigrateResult results[2];
  std::string errors[2];
  bool ok[2] = {false, false};
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      try {
        pqxx::connection connection(uri);
        ok[i] = migrate(connection, MigrateOptions{}, results[i], errors[i]);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_TRUE(ok[0]) << errors[0];
  ASSERT_TRUE(ok[1]) << errors[1];
  EXPECT_EQ(results[0].applied.size() + results[1].applied.size(), shipped_migration_count());
  EXPECT_EQ(query_text(uri, "SELECT count(*) FROM ledger.schema_migrations"),
            std::to_string(shipped_migration_count()));
}

TEST(Migrator, EveryHistoryTableIsPartitionedWithADefaultPartition) {
  const std::string uri = testing::create_database("schema_partitions");
  migrate_ok(uri);
  for (const std::string& table : history_tables) {
    SCOPED_TRACE(table);
    EXPECT_EQ(query_text(uri,
                         "SELECT count(*) FROM partman.part_config WHERE parent_table = "
                         "'ledger." +
                             table + "'"),
              "1");
    EXPECT_EQ(query_text(
                  uri, "SELECT relkind FROM pg_class WHERE oid = 'ledger." + table + "'::regclass"),
              "p");
    EXPECT_EQ(query_text(uri, "SELECT to_regclass('ledger." + table + "_default')::text"),
              "ledger." + table + "_default");
  }
  // Rows far outside the premade partitions are accepted by the default partition.
  pqxx::connection connection(uri);
  pqxx::work tx(connection);
  tx.exec0(
      "INSERT INTO ledger.heartbeats (event_id, agent_id, occurred_at, status, kafka_partition,"
      " kafka_offset) VALUES"
      " ('00000000-0000-7000-8000-000000000001', 'a', '1999-01-01T00:00:00Z', 'online', 0, 1),"
      " ('00000000-0000-7000-8000-000000000002', 'a', now() + interval '50 years', 'online', 0, "
      "2)");
  tx.exec0(
      "INSERT INTO ledger.event_archive (event_id, agent_id, event_type, occurred_at,"
      " kafka_topic, kafka_partition, kafka_offset, payload) VALUES"
      " (NULL, NULL, 'undecodable', '1970-01-02T00:00:00Z', 't', 0, 7, '\\x00'::bytea)");
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM ledger.heartbeats_default")[0].as<int>(), 2);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM ledger.event_archive_default")[0].as<int>(), 1);
  tx.commit();
}

// pg_partman: the premade partitions cover the weeks around now without gaps for every interval
// the tables use (1, 7 and 30 days), and upkeep (maintain_history: partition_data_time, then
// run_maintenance) moves older rows out of the default partitions into partitions it creates.
TEST(Migrator, PartitionsCoverNowAndMaintenanceEmptiesTheDefaultPartitions) {
  const std::string uri = testing::create_database("schema_maintenance");
  migrate_ok(uri);
  pqxx::connection connection(uri);
  const std::vector<std::string> tables = {"rejects", "closed_positions", "decisions",
                                           "event_archive"};
  auto insert = [&](pqxx::work& tx, const std::string& at, int offset) {
    const std::string o = std::to_string(offset);
    tx.exec0(
        "INSERT INTO ledger.rejects (kafka_topic, kafka_partition, kafka_offset, reason, "
        "occurred_at) VALUES ('t', 0, " +
        o + ", 'overfill', " + at + ")");
    tx.exec0(
        "INSERT INTO ledger.closed_positions (agent_id, symbol, position_number, side, "
        "entry_avg_price, exit_avg_price, quantity, peak_quantity, opened_at, closed_at, "
        "duration, gross_pnl, fees, net_pnl, outcome, ended_by_flip, fill_count, "
        "decision_ids, order_ids, ids_truncated, event_id, kafka_partition, kafka_offset) "
        "VALUES ('a', 'BTC/USD', " +
        o + ", 'long', 1, 1, 1, 1, " + at + ", " + at +
        ", '0'::interval, 0, 0, 0, 'breakeven', false, 1, '{}', '{}', false, "
        "gen_random_uuid(), 0, " +
        o + ")");
    tx.exec0(
        "INSERT INTO ledger.decisions (decision_id, agent_id, occurred_at, action, symbol, "
        "size_usd, leverage, confidence, event_id, kafka_partition, kafka_offset) VALUES "
        "(gen_random_uuid(), 'a', " +
        at +
        ", 'HOLD', 'BTC/USD', 0, 1, 0.5, "
        "gen_random_uuid(), 0, " +
        o + ")");
    tx.exec0(
        "INSERT INTO ledger.event_archive (event_type, occurred_at, kafka_topic, "
        "kafka_partition, kafka_offset, payload) VALUES ('undecodable', " +
        at + ", 't', 0, " + o + ", '\\x00'::bytea)");
  };
  auto in_default = [&](const std::string& table) {
    pqxx::read_transaction tx(connection);
    return tx.exec1("SELECT count(*) FROM ledger." + table + "_default")[0].as<int>();
  };
  {
    pqxx::work tx(connection);
    for (int day = 0; day <= 3; ++day) {  // the shortest premade range: 4 days ahead
      insert(tx, "now() + interval '" + std::to_string(day) + " days'", day);
    }
    tx.commit();
  }
  for (const std::string& table : tables) EXPECT_EQ(in_default(table), 0) << table;
  {
    pqxx::work tx(connection);
    int offset = 100;
    for (const char* time : {"2025-01-31T23:59:59Z", "2025-02-01T00:00:00Z", "2025-03-31T12:00:00Z",
                             "2025-12-31T23:00:00Z"}) {
      insert(tx, tx.quote(time), offset++);
    }
    tx.commit();
  }
  for (const std::string& table : tables) EXPECT_EQ(in_default(table), 4) << table;
  pqxx::nontransaction(connection).exec0("CALL ledger.maintain_history('ledger')");
  for (const std::string& table : tables) {
    EXPECT_EQ(in_default(table), 0) << table;
    pqxx::read_transaction tx(connection);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM ledger." + table)[0].as<int>(), 8) << table;
  }
}

TEST(Migrator, WriterWritesAndReaderOnlyReads) {
  const std::string uri = testing::create_database("schema_roles");
  migrate_ok(uri);
  EXPECT_EQ(query_text(uri,
                       "SELECT count(*) FROM pg_roles WHERE rolname IN "
                       "('ledger_writer', 'ledger_reader') AND NOT rolcanlogin"),
            "2");
  pqxx::connection connection(uri);
  const std::string insert =
      "INSERT INTO ledger.consumer_offsets (consumer_group, kafka_topic, kafka_partition,"
      " next_offset) VALUES ('g', 't', 0, 5)";
  {
    pqxx::work tx(connection);
    tx.exec0("SET LOCAL ROLE ledger_writer");
    tx.exec0(insert);
    tx.exec0(
        "INSERT INTO ledger.decisions (decision_id, agent_id, occurred_at, action, symbol,"
        " size_usd, leverage, confidence, event_id, kafka_partition, kafka_offset) VALUES"
        " (gen_random_uuid(), 'a', now(), 'HOLD', 'BTC', 0, 1, 0.5, gen_random_uuid(), 0, 1)");
    tx.commit();
  }
  {
    pqxx::work tx(connection);
    tx.exec0("SET LOCAL ROLE ledger_reader");
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM ledger.consumer_offsets")[0].as<int>(), 1);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM ledger.decisions")[0].as<int>(), 1);
    EXPECT_THROW(tx.exec0(insert), pqxx::insufficient_privilege);
  }
  {
    pqxx::work tx(connection);
    tx.exec0("SET LOCAL ROLE ledger_reader");
    EXPECT_THROW(tx.exec0("DELETE FROM ledger.decisions"), pqxx::insufficient_privilege);
  }
}

TEST(Migrator, ReaderLoginCanSelectButNotInsert) {
  const std::string uri = testing::create_database("schema_login");
  migrate_ok(uri);
  const std::string user = "reader_" + testing::unique_suffix();
  {
    pqxx::connection admin(uri);
    std::string error;
    ASSERT_TRUE(ensure_login_role(admin, user, "ledger_reader", "pw-" + user, error)) << error;
    ASSERT_TRUE(ensure_login_role(admin, user, "ledger_reader", "pw2-" + user, error)) << error;
    EXPECT_FALSE(ensure_login_role(admin, user, "postgres", "x", error));
  }
  const std::string host_and_db = uri.substr(uri.find('@'));
  pqxx::connection reader("postgresql://" + user + ":pw2-" + user + host_and_db);
  pqxx::work tx(reader);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM ledger.orders")[0].as<int>(), 0);
  EXPECT_THROW(tx.exec0("INSERT INTO ledger.consumer_offsets (consumer_group, kafka_topic,"
                        " kafka_partition, next_offset) VALUES ('g', 't', 0, 1)"),
               pqxx::insufficient_privilege);
}

TEST(Migrator, SameMigrationsBuildASecondSchema) {
  const std::string uri = testing::create_database("schema_second");
  migrate_ok(uri);
  MigrateOptions rebuild;
  rebuild.schema = "ledger_rebuild";
  // Other folders' migrations add history tables too: compare with the first schema.
  const std::string history_count = query_text(
      uri, "SELECT count(*) FROM partman.part_config WHERE parent_table LIKE 'ledger.%'");
  EXPECT_GE(std::stoul(history_count), history_tables.size());
  const MigrateResult result = migrate_ok(uri, rebuild);
  EXPECT_EQ(result.applied.size(), shipped_migration_count());
  EXPECT_EQ(query_text(uri, "SELECT count(*) FROM ledger_rebuild.schema_migrations"),
            std::to_string(shipped_migration_count()));
  EXPECT_EQ(query_text(uri,
                       "SELECT count(*) FROM partman.part_config WHERE parent_table LIKE "
                       "'ledger_rebuild.%'"),
            history_count);
  EXPECT_EQ(query_text(uri, "SELECT to_regclass('ledger_rebuild.orders')::text"),
            "ledger_rebuild.orders");

  // The replay swap: rename both schemas in one transaction and repoint pg_partman.
  pqxx::connection connection(uri);
  pqxx::work tx(connection);
  tx.exec0("ALTER SCHEMA ledger RENAME TO ledger_old");
  tx.exec("SELECT ledger_old.rename_history_schema('ledger', 'ledger_old')");
  tx.exec0("ALTER SCHEMA ledger_rebuild RENAME TO ledger");
  tx.exec("SELECT ledger.rename_history_schema('ledger_rebuild', 'ledger')");
  tx.commit();
  EXPECT_EQ(query_text(uri,
                       "SELECT count(*) FROM partman.part_config WHERE parent_table LIKE "
                       "'ledger.%'"),
            history_count);
  EXPECT_EQ(query_text(uri,
                       "SELECT count(*) FROM partman.part_config WHERE parent_table LIKE "
                       "'ledger_rebuild.%'"),
            "0");
  // Maintenance still works on the swapped-in schema.
  const MigrateResult after = migrate_ok(uri);
  EXPECT_TRUE(after.applied.empty());
  // The old schema can be dropped and the rebuild name used again.
  {
    pqxx::work drop(connection);
    drop.exec("SELECT ledger_old.forget_history_schema('ledger_old')");
    drop.exec0("DROP SCHEMA ledger_old CASCADE");
    drop.commit();
  }
  EXPECT_EQ(migrate_ok(uri, rebuild).applied.size(), shipped_migration_count());
}

}  // namespace
}  // namespace ledger::schema
