// How every `ledger` subcommand finds its PostgreSQL database, in one options struct.
//
// Resolution order (resolve_database_uri): --db URI (or env LEDGER_DATABASE_URL); else, when
// any libpq environment variable naming a server is set (PGHOST, PGHOSTADDR, PGDATABASE,
// PGSERVICE), the empty conninfo "" so libpq reads its environment; else the local cluster's
// <state_dir>/postgres/uri written by `ledger db start`. The schema name is validated as a plain
// lower-case SQL identifier so it can be spliced into DDL safely.
//
// Pure functions over their arguments and the environment; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace ledger::schema {

struct DatabaseOptions {
  // --db: a libpq URI or key=value conninfo. Empty: libpq environment (PGHOST, PGDATABASE,
  // PGSERVICE set) or <state_dir>/postgres/uri.
  std::string uri;
  // --schema: the schema holding every projection table. Default "ledger".
  std::string schema = "ledger";
  // --state-dir: local state (env LEDGER_STATE_DIR, default ".ledger"). Empty here means the
  // same default, resolved by resolve_database_uri.
  std::string state_dir;
};

// Adds --db (env LEDGER_DATABASE_URL), --schema and --state-dir (env LEDGER_STATE_DIR) to
// `app`. --state-dir is only added when `app` has none yet; a caller that already registered
// one (e.g. for Kafka) copies its value into options.state_dir before resolving.
void add_database_options(CLI::App& app, DatabaseOptions& options);

// The state dir to use: `flag_value` if non-empty, else $LEDGER_STATE_DIR, else ".ledger".
std::string resolve_state_dir(const std::string& flag_value);

// The conninfo to hand to pqxx::connection ("" means: libpq environment), or nullopt with
// `error` explaining what to configure.
std::optional<std::string> resolve_database_uri(const DatabaseOptions& options, std::string& error);

// True when `name` is a lower-case SQL identifier: [a-z_][a-z0-9_]{0,62}.
bool is_valid_schema_name(std::string_view name);

// `uri` with any password replaced by "***", for logs: the user-info password of a URI
// (postgresql://user:secret@host), a `password=` query parameter, or a key=value conninfo
// `password=secret`.
std::string redact_database_uri(std::string_view uri);

}  // namespace ledger::schema
