#include "ledger/schema/migrator.hpp"

#include <chrono>
#include <map>
#include <pqxx/pqxx>
#include <thread>

#include "ledger/schema/backend.hpp"
#include "ledger/schema/database_options.hpp"

namespace ledger::schema {
namespace {

constexpr int lock_class = 0x4C656467;  // "Ledg": first key of our advisory locks
constexpr int lock_retry_ms = 100;

struct AppliedRow {
  int version = 0;
  std::string name, checksum, applied_at;
};

void report(const MigrateOptions& options, const std::string& line) {
  if (options.progress) options.progress(line);
}

// Detects (and unless dry_run, creates) the partitioning extension, under a per-database lock.
bool setup_backend(pqxx::connection_base& connection, bool dry_run, std::string& backend,
                   std::string& error) {
  pqxx::work tx(connection, "ledger_migrate_backend");
  tx.exec_params("SELECT pg_advisory_xact_lock($1, 0)", lock_class);
  const pqxx::row row = tx.exec1(
      "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'),"
      " EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')"
      "   AND current_setting('shared_preload_libraries') LIKE '%timescaledb%',"
      " (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
      "   WHERE e.extname = 'pg_partman'),"
      " EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_partman')");
  if (row[0].as<bool>() || row[1].as<bool>()) {
    backend = "timescaledb";
    if (!dry_run) tx.exec0("CREATE EXTENSION IF NOT EXISTS timescaledb");
  } else if (!row[2].is_null()) {
    backend = "pg_partman";
    if (row[2].as<std::string>() != "partman") {
      error = "pg_partman is installed in schema '" + row[2].as<std::string>() + "' of database " +
              connection.dbname() + "; the ledger needs it in schema partman";
      return false;
    }
  } else if (row[3].as<bool>()) {
    backend = "pg_partman";
    if (!dry_run) {
      tx.exec0("CREATE SCHEMA IF NOT EXISTS partman");
      tx.exec0("CREATE EXTENSION IF NOT EXISTS pg_partman SCHEMA partman");
    }
  } else {
    error = std::string("neither TimescaleDB nor pg_partman is available in database ") +
            connection.dbname() + ": install timescaledb or postgresql-15-partman";
    return false;
  }
  tx.commit();
  return true;
}

// Session advisory lock on the schema name, held until the guard is destroyed.
class SchemaLock {
 public:
  SchemaLock(pqxx::connection_base& connection, const std::string& schema)
      : connection_(connection), schema_(schema) {}
  ~SchemaLock() {
    if (!held_) return;
    try {
      pqxx::nontransaction tx(connection_);
      tx.exec_params("SELECT pg_advisory_unlock($1, hashtext($2))", lock_class, schema_);
    } catch (const std::exception&) {
      // The lock ends with the session anyway.
    }
  }
  SchemaLock(const SchemaLock&) = delete;
  SchemaLock& operator=(const SchemaLock&) = delete;

  bool acquire(int wait_ms_max) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms_max);
    do {
      pqxx::nontransaction tx(connection_);
      held_ =
          tx.exec_params1("SELECT pg_try_advisory_lock($1, hashtext($2))", lock_class, schema_)[0]
              .as<bool>();
      if (held_) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(lock_retry_ms));
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
  }

 private:
  pqxx::connection_base& connection_;
  std::string schema_;
  bool held_ = false;
};

void ensure_bookkeeping(pqxx::connection_base& connection, const std::string& schema) {
  pqxx::work tx(connection, "ledger_migrate_bookkeeping");
  const std::string s = tx.quote_name(schema);
  tx.exec0("CREATE SCHEMA IF NOT EXISTS " + s);
  tx.exec0("CREATE TABLE IF NOT EXISTS " + s +
           ".schema_migrations ("
           " version integer PRIMARY KEY,"
           " name text NOT NULL,"
           " checksum text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),"
           " backend text NOT NULL,"
           " applied_at timestamptz NOT NULL DEFAULT now())");
  tx.commit();
}

