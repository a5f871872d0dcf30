#include "ledger/schema/backend.hpp"

#include <pqxx/pqxx>

namespace ledger::schema {

BackendInfo describe_backend(pqxx::connection_base& connection) {
  pqxx::read_transaction tx(connection);
  const pqxx::result rows = tx.exec(
      "SELECT extname, extversion, coalesce(current_setting('timescaledb.license', true), '')"
      "  FROM pg_extension WHERE extname IN ('timescaledb', 'pg_partman')"
      " ORDER BY extname = 'timescaledb' DESC");
  BackendInfo info;
  if (rows.empty()) {
    info.name = "none";
    info.summary = "none yet (migrate picks TimescaleDB when it is preloaded, else pg_partman)";
    return info;
  }
  info.name = rows[0][0].as<std::string>();
  info.version = rows[0][1].as<std::string>();
  const std::string license = rows[0][2].as<std::string>();
  if (info.name == "timescaledb") {
    info.policies = license != "apache";
    info.summary = "TimescaleDB " + info.version +
                   (info.policies ? ": hypertables, compression and retention policies"
                                  : " (Apache-only edition, timescaledb.license = apache): "
                                    "hypertables only, no compression or retention policies");
  } else {
    info.policies = true;
    info.summary = "pg_partman " + info.version +
                   ": native range partitions, retention applied by `ledger migrate` maintenance";
  }
  return info;
}

}  // namespace ledger::schema
