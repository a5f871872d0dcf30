#include "ledger/queries/run_query.hpp"

#include <stdexcept>

namespace ledger::queries {

ResultTable run_named_query(const std::string& db_uri, const ReadOptions& options,
                            const NamedQuery& query, const QueryFilters& filters,
                            std::chrono::system_clock::time_point now) {
  BoundParams params;
  std::string error;
  if (!bind_filters(query, filters, now, params, error)) throw std::invalid_argument(error);
  ReadOnlySession session(db_uri, options);
  return to_table(session.exec(query.sql, params));
}

}  // namespace ledger::queries
