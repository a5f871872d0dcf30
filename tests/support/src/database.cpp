#include "ledger/testing/database.hpp"

#include <pqxx/pqxx>
#include <stdexcept>

#include "ledger/schema/migrator.hpp"

namespace ledger::testing {

void migrate_schema(const std::string& uri, const std::string& schema) {
  pqxx::connection connection(uri);
  schema::MigrateOptions options;
  options.schema = schema;
  schema::MigrateResult result;
  std::string error;
  if (!schema::migrate(connection, options, result, error)) {
    throw std::runtime_error("migrate " + schema + ": " + error);
  }
}

std::optional<std::int64_t> committed_sum(const std::string& uri, const std::string& schema,
                                          const std::string& group) {
  try {
    pqxx::connection connection(uri);
    pqxx::read_transaction tx(connection);
    return tx
        .exec_params1("SELECT coalesce(sum(next_offset), 0)::bigint FROM " + tx.quote_name(schema) +
                          ".consumer_offsets WHERE consumer_group = $1",
                      group)[0]
        .as<std::int64_t>();
  } catch (const pqxx::broken_connection&) {
    return std::nullopt;
  } catch (const pqxx::sql_error& e) {
    const std::string state = e.sqlstate();
    if (!state.empty() && state.rfind("57", 0) != 0 && state.rfind("08", 0) != 0) throw;
    return std::nullopt;
  }
}

}  // namespace ledger::testing
