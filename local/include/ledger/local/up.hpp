// `ledger up`: the whole ledger on one machine, in one command.
//
// Owns the orchestration: with no broker configured it starts the local Apache Kafka broker
// (<state>/kafka); with no database configured, the private PostgreSQL cluster
// (<state>/postgres, created on first run and reused after); then it applies the migrations,
// runs one projector in process with its /healthz and /metrics server, and with --demo the
// simulated agents, in real time. It prints where each part listens and a live summary
// (redrawn each second on a terminal, a plain line every few seconds otherwise).
// Promises:
//   - "Configured" means: -b/--brokers, -X bootstrap.servers or $LEDGER_BROKERS for Kafka;
//     --db, $LEDGER_DATABASE_URL or libpq's environment (PGHOST, PGHOSTADDR, PGDATABASE,
//     PGSERVICE) for PostgreSQL. A configured service is used as it is: nothing of its kind is
//     started or stopped.
//   - Ctrl-C (SIGINT) or SIGTERM stops the demo, flushes its publisher, stops the projector
//     after its current batch, the HTTP server, and then the local services this run started
//     (or adopted from a run that was killed). A second `ledger up` continues from the stored
//     offsets and tables: nothing is projected twice.
//   - A `ledger up` killed with SIGKILL leaves <state>/up/up.pid behind; the next start sees
//     its process is gone, adopts the services it had started and goes on. A live one on the
//     same state dir is refused with its pid.
//   - Logs (spdlog) go to stderr, or to <state>/up/up.log while the terminal summary is drawn;
//     --log-json makes them JSON lines. Connection strings are logged with passwords redacted.
// Needs: what `ledger broker start` and `ledger db start` need (java, PostgreSQL 15 binaries)
// when it starts them. One `ledger up` per state dir. Not reentrant.
#pragma once

#include <cstdint>
#include <string>

#include "ledger/producer/demo/runner.hpp"
#include "ledger/producer/kafka_options.hpp"
#include "ledger/schema/database_options.hpp"

namespace ledger::local {

struct UpOptions {
  producer::KafkaOptions kafka;      // -b, -t, -X, --state-dir
  schema::DatabaseOptions database;  // --db, --schema (state_dir comes from kafka)
  std::string group = "ledger-projector";
  int kafka_port = 9092;                    // the local broker's port, when started here
  int postgres_port = 54329;                // the local cluster's port, when started here
  int partitions = 6;                       // of the topic, when the local broker creates it
  int metrics_port = 9464;                  // /metrics and /healthz on 127.0.0.1; 0: any free port
  bool demo = false;                        // run the simulated agents too
  producer::demo::DemoRunOptions demo_run;  // seed, agents, rate (real time is forced)
  double duration_s = 0;                    // stop by itself after this long (0: until a signal)
  int summary_interval_ms = 0;              // 0: 1000 on a terminal, 5000 otherwise
  bool log_json = false;                    // JSON lines logs
  bool verbose = false;                     // debug logs (every batch)
  bool keep_services = false;               // leave the local broker and database running at exit
};

// Runs until a signal or duration_s; returns a process exit status (0: clean stop).
int run_up(UpOptions options);

}  // namespace ledger::local
