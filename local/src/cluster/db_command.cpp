// `ledger db start|stop|status`: the private local PostgreSQL cluster.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "ledger/local/cluster.hpp"
#include "ledger/local/commands.hpp"
#include "ledger/schema/database_options.hpp"

namespace ledger::local {
namespace {

constexpr int exit_not_running = 3;  // like `pg_ctl status`

void print_status(const LocalClusterStatus& status) {
  if (status.running) {
    std::printf("postgres: %s (pid %ld, port %d%s)\n%s\n", status.note.c_str(), status.pid,
                status.port, status.timescaledb ? ", TimescaleDB" : "",
                schema::redact_database_uri(status.uri).c_str());
  } else {
    std::printf("postgres: %s\n", status.note.c_str());
  }
}

// --timescaledb / --no-timescaledb (kept for later starts) and -c name=value.
void add_server_flags(CLI::App& start, LocalClusterOptions& options) {
  CLI::Option* on = start.add_flag_callback(
      "--timescaledb", [&options] { options.timescaledb = true; },
      "Preload TimescaleDB (telemetry off, workers for its jobs), kept for later starts; the "
      "default for a new cluster where it is installed (scripts/timescaledb)");
  CLI::Option* off = start.add_flag_callback(
      "--no-timescaledb", [&options] { options.timescaledb = false; },
      "Start without TimescaleDB (pg_partman partitions), kept for later starts");
  on->excludes(off);
  start.add_option("-c,--set", options.settings,
                   "Server setting name=value for this start, like `postgres -c` (repeatable)");
}

void add_action(CLI::App& db, const std::string& name, const std::string& help,
                const std::shared_ptr<LocalClusterOptions>& options, int& exit_code) {
  CLI::App* sub = db.add_subcommand(name, help);
  sub->add_option("--state-dir", options->state_dir,
                  "Local state directory; the cluster lives in <state-dir>/postgres")
      ->envname("LEDGER_STATE_DIR");
  sub->add_option("--pg-bin-dir", options->bin_dir,
                  "Directory of the PostgreSQL 15 programs (initdb, pg_ctl)")
      ->envname("LEDGER_PG_BIN_DIR")
      ->capture_default_str();
  if (name == "start") {
    sub->add_option("--port", options->port, "TCP port on 127.0.0.1")
        ->capture_default_str()
        ->check(CLI::Range(1, 65535));
    sub->add_flag("--no-sync", options->no_sync,
                  "Throwaway cluster (tests): fsync, synchronous_commit, full_page_writes off; "
                  "an OS crash may corrupt it");
    add_server_flags(*sub, *options);
  }
  sub->callback([name, options, &exit_code] {
    options->state_dir = schema::resolve_state_dir(options->state_dir);
    LocalClusterStatus status;
    std::string error;
    bool ok = true;
    if (name == "start") ok = start_local_cluster(*options, status, error);
    if (name == "stop") ok = stop_local_cluster(*options, status, error);
    if (name == "status") status = local_cluster_status(*options);
    if (!ok) {
      std::fprintf(stderr, "ledger db %s: %s\n", name.c_str(), error.c_str());
      exit_code = 1;
      return;
    }
    print_status(status);
    exit_code = (name == "status" && !status.running) ? exit_not_running : 0;
  });
}

}  // namespace

void add_db_command(CLI::App& app, int& exit_code) {
  CLI::App* db = app.add_subcommand(
      "db", "The private local PostgreSQL 15 cluster under <state-dir>/postgres");
  db->require_subcommand(1);
  auto options = std::make_shared<LocalClusterOptions>();
  options->state_dir.clear();
  add_action(*db, "start", "Initialize (first time) and start the cluster; writes its URI", options,
             exit_code);
  add_action(*db, "stop", "Stop the cluster", options, exit_code);
  add_action(*db, "status", "Report whether the cluster runs (exit 3 when not)", options,
             exit_code);
}

}  // namespace ledger::local
