// ReadOnlySession: how queries/ reads PostgreSQL. Every statement runs in a READ ONLY
// transaction, as the role ledger_reader (SET LOCAL ROLE: even a query file that tries to write
// is refused twice, by the transaction mode and by the role's grants), with search_path set to
// the ledger schema and a statement timeout. Parameters are always bound.
//
// Needs: a migrated schema (roles come from migration 0001) and a login that is a member of
// ledger_reader (a superuser is). One session per thread; not thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace ledger::queries {

struct ReadOptions {
  std::string schema = "ledger";      // REQUIRES: schema::is_valid_schema_name(schema)
  int statement_timeout_ms = 30'000;  // per statement, 0: none
};

class ReadOnlySession {
 public:
  // Connects and opens the transaction. Throws std::runtime_error naming what is wrong (no such
  // schema, login not a member of ledger_reader) or pqxx errors.
  ReadOnlySession(const std::string& db_uri, const ReadOptions& options);
  ~ReadOnlySession();
  ReadOnlySession(const ReadOnlySession&) = delete;
  ReadOnlySession& operator=(const ReadOnlySession&) = delete;

  // Runs one statement with bound parameters (nullopt: NULL).
  pqxx::result exec(const std::string& sql, const std::vector<std::optional<std::string>>& params);

 private:
  std::unique_ptr<pqxx::connection> connection_;
  std::unique_ptr<pqxx::read_transaction> tx_;
};

}  // namespace ledger::queries
