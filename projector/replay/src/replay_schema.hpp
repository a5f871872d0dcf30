// The schema side of `ledger replay` (projector/src only): creating the rebuild schema, the
// atomic swap, dropping a schema with its pg_partman configuration, reading a schema's offsets.
#pragma once

#include <functional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "ledger/projector/replay/replay.hpp"
#include "replay_source.hpp"

namespace ledger::projector::replay_schema {

bool schema_exists(pqxx::connection& connection, const std::string& schema);
// Applies every migration to the new schema `target`. Throws std::runtime_error when `target`
// exists already or a migration fails.
void create_target(pqxx::connection& connection, const std::string& target);
// An index of the rebuild schema dropped while the rebuild bulk-loads the schema and created
// again afterwards: one sort per index instead of one btree insert per row.
struct DeferredIndex {
  std::string table;       // schema-qualified, quoted
  std::string table_name;  // as in the catalog
  std::string name;        // the index (or its constraint's) name, for messages
  std::string drop_sql;    // DROP INDEX ... | ALTER TABLE ... DROP CONSTRAINT ...
  std::string create_sql;  // CREATE [UNIQUE] INDEX ... | ALTER TABLE ... ADD CONSTRAINT ...
};
// Drops every index of `target` except the keys the rebuild's own writes need (upserts and
// per-key deletes of the current-state tables) and returns what it dropped, in one transaction.
std::vector<DeferredIndex> defer_indexes(pqxx::connection& connection, const std::string& target);
// Creates `indexes` again over `connections` sessions at once (largest tables first); calls
// `built(done)` after each. Throws the first failure (the schema is then incomplete).
void build_indexes(const std::string& db_uri, std::vector<DeferredIndex> indexes, int connections,
                   const std::function<void(std::size_t done)>& built);
// Per partition of `partitions`: one past the highest offset of `topic` in <schema>.event_archive
// (partitions with no rows are left out).
OffsetMap archived_next(pqxx::connection& connection, const std::string& schema,
                        const std::string& topic, const std::vector<std::int32_t>& partitions);
// Copies the archive rows of `topic` below `below` (per partition) from <live>.event_archive to
// <target>.event_archive in one statement on its own session, inside PostgreSQL (the bytes do
// not travel). The rows keep their received_at: the archive records when the ledger first
// received an event, which a rebuild does not change. Returns the rows copied.
std::int64_t copy_archive(const std::string& db_uri, const std::string& live,
                          const std::string& target, const std::string& topic,
                          const OffsetMap& below);
// The next offsets `group` stored in `schema` for `topic`.
OffsetMap committed_offsets(pqxx::connection& connection, const std::string& schema,
                            const std::string& group, const std::string& topic);
// ONE transaction: lock <live>.consumer_offsets (waits for the live projector's batch in flight
// and holds its next one, at most lock_timeout_ms), give every other consumer group of the live
// schema the rebuild's offsets, rename live -> old and target -> live (pg_partman configuration
// follows; on TimescaleDB the old schema's compression and retention jobs are paused and the
// new live schema keeps one per policy the old one had). Returns the transaction's duration in
// ms.
double swap(pqxx::connection& connection, const std::string& live, const std::string& target,
            const std::string& old, const std::string& group, int lock_timeout_ms);
// The history tables of `live` with a retention policy (see RetentionWindow), `since` computed
// now; none without TimescaleDB's policies or pg_partman retention.
std::vector<RetentionWindow> retention_windows(pqxx::connection& connection,
                                               const std::string& live);
// Deletes the rows of `target` older than each window's `since` (adding them to `dropped`).
void drop_expired(pqxx::connection& connection, const std::string& target,
                  std::vector<RetentionWindow>& windows);
// Sets each window's `skipped`: the rows of `schema` older than its `since`.
void count_expired(pqxx::connection& connection, const std::string& schema,
                   std::vector<RetentionWindow>& windows);
// forget_history_schema + DROP SCHEMA ... CASCADE, in one transaction.
void drop(pqxx::connection& connection, const std::string& schema);

}  // namespace ledger::projector::replay_schema
