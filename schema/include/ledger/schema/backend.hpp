// What time-partitioning backend a database gives the history tables, and what of it the
// migrations enable, in words for `ledger migrate` and `ledger migrate --status`.
//
//   timescaledb (TSL features)  hypertables, compression and retention policies
//   timescaledb (Apache-only)   hypertables only: that edition has neither policy
//   pg_partman                  native range partitions, retention applied by maintenance
// Read-only: it changes nothing in the database.
#pragma once

#include <string>

namespace pqxx {
class connection_base;
}

namespace ledger::schema {

struct BackendInfo {
  std::string name;       // "timescaledb", "pg_partman" or "none" (no extension created yet)
  std::string version;    // the extension's version, empty for "none"
  bool policies = false;  // compression/retention policies available (false: Apache-only)
  std::string summary;    // one line, e.g. "TimescaleDB 2.28.3: hypertables, compression, ..."
};

// Describes the backend of the connection's database. Throws pqxx errors.
BackendInfo describe_backend(pqxx::connection_base& connection);

}  // namespace ledger::schema
