// Named queries: read-only SQL kept as .sql files in queries/sql/ (compiled into the binary) or
// in a directory given at run time, each opening with a header comment:
//
//   -- name: open_orders
//   -- description: Orders still open, oldest first.
//   -- params: agent, symbol, strategy, since, until, limit
//
// The params line lists the query's parameters in $N order ($1 is the first name). Known names
// and their SQL types: agent, symbol, strategy (text), since, until (timestamptz), limit
// (bigint, NULL: no limit), bucket (interval). Every listed parameter may be NULL (the filter is
// then off), so a query writes each filter as `($1::text IS NULL OR agent_id = $1)`.
// Values are always bound, never spliced into the SQL.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ledger::queries {

struct NamedQuery {
  std::string name;                 // [a-z][a-z0-9_]*, unique
  std::string description;          // one line
  std::vector<std::string> params;  // parameter names in $1..$N order
  std::string sql;                  // the whole file (header comments included)
  std::string source;               // file name, for messages
};

// The parameter names a query may list.
const std::vector<std::string>& known_params();

// Parses one file's text. False with `error` naming `source` and the problem: missing or bad
// name/description/params line, an unknown or repeated parameter, or a $N in the SQL that does
// not match the params line (every $1..$N used, none above N).
bool parse_named_query(std::string_view text, const std::string& source, NamedQuery& out,
                       std::string& error);

// The queries compiled into the binary (queries/sql/*.sql), sorted by name. Parsed once.
const std::vector<NamedQuery>& builtin_queries();

// Adds every *.sql file of `dir` to `queries` (a name already present is replaced: a local
// file overrides a built-in query). False with `error` on an unreadable dir or a bad file.
bool load_query_dir(const std::string& dir, std::vector<NamedQuery>& queries, std::string& error);

const NamedQuery* find_query(const std::vector<NamedQuery>& queries, std::string_view name);

}  // namespace ledger::queries
