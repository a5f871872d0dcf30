#include "ledger/queries/read_only.hpp"

#include <stdexcept>

#include "ledger/schema/database_options.hpp"

namespace ledger::queries {

ReadOnlySession::ReadOnlySession(const std::string& db_uri, const ReadOptions& options) {
  if (!schema::is_valid_schema_name(options.schema)) {
    throw std::runtime_error("invalid schema name '" + options.schema +
                             "' (expected a lower-case SQL identifier)");
  }
  connection_ = std::make_unique<pqxx::connection>(db_uri);
  tx_ = std::make_unique<pqxx::read_transaction>(*connection_, "ledger query");
  const pqxx::row check = tx_->exec1(
      "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ledger_reader'),"
      " CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ledger_reader')"
      "      THEN pg_has_role(current_user, 'ledger_reader', 'MEMBER') ELSE false END,"
      " current_user,"
      " EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = " +
      tx_->quote(options.schema) + ")");
  if (!check[0].as<bool>()) {
    throw std::runtime_error("role ledger_reader does not exist: run `ledger migrate` first");
  }
  if (!check[1].as<bool>()) {
    throw std::runtime_error("login role '" + std::string(check[2].c_str()) +
                             "' is not a member of ledger_reader (GRANT ledger_reader TO " +
                             check[2].c_str() + ")");
  }
  if (!check[3].as<bool>()) {
    throw std::runtime_error("schema '" + options.schema + "' does not exist in this database");
  }
  tx_->exec0("SET LOCAL ROLE ledger_reader");
  tx_->exec0("SET LOCAL search_path TO " + tx_->quote_name(options.schema) + ", public");
  tx_->exec0("SET LOCAL statement_timeout = " + std::to_string(options.statement_timeout_ms));
}

ReadOnlySession::~ReadOnlySession() = default;

pqxx::result ReadOnlySession::exec(const std::string& sql,
                                   const std::vector<std::optional<std::string>>& params) {
  return tx_->exec_params(sql, pqxx::prepare::make_dynamic_params(params));
}

}  // namespace ledger::queries
