#include "replay_schema.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "ledger/projector/sql_text.hpp"
#include "ledger/schema/migrator.hpp"

namespace ledger::projector::replay_schema {

bool schema_exists(pqxx::connection& connection, const std::string& schema) {
  pqxx::read_transaction tx(connection);
  return tx.exec_params1("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema)[0]
      .as<bool>();
}

void create_target(pqxx::connection& connection, const std::string& target) {
  if (schema_exists(connection, target)) {
    throw std::runtime_error("schema '" + target +
                             "' exists already (a previous replay?): drop it or choose another "
                             "--target-schema");
  }
  schema::MigrateOptions options;
  options.schema = target;
  schema::MigrateResult result;
  std::string error;
  if (!schema::migrate(connection, options, result, error)) {
    throw std::runtime_error("migrating the rebuild schema '" + target + "': " + error);
  }
}

namespace {

// The tables whose keys the rebuild's writes use while it loads: ON CONFLICT upserts
// (write_state.cpp, Store::advance_offsets) and DELETE-by-key replacements (books_write.cpp).
// Their keys stay; every other index is deferred. The tables are small (one row per agent,
// order, stream...); the append-only tables that dominate a rebuild are not among them.
constexpr const char* kKeysKept[] = {"consumer_offsets",
                                     "agent_streams",
                                     "agents",
                                     "agent_status",
                                     "strategies",
                                     "orders",
                                     "positions",
                                     "accounting_state",
                                     "performance_summary",
                                     "strategy_performance",
                                     "schema_migrations"};

}  // namespace

std::vector<DeferredIndex> defer_indexes(pqxx::connection& connection, const std::string& target) {
  pqxx::work tx(connection, "replay defer indexes");
  const std::vector<std::string> kept(std::begin(kKeysKept), std::end(kKeysKept));
  // Top-level indexes only: a partitioned table's index covers its partitions' (and a
  // hypertable's its chunks').
  const pqxx::result result = tx.exec_params(
      "SELECT quote_ident(n.nspname) || '.' || quote_ident(t.relname), ix.relname, "
      "       c.conname, pg_get_indexdef(i.indexrelid), pg_get_constraintdef(c.oid), "
      "       quote_ident(n.nspname) || '.' || quote_ident(ix.relname), t.relname "
      "  FROM pg_index i "
      "  JOIN pg_class ix ON ix.oid = i.indexrelid "
      "  JOIN pg_class t ON t.oid = i.indrelid "
      "  JOIN pg_namespace n ON n.oid = t.relnamespace "
      "  LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = t.oid "
      " WHERE n.nspname = $1 AND NOT t.relispartition AND t.relkind IN ('r', 'p') "
      "   AND NOT (c.oid IS NOT NULL AND t.relname = ANY($2::text[])) "
      " ORDER BY t.relname, ix.relname",
      target, text_array(kept));
  std::vector<DeferredIndex> deferred;
  for (const pqxx::row& row : result) {
    DeferredIndex index;
    index.table = row[0].c_str();
    index.name = row[1].c_str();
    index.table_name = row[6].c_str();
    if (!row[2].is_null()) {
      const std::string constraint = tx.quote_name(row[2].c_str());
      index.drop_sql = "ALTER TABLE " + index.table + " DROP CONSTRAINT " + constraint;
      index.create_sql =
          "ALTER TABLE " + index.table + " ADD CONSTRAINT " + constraint + " " + row[4].c_str();
    } else {
      index.drop_sql = std::string("DROP INDEX ") + row[5].c_str();
      index.create_sql = row[3].c_str();
      // A partitioned table's index reads "ON ONLY <table>", which would make an invalid index
      // without its partitions' ones; created plainly it cascades to every partition.
      const std::size_t only = index.create_sql.find(" ON ONLY ");
      if (only != std::string::npos) index.create_sql.erase(only + 3, 5);
    }
    tx.exec0(index.drop_sql);
    deferred.push_back(std::move(index));
  }
  tx.commit();
  return deferred;
}

void build_indexes(const std::string& db_uri, std::vector<DeferredIndex> indexes, int connections,
                   const std::function<void(std::size_t done)>& built) {
  {
    // Largest tables first: the longest sorts start first and the sessions finish together.
    pqxx::connection connection(db_uri);
    pqxx::read_transaction tx(connection);
    std::map<std::string, std::int64_t> bytes;
    for (const DeferredIndex& index : indexes) {
      if (bytes.count(index.table) != 0) continue;
      bytes[index.table] = tx.exec_params1(
                                 "SELECT coalesce(sum(pg_relation_size(relid)), 0)::bigint "
                                 "FROM pg_partition_tree($1::regclass)",
                                 index.table)[0]
                               .as<std::int64_t>();
    }
    std::stable_sort(indexes.begin(), indexes.end(),
                     [&](const DeferredIndex& a, const DeferredIndex& b) {
                       return bytes[a.table] > bytes[b.table];
                     });
  }
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::mutex mutex;
  std::exception_ptr failure;
  auto worker = [&] {
    try {
      pqxx::connection connection(db_uri);
      pqxx::nontransaction(connection)
          .exec0("SET maintenance_work_mem = '256MB'; SET max_parallel_maintenance_workers = 0");
      for (std::size_t i = next++; i < indexes.size(); i = next++) {
        {
          const std::lock_guard<std::mutex> lock(mutex);
          if (failure) return;
        }
        pqxx::work tx(connection, "replay build index");
        tx.exec0(indexes[i].create_sql);
        tx.commit();
        const std::size_t count = ++done;
        if (built) {
          const std::lock_guard<std::mutex> lock(mutex);
          built(count);
        }
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex);
      if (!failure) failure = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  const int count = std::clamp(connections, 1, 8);
  for (int i = 1; i < count; ++i) threads.emplace_back(worker);
  worker();
  for (std::thread& thread : threads) thread.join();
  if (failure) std::rethrow_exception(failure);
}

OffsetMap archived_next(pqxx::connection& connection, const std::string& schema,
                        const std::string& topic, const std::vector<std::int32_t>& partitions) {
  OffsetMap next;
  pqxx::read_transaction tx(connection);
  const std::string sql = "SELECT max(kafka_offset) + 1 FROM " + tx.quote_name(schema) +
                          ".event_archive WHERE kafka_topic = $1 AND kafka_partition = $2";
  for (const std::int32_t partition : partitions) {
    const pqxx::row row = tx.exec_params1(sql, topic, partition);
    if (!row[0].is_null()) next[partition] = row[0].as<std::int64_t>();
  }
  return next;
}

std::int64_t copy_archive(const std::string& db_uri, const std::string& live,
                          const std::string& target, const std::string& topic,
                          const OffsetMap& below) {
  if (below.empty()) return 0;
  pqxx::connection connection(db_uri);
  pqxx::work tx(connection, "replay copy archive");
  tx.exec0("SET LOCAL synchronous_commit TO off");
  const std::string q_target = tx.quote_name(target) + ".event_archive";
  // The target's columns by name (the live schema has them all: same migrations).
  const std::string columns =
      tx.exec_params1(
            "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) "
            "FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 "
            "AND NOT attisdropped",
            q_target)[0]
          .c_str();
  std::vector<std::string> partitions;
  std::vector<std::string> offsets;
  for (const auto& [partition, offset] : below) {
    partitions.push_back(std::to_string(partition));
    offsets.push_back(std::to_string(offset));
  }
  const pqxx::result result = tx.exec_params(
      "INSERT INTO " + q_target + " (" + columns + ") SELECT " + columns + " FROM " +
          tx.quote_name(live) +
          ".event_archive a JOIN unnest($2::integer[], $3::bigint[]) AS b(kafka_partition, "
          "below) USING (kafka_partition) WHERE a.kafka_topic = $1 AND a.kafka_offset < b.below",
      topic, text_array(partitions), text_array(offsets));
  tx.commit();
  return static_cast<std::int64_t>(result.affected_rows());
}

OffsetMap committed_offsets(pqxx::connection& connection, const std::string& schema,
                            const std::string& group, const std::string& topic) {
  OffsetMap offsets;
  pqxx::read_transaction tx(connection);
  for (const pqxx::row& row :
       tx.exec_params("SELECT kafka_partition, next_offset FROM " + tx.quote_name(schema) +
                          ".consumer_offsets WHERE consumer_group = $1 AND kafka_topic = $2",
                      group, topic)) {
    offsets[row[0].as<std::int32_t>()] = row[1].as<std::int64_t>();
  }
  return offsets;
}

namespace {

bool has_timescaledb(pqxx::transaction_base& tx) {
  return tx.exec1("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')")[0]
      .as<bool>();
}

// TimescaleDB, after the renames: the jobs follow their hypertables, so the schema swapped out
// (`old`) still runs its compression and retention policies: they are paused (an inspection copy
// that compresses and drops chunks under its reader is no copy; DROP SCHEMA removes them). The
// schema swapped in (`live`) got its own from the migrations; a policy the previous live schema
// had that it lacks is added with that policy's config, so every hypertable keeps its jobs.
void hand_over_history_jobs(pqxx::work& tx, const std::string& live, const std::string& old) {
  if (!has_timescaledb(tx)) return;
  const pqxx::result jobs = tx.exec_params(
      "SELECT j.job_id, j.scheduled, j.proc_name, "
      "       quote_ident($2) || '.' || quote_ident(j.hypertable_name), "
      "       coalesce(j.config->>'compress_after', j.config->>'drop_after'), "
      "       EXISTS (SELECT 1 FROM timescaledb_information.jobs n "
      "                WHERE n.hypertable_schema = $2 AND n.hypertable_name = j.hypertable_name "
      "                  AND n.proc_name = j.proc_name) "
      "  FROM timescaledb_information.jobs j "
      " WHERE j.hypertable_schema = $1 "
      "   AND j.proc_name IN ('policy_compression', 'policy_retention') "
      " ORDER BY j.job_id",
      old, live);
  for (const pqxx::row& job : jobs) {
    if (job[1].as<bool>()) {
      tx.exec_params("SELECT alter_job($1, scheduled => false)", job[0].as<std::int32_t>());
    }
    if (job[5].as<bool>() || job[4].is_null()) continue;
    const bool compression = std::string(job[2].c_str()) == "policy_compression";
    tx.exec_params(std::string("SELECT ") +
                       (compression ? "add_compression_policy" : "add_retention_policy") +
                       "($1::regclass, $2::interval)",
                   job[3].c_str(), job[4].c_str());
  }
}

}  // namespace

double swap(pqxx::connection& connection, const std::string& live, const std::string& target,
            const std::string& old, const std::string& group, int lock_timeout_ms) {
  const auto started = std::chrono::steady_clock::now();
  pqxx::work tx(connection, "replay swap");
  const std::string q_live = tx.quote_name(live);
  const std::string q_target = tx.quote_name(target);
  const std::string q_old = tx.quote_name(old);
  tx.exec0("SET LOCAL lock_timeout = " + std::to_string(lock_timeout_ms));
  try {
    tx.exec0("LOCK TABLE " + q_live + ".consumer_offsets IN ACCESS EXCLUSIVE MODE");
  } catch (const pqxx::sql_error& e) {
    throw std::runtime_error("swap: could not lock " + live + ".consumer_offsets within " +
                             std::to_string(lock_timeout_ms) + " ms: " + e.what());
  }
  tx.exec_params0("INSERT INTO " + q_target +
                      ".consumer_offsets (consumer_group, kafka_topic, kafka_partition, "
                      "next_offset) "
                      "SELECT DISTINCT l.consumer_group, r.kafka_topic, r.kafka_partition, "
                      "       r.next_offset "
                      "  FROM " +
                      q_live + ".consumer_offsets l JOIN " + q_target +
                      ".consumer_offsets r ON r.kafka_topic = l.kafka_topic "
                      "   AND r.consumer_group = $1 "
                      " WHERE l.consumer_group <> $1 ON CONFLICT DO NOTHING",
                  group);
  tx.exec0("ALTER SCHEMA " + q_live + " RENAME TO " + q_old);
  tx.exec_params("SELECT " + q_old + ".rename_history_schema($1, $2)", live, old);
  tx.exec0("ALTER SCHEMA " + q_target + " RENAME TO " + q_live);
  tx.exec_params("SELECT " + q_live + ".rename_history_schema($1, $2)", target, live);
  hand_over_history_jobs(tx, live, old);
  tx.commit();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
      .count();
}

std::vector<RetentionWindow> retention_windows(pqxx::connection& connection,
                                               const std::string& live) {
  pqxx::read_transaction tx(connection);
  const pqxx::row backend = tx.exec1(
      "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'), "
      "       EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_partman')");
  std::string sql;
  if (backend[0].as<bool>()) {
    // Scheduled jobs only: a paused policy drops nothing. Interval drop_after (time columns).
    sql =
        "SELECT j.hypertable_name, d.column_name, j.config->>'drop_after', "
        "       (now() - (j.config->>'drop_after')::interval)::text "
        "  FROM timescaledb_information.jobs j "
        "  JOIN timescaledb_information.dimensions d "
        "    ON d.hypertable_schema = j.hypertable_schema "
        "   AND d.hypertable_name = j.hypertable_name AND d.dimension_number = 1 "
        " WHERE j.proc_name = 'policy_retention' AND j.hypertable_schema = $1 AND j.scheduled "
        "   AND jsonb_typeof(j.config->'drop_after') = 'string' "
        " ORDER BY 1";
  } else if (backend[1].as<bool>()) {
    sql =
        "SELECT split_part(parent_table, '.', 2), control, retention, "
        "       (now() - retention::interval)::text "
        "  FROM partman.part_config "
        " WHERE split_part(parent_table, '.', 1) = $1 AND retention IS NOT NULL "
        " ORDER BY 1";
  } else {
    return {};
  }
  std::vector<RetentionWindow> windows;
  for (const pqxx::row& row : tx.exec_params(sql, live)) {
    RetentionWindow window;
    window.table = row[0].c_str();
    window.time_column = row[1].c_str();
    window.retention = row[2].c_str();
    window.since = row[3].c_str();
    windows.push_back(std::move(window));
  }
  return windows;
}

void drop_expired(pqxx::connection& connection, const std::string& target,
                  std::vector<RetentionWindow>& windows) {
  pqxx::work tx(connection, "replay drop expired");
  for (RetentionWindow& window : windows) {
    const pqxx::result deleted =
        tx.exec_params("DELETE FROM " + tx.quote_name(target) + "." + tx.quote_name(window.table) +
                           " WHERE " + tx.quote_name(window.time_column) + " < $1::timestamptz",
                       window.since);
    window.dropped += static_cast<std::int64_t>(deleted.affected_rows());
  }
  tx.commit();
}

void count_expired(pqxx::connection& connection, const std::string& schema,
                   std::vector<RetentionWindow>& windows) {
  pqxx::read_transaction tx(connection);
  for (RetentionWindow& window : windows) {
    window.skipped = tx.exec_params1("SELECT count(*) FROM " + tx.quote_name(schema) + "." +
                                         tx.quote_name(window.table) + " WHERE " +
                                         tx.quote_name(window.time_column) + " < $1::timestamptz",
                                     window.since)[0]
                         .as<std::int64_t>();
  }
}

void drop(pqxx::connection& connection, const std::string& schema) {
  pqxx::work tx(connection, "replay drop");
  const std::string quoted = tx.quote_name(schema);
  tx.exec_params("SELECT " + quoted + ".forget_history_schema($1)", schema);
  tx.exec0("DROP SCHEMA " + quoted + " CASCADE");
  tx.commit();
}

}  // namespace ledger::projector::replay_schema
