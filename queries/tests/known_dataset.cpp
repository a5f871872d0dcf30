#include "known_dataset.hpp"

#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>

#include "ledger/schema/migrator.hpp"
#include "ledger/testing/services.hpp"

namespace ledger::queries::testing {

bool has_books(const std::string& uri) {
  pqxx::connection connection(uri);
  pqxx::read_transaction tx(connection);
  return tx.exec1("SELECT to_regclass('ledger.positions') IS NOT NULL")[0].as<bool>();
}

std::string make_known_database(const std::string& prefix) {
  const std::string uri = ledger::testing::create_database(prefix);
  pqxx::connection connection(uri);
  schema::MigrateOptions options;
  schema::MigrateResult result;
  std::string error;
  if (!schema::migrate(connection, options, result, error)) {
    throw std::runtime_error("migrate: " + error);
  }
  std::ifstream in(std::string(LEDGER_QUERIES_TEST_DATA) + "/known_dataset.sql");
  std::stringstream sql;
  sql << in.rdbuf();
  pqxx::work tx(connection);
  tx.exec0("SET LOCAL search_path TO ledger, public");
  tx.exec0(sql.str());
  if (tx.exec1("SELECT to_regclass('positions') IS NOT NULL")[0].as<bool>()) {
    std::ifstream books(std::string(LEDGER_QUERIES_TEST_DATA) + "/known_books.sql");
    std::stringstream books_sql;
    books_sql << books.rdbuf();
    tx.exec0(books_sql.str());
  }
  tx.commit();
  return uri;
}

}  // namespace ledger::queries::testing