std::vector<AppliedRow> read_applied(pqxx::connection_base& connection, const std::string& schema) {
  pqxx::work tx(connection, "ledger_migrate_read");
  std::vector<AppliedRow> rows;
  const std::string table = tx.quote_name(schema) + ".schema_migrations";
  if (tx.exec_params1("SELECT to_regclass($1) IS NOT NULL", table)[0].as<bool>()) {
    for (const pqxx::row& row :
         tx.exec("SELECT version, name, checksum, to_char(applied_at AT TIME ZONE 'UTC',"
                 " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM " +
                 table + " ORDER BY version")) {
      rows.push_back({row[0].as<int>(), row[1].as<std::string>(), row[2].as<std::string>(),
                      row[3].as<std::string>()});
    }
  }
  tx.commit();
  return rows;
}

// Checks every recorded migration against its file; fills `pending` with the files not yet
// recorded, in version order.
bool verify(const std::vector<AppliedRow>& applied, const std::vector<MigrationFile>& files,
            const MigrateOptions& options, const std::string& dir,
            std::vector<const MigrationFile*>& pending, std::string& error) {
  std::map<int, const MigrationFile*> by_version;
  for (const MigrationFile& file : files) by_version[file.version] = &file;
  for (const AppliedRow& row : applied) {
    const auto found = by_version.find(row.version);
    if (found == by_version.end() || found->second->name != row.name) {
      error = "migration " + row.name + " was applied to schema " + options.schema + " at " +
              row.applied_at + " but is missing from " + dir +
              ": restore the file (applied migrations are never removed or renamed)";
      return false;
    }
    if (found->second->checksum != row.checksum) {
      error = "migration file " + found->second->path + " changed after it was applied to schema " +
              options.schema + " at " + row.applied_at + " (recorded sha256 " + row.checksum +
              ", file now " + found->second->checksum +
              "): restore it and put the change in a new migration";
      return false;
    }
    by_version.erase(found);
  }
  for (const auto& [version, file] : by_version) pending.push_back(file);
  return true;
}

void apply_one(pqxx::connection_base& connection, const std::string& schema,
               const std::string& backend, const MigrationFile& file) {
  pqxx::work tx(connection, "ledger_migrate_apply");
  tx.exec0("SET LOCAL search_path TO " + tx.quote_name(schema) + ", public");
  tx.exec(file.sql);
  tx.exec_params0("INSERT INTO " + tx.quote_name(schema) +
                      ".schema_migrations (version, name, checksum, backend)"
                      " VALUES ($1, $2, $3, $4)",
                  file.version, file.name, file.checksum, backend);
  tx.commit();
}

void run_maintenance(pqxx::connection_base& connection, const std::string& schema) {
  pqxx::nontransaction tx(connection, "ledger_migrate_maintain");
  const std::string procedure = tx.quote_name(schema) + ".maintain_history(text)";
  if (!tx.exec_params1("SELECT to_regprocedure($1) IS NOT NULL", procedure)[0].as<bool>()) {
    return;
  }
  tx.exec("CALL " + tx.quote_name(schema) + ".maintain_history(" + tx.quote(schema) + ")");
}

bool load_for(const MigrateOptions& options, std::string& dir, std::vector<MigrationFile>& files,
              std::string& error) {
  if (!is_valid_schema_name(options.schema)) {
    error = "invalid schema name '" + options.schema + "': use [a-z_][a-z0-9_]{0,62}";
    return false;
  }
  dir = options.migrations_dir.empty() ? default_migrations_dir() : options.migrations_dir;
  return load_migrations(dir, files, error);
}

bool migrate_locked(pqxx::connection_base& connection, const MigrateOptions& options,
                    const std::string& dir, const std::vector<MigrationFile>& files,
                    MigrateResult& result, std::string& error) {
  if (!options.dry_run) ensure_bookkeeping(connection, options.schema);
  const std::vector<AppliedRow> applied = read_applied(connection, options.schema);
  for (const AppliedRow& row : applied) result.already_applied.push_back(row.name);
  std::vector<const MigrationFile*> pending;
  if (!verify(applied, files, options, dir, pending, error)) return false;
  for (const MigrationFile* file : pending) {
    if (options.dry_run) {
      report(options, "would apply " + file->name);
      result.applied.push_back(file->name);
      continue;
    }
    const auto start = std::chrono::steady_clock::now();
    try {
      apply_one(connection, options.schema, result.backend, *file);
    } catch (const std::exception& e) {
      error = "migration " + file->path + " failed (schema " + options.schema +
              ", nothing of it applied): " + e.what();
      return false;
    }
    const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - start)
                                .count();
    report(options, "applied " + file->name + " (" + std::to_string(elapsed_ms) + " ms)");
    result.applied.push_back(file->name);
  }
  return true;
}

}  // namespace

