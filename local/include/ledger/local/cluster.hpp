// The private local PostgreSQL 15 cluster behind `ledger db start|stop|status`.
//
// Owns <state_dir>/postgres/: data/ (the cluster, made by initdb on first start and reused
// after), run/ (the unix socket directory), password (the superuser's generated password, mode
// 0600), uri (one line: the superuser libpq URI, password included, mode 0600), server.log and
// pg_ctl.log. The server listens on 127.0.0.1 only and every connection authenticates with
// SCRAM-SHA-256. When the caller is root, initdb and pg_ctl run as the unprivileged `postgres`
// system user, which owns <state_dir>/postgres/ (the state dir's parents must be traversable by
// it).
//
// pg_partman: the extension is available (Debian postgresql-15-partman); its background worker
// is NOT preloaded, so partition upkeep is `ledger migrate` calling partman.run_maintenance()
// (a deployment schedules `CALL partman.run_maintenance_proc()`).
//
// TimescaleDB: a cluster made where TimescaleDB is installed preloads it (`--no-timescaledb`
// for one without), with telemetry off (timescaledb.telemetry_level = off: by default it
// reports to the vendor over the network) and worker processes enough for its launcher, one
// scheduler per database and its policy jobs. The choice is kept in <state_dir>/postgres/
// timescaledb ("on" or "off") for later starts: a schema made with the extension needs it
// loaded. Older clusters (no such file) stay without it unless asked.
//
// Promises: start is idempotent (a running cluster is found and its URI rewritten), a stale
// postmaster.pid left by a killed server does not stop the next start, and concurrent
// start/stop calls on one state dir are serialized by a lock file. Not for production use.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ledger::local {

struct LocalClusterOptions {
  std::string state_dir = ".ledger";                   // cluster lives in <state_dir>/postgres
  int port = 54329;                                    // TCP port on 127.0.0.1
  std::string bin_dir = "/usr/lib/postgresql/15/bin";  // initdb, pg_ctl
  int start_timeout_s = 60;                            // pg_ctl -w -t for start and stop
  // Throwaway clusters (test fixtures): fsync, synchronous_commit and full_page_writes off
  // for this start, initdb --no-sync. Fast shutdown then needs no sync of thousands of files;
  // an OS crash may corrupt the cluster. Off by default.
  bool no_sync = false;
  // TimescaleDB preloaded: true on, false off, nullopt as the cluster keeps it (see above).
  // A running cluster keeps its settings until it is stopped and started again.
  std::optional<bool> timescaledb;
  // Extra server settings for this start, "name=value" each (like `postgres -c`), after the
  // ledger's own; e.g. "timescaledb.license=apache" for an Apache-only TimescaleDB.
  std::vector<std::string> settings;
};

struct LocalClusterStatus {
  bool running = false;
  long pid = 0;              // postmaster pid when running
  int port = 0;              // port the running server listens on
  std::string uri;           // superuser libpq URI (with password); empty when never initialized
  std::string note;          // human-readable detail ("started", "already running", ...)
  bool timescaledb = false;  // the running server preloads TimescaleDB
};

// Initializes (first time) and starts the cluster; waits until it accepts connections and
// writes <state_dir>/postgres/uri. A cluster already running is left as it is (its own port
// wins over options.port). Returns false with `error` set on failure.
bool start_local_cluster(const LocalClusterOptions& options, LocalClusterStatus& status,
                         std::string& error);

// Stops the cluster (fast shutdown, immediate after a timeout). Stopping a cluster that is not
// running succeeds. Returns false with `error` set on failure.
bool stop_local_cluster(const LocalClusterOptions& options, LocalClusterStatus& status,
                        std::string& error);

// Whether TimescaleDB is installed for the PostgreSQL whose programs are in `bin_dir` (its
// loader library <bin_dir>/../lib/timescaledb.so is there).
bool timescaledb_installed(const std::string& bin_dir);

// Whether the cluster is running, without changing anything.
LocalClusterStatus local_cluster_status(const LocalClusterOptions& options);

}  // namespace ledger::local
