// The migrator: applies the versioned SQL files schema/migrations/NNNN_name.sql to one schema.
//
// What it promises:
//   * Each migration runs in its own transaction after `SET LOCAL search_path TO <schema>,
//     public`, so the same files build any schema (e.g. `ledger_rebuild` for a replay). It is
//     recorded in <schema>.schema_migrations (version, name, SHA-256 checksum, applied_at) in
//     that same transaction: a migration is applied completely or not at all.
//   * A recorded migration whose file changed (checksum) or disappeared is refused with an
//     error naming the file; nothing is applied then.
//   * Concurrent migrators are safe: extension setup takes a per-database transaction advisory
//     lock, and the migrations of one schema run under a session advisory lock keyed on the
//     schema name (waited for at most lock_wait_ms_max).
//   * Backend detection: TimescaleDB when the extension is installed, or available and
//     preloaded (then created); else pg_partman, created in schema `partman`. Creating
//     extensions needs superuser, so migrate runs as an owner/admin role.
//   * Pending migrations whose version is lower than an applied one are applied too (helpers
//     own disjoint version ranges), in version order.
// Needs from callers: a connection used by nothing else during the call. Not thread-safe per
// connection; independent connections may migrate concurrently.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace pqxx {
class connection_base;
}

namespace ledger::schema {

struct MigrationFile {
  int version = 0;       // NNNN
  std::string name;      // file name, e.g. "0002_projection_tables.sql"
  std::string path;      // full path
  std::string sql;       // content
  std::string checksum;  // SHA-256 of the content, lower-case hex
};

struct MigrateOptions {
  std::string schema = "ledger";   // REQUIRES: is_valid_schema_name(schema)
  std::string migrations_dir;      // empty: default_migrations_dir()
  bool dry_run = false;            // report what would happen, change nothing
  bool maintain_history = true;    // CALL <schema>.maintain_history() after applying
  int lock_wait_ms_max = 120'000;  // bound on waiting for a concurrent migrator
  // Called with one line per step ("applied 0001_foundation.sql (35 ms)"); may be empty.
  std::function<void(const std::string&)> progress;
};

struct MigrateResult {
  std::string backend;                       // "timescaledb" or "pg_partman"
  std::vector<std::string> applied;          // file names applied by this call (or, dry run:
                                             // that would be applied)
  std::vector<std::string> already_applied;  // file names recorded before this call
};

// One line of `ledger migrate --status`.
struct MigrationState {
  int version = 0;
  std::string name;
  std::string state;       // "applied", "pending", "changed", "missing"
  std::string applied_at;  // when applied (text), empty when pending
};

// The migrations directory compiled into the build (schema/migrations).
std::string default_migrations_dir();

// Lists NNNN_name.sql files in `dir` in version order with their checksums. Fails on an
// unreadable dir, a .sql file not named NNNN_name.sql, or two files with one version.
bool load_migrations(const std::string& dir, std::vector<MigrationFile>& files, std::string& error);

// SHA-256 of `data` as lower-case hex.
std::string sha256_hex(const std::string& data);

// Applies pending migrations. Returns false with `error` set (naming the file or the step) on
// any failure; migrations applied before the failure stay applied.
bool migrate(pqxx::connection_base& connection, const MigrateOptions& options,
             MigrateResult& result, std::string& error);

// Compares the recorded migrations with the files, changing nothing. Returns false with
// `error` set when the database or the files cannot be read.
bool migration_status(pqxx::connection_base& connection, const MigrateOptions& options,
                      std::vector<MigrationState>& states, std::string& error);

// Creates, or updates the password of, the LOGIN role `name` as a member of `group`
// ("ledger_writer" or "ledger_reader", made by migration 0001). For deployments that want
// per-service users (the projector as a writer, dashboards as readers). Returns false with
// `error` set (never containing the password) on failure.
bool ensure_login_role(pqxx::connection_base& connection, const std::string& name,
                       const std::string& group, const std::string& password, std::string& error);

}  // namespace ledger::schema
