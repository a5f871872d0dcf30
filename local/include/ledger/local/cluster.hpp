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
// Promises: start is idempotent (a running cluster is found and its URI rewritten), a stale
// postmaster.pid left by a killed server does not stop the next start, and concurrent
// start/stop calls on one state dir are serialized by a lock file. Not for production use.
#pragma once

#include <string>

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
};

struct LocalClusterStatus {
  bool running = false;
  long pid = 0;      // postmaster pid when running
  int port = 0;      // port the running server listens on
  std::string uri;   // superuser libpq URI (with password); empty when never initialized
  std::string note;  // human-readable detail ("started", "already running", ...)
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

// Whether the cluster is running, without changing anything.
LocalClusterStatus local_cluster_status(const LocalClusterOptions& options);

}  // namespace ledger::local
