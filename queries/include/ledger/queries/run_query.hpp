// run_named_query(): one named query with its filters bound, in a ReadOnlySession.
// Thread-safe (each call opens its own connection).
#pragma once

#include <chrono>
#include <string>

#include "ledger/queries/filters.hpp"
#include "ledger/queries/named_query.hpp"
#include "ledger/queries/read_only.hpp"
#include "ledger/queries/result_table.hpp"

namespace ledger::queries {

// Binds `filters` to `query` and runs it. Throws std::invalid_argument for filters the query
// does not take, std::runtime_error / pqxx errors from the database (a bad time or interval
// text is the server's data error, named in the message).
ResultTable run_named_query(
    const std::string& db_uri, const ReadOptions& options, const NamedQuery& query,
    const QueryFilters& filters,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace ledger::queries
