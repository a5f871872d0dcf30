// Store: the projector's PostgreSQL side. One connection (one thread), the per-batch state
// loads (one query per table for exactly the keys a batch touches) and the batch writer.
//
// Promises: write_batch() runs inside the caller's transaction: first the offset fence (every
// partition's stored next_offset must still be the one this projector expects, else
// FencedError and the caller aborts), then COPY for append-only tables and set-based upserts
// (COPY into ON COMMIT DELETE ROWS staging tables, then INSERT ... SELECT ... ON CONFLICT) for
// state tables. Nothing here commits. Needs: connect() before use, and again after
// pqxx::broken_connection. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <vector>

#include "ledger/events/archive_chain.hpp"
#include "ledger/projector/batch_rows.hpp"
#include "ledger/projector/consumer.hpp"
#include "ledger/projector/options.hpp"

namespace ledger::projector {

// The offset a batch moves one partition's consumer_offsets row from and to.
struct OffsetAdvance {
  std::optional<std::int64_t> expected;  // nullopt: no row yet (INSERT ... ON CONFLICT DO NOTHING)
  std::int64_t next = 0;
};

// Another projector moved the offsets: this one lost the partition and must not commit.
// Transient PostgreSQL failures: connection trouble, server shutting down, serialization and
// deadlock aborts, resource limits (retried after a reconnect). Everything else is a data error:
// PostgreSQL refused what was written.
bool is_transient(const pqxx::sql_error& error);

class FencedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Store {
 public:
  explicit Store(const ProjectorOptions& options);

  // (Re)connects, sets search_path to the schema, creates the staging tables. Throws pqxx
  // errors.
  void connect();
  bool connected() const;
  // Drops the connection (after a failure whose state is unknown); connect() makes a new one.
  void disconnect() { connection_.reset(); }
  pqxx::connection& connection() { return *connection_; }

  // consumer_offsets rows of this group and topic for `partitions` (missing: nullopt).
  StoredOffsets load_offsets(const std::vector<std::int32_t>& partitions);
  // Per partition, one past the highest offset in event_archive for this topic.
  std::map<std::int32_t, std::int64_t> load_archived_next(
      const std::vector<std::int32_t>& partitions);

  // Reads orders (with their fills), agents' limits, streams and processed event ids for
  // `keys` into `state` (which the caller cleared).
  void load_state(pqxx::dbtransaction& tx, const BatchKeys& keys, ProjectionState& state);

  // Offset fence, in partition order. Throws FencedError on a mismatch.
  void advance_offsets(pqxx::dbtransaction& tx,
                       const std::map<std::int32_t, OffsetAdvance>& advances);
  // For a rebuild whose archive rows below `below` are copied from `schema` by another session:
  // the archive's hash chain continues from there (archive_chain_rows.hpp).
  void seed_chain_from(const std::string& schema,
                       const std::map<std::int32_t, std::int64_t>& below);

  // Every row of the batch (append-only tables and state tables).
  void write_rows(pqxx::dbtransaction& tx, const BatchRows& rows, const ProjectionState& state);

 private:
  void write_archive(pqxx::dbtransaction& tx, const BatchRows& rows);
  void write_processed(pqxx::dbtransaction& tx, const BatchRows& rows);
  void write_rejects(pqxx::dbtransaction& tx, const BatchRows& rows);
  void write_parked(pqxx::dbtransaction& tx, const BatchRows& rows);
  void write_decisions(pqxx::dbtransaction& tx, const BatchRows& rows);
  void write_signals(pqxx::dbtransaction& tx, const BatchRows& rows);
  void write_heartbeats(pqxx::dbtransaction& tx, const BatchRows& rows);
  void write_fills(pqxx::dbtransaction& tx, const BatchRows& rows);
  void write_order_events(pqxx::dbtransaction& tx, const BatchRows& rows);
  void write_system_events(pqxx::dbtransaction& tx, const BatchRows& rows);
  void upsert_agents(pqxx::dbtransaction& tx, const BatchRows& rows);
  void upsert_agent_status(pqxx::dbtransaction& tx, const BatchRows& rows);
  void upsert_strategies(pqxx::dbtransaction& tx, const BatchRows& rows);
  void upsert_orders(pqxx::dbtransaction& tx, const ProjectionState& state);
  void upsert_streams(pqxx::dbtransaction& tx, const ProjectionState& state);
  void load_orders(pqxx::dbtransaction& tx, const BatchKeys& keys, ProjectionState& state);
  void load_fills(pqxx::dbtransaction& tx, const BatchKeys& keys, ProjectionState& state);

  ProjectorOptions options_;
  std::unique_ptr<pqxx::connection> connection_;
  std::map<std::int32_t, events::ChainTip> chain_seeds_;  // see seed_chain_from
};

}  // namespace ledger::projector