bool migrate(pqxx::connection_base& connection, const MigrateOptions& options,
             MigrateResult& result, std::string& error) {
  result = MigrateResult{};
  std::string dir;
  std::vector<MigrationFile> files;
  if (!load_for(options, dir, files, error)) return false;
  try {
    if (!setup_backend(connection, options.dry_run, result.backend, error)) return false;
    report(options, "backend: " + result.backend);
    SchemaLock lock(connection, options.schema);
    if (!lock.acquire(options.lock_wait_ms_max)) {
      error = "another `ledger migrate` holds the lock on schema " + options.schema +
              " for more than " + std::to_string(options.lock_wait_ms_max) + " ms";
      return false;
    }
    if (!migrate_locked(connection, options, dir, files, result, error)) return false;
    if (!options.dry_run && options.maintain_history) run_maintenance(connection, options.schema);
    if (!options.dry_run) report(options, "backend: " + describe_backend(connection).summary);
  } catch (const std::exception& e) {
    error = std::string(e.what());
    if (error.find("permission denied") != std::string::npos ||
        error.find("must be superuser") != std::string::npos) {
      error +=
          " (run `ledger migrate` as an owner/admin role: it creates extensions, roles"
          " and the schema)";
    }
    return false;
  }
  return true;
}

bool migration_status(pqxx::connection_base& connection, const MigrateOptions& options,
                      std::vector<MigrationState>& states, std::string& error) {
  states.clear();
  std::string dir;
  std::vector<MigrationFile> files;
  if (!load_for(options, dir, files, error)) return false;
  std::vector<AppliedRow> applied;
  try {
    applied = read_applied(connection, options.schema);
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
  std::map<int, const AppliedRow*> recorded;
  for (const AppliedRow& row : applied) recorded[row.version] = &row;
  for (const MigrationFile& file : files) {
    const auto found = recorded.find(file.version);
    if (found == recorded.end()) {
      states.push_back({file.version, file.name, "pending", ""});
      continue;
    }
    const AppliedRow& row = *found->second;
    const bool same = row.name == file.name && row.checksum == file.checksum;
    states.push_back({file.version, row.name, same ? "applied" : "changed", row.applied_at});
    recorded.erase(found);
  }
  for (const auto& [version, row] : recorded) {
    states.push_back({version, row->name, "missing", row->applied_at});
  }
  std::sort(states.begin(), states.end(),
            [](const MigrationState& a, const MigrationState& b) { return a.version < b.version; });
  return true;
}

bool ensure_login_role(pqxx::connection_base& connection, const std::string& name,
                       const std::string& group, const std::string& password, std::string& error) {
  if (group != "ledger_writer" && group != "ledger_reader") {
    error = "login role " + name + ": group must be ledger_writer or ledger_reader, not " + group;
    return false;
  }
  if (name.empty() || password.empty()) {
    error = "login role '" + name + "': a name and a non-empty password are required";
    return false;
  }
  try {
    pqxx::work tx(connection, "ledger_login_role");
    tx.exec_params("SELECT pg_advisory_xact_lock($1, 1)", lock_class);
    const bool exists =
        tx.exec_params1("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", name)[0]
            .as<bool>();
    const std::string role = tx.quote_name(name);
    tx.exec0((exists ? "ALTER ROLE " : "CREATE ROLE ") + role + " LOGIN PASSWORD " +
             tx.quote(password));
    tx.exec0("GRANT " + tx.quote_name(group) + " TO " + role);
    tx.commit();
  } catch (const std::exception& e) {
    error = "login role " + name + ": " + e.what();
    // The statement text (with the password) is not part of what() for sql_error in pqxx 6,
    // but make sure it never leaks.
    for (std::size_t at = error.find(password); at != std::string::npos;
         at = error.find(password)) {
      error.replace(at, password.size(), "***");
    }
    return false;
  }
  return true;
}

}  // namespace ledger::schema
