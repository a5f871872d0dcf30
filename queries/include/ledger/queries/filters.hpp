// QueryFilters: the filters `ledger query` takes (--agent, --symbol, --strategy, --since,
// --until, --limit, --bucket) and their binding to a named query's $1..$N parameters.
//
// Times: an absolute PostgreSQL timestamptz text ("2026-11-23T10:00:00Z", "2026-11-23") is
// passed through for the server to parse; a relative age "90s", "15m", "24h", "7d", "2w" means
// that long before now and is turned into an absolute UTC time here.
// Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/queries/named_query.hpp"

namespace ledger::queries {

struct QueryFilters {
  std::optional<std::string> agent;
  std::optional<std::string> symbol;
  std::optional<std::string> strategy;
  std::optional<std::string> since;   // inclusive
  std::optional<std::string> until;   // exclusive
  std::optional<std::string> bucket;  // PostgreSQL interval text, e.g. "1 hour", "5 minutes"
  std::optional<std::int64_t> limit;  // nullopt or 0: no limit
};

using BoundParams = std::vector<std::optional<std::string>>;

// The values of `query`'s parameters in $N order (nullopt binds NULL). False with `error` when a
// filter is set that the query does not take (e.g. --symbol for agent_status) or a value is out
// of range (negative limit).
bool bind_filters(const NamedQuery& query, const QueryFilters& filters,
                  std::chrono::system_clock::time_point now, BoundParams& params,
                  std::string& error);

// "24h" -> the UTC time 24 hours before `now` as "YYYY-MM-DDTHH:MM:SS.ffffffZ"; text that is
// not a relative age is returned unchanged.
std::string resolve_time(std::string_view text, std::chrono::system_clock::time_point now);

}  // namespace ledger::queries
