// The local Apache Kafka broker behind `ledger broker start|stop|status`.
//
// Owns <state_dir>/kafka/: server.properties, log4j2.properties, data/ (single-node KRaft
// storage, formatted once), broker.log (the broker's output; the previous run's is kept as
// broker.log.1), broker.pid and bootstrap (one line "127.0.0.1:<port>", read by the other
// commands through resolve_brokers()). Kafka's jars come from Maven Central, named by the pom
// (local/kafka/pom.xml), cached in <cache_dir>/kafka-<version>/libs and reused by every
// checkout; a marker written after a complete download makes an interrupted one start over.
//
// Promises: the broker listens on 127.0.0.1 only; the events topic exists with the requested
// partitions and unlimited retention (retention.ms=-1: the log is the source of truth) before
// start reports success; a second start finds a running broker (pid alive and answering) and
// only reports its address; a stale pid file (process gone) never blocks a start; stop sends
// SIGTERM and waits (bounded) before SIGKILL. Every wait has a timeout.
// Needs: `java` (17+) on PATH, and `mvn` the first time for each Kafka version. Functions
// print progress to stderr and the bootstrap address to stdout; they return a process exit
// status. Not thread-safe; concurrent starts on one state dir are serialized by a file lock.
#pragma once

#include <optional>
#include <string>

#include "ledger/producer/kafka_options.hpp"

namespace ledger::local {

struct LocalBrokerOptions {
  std::string state_dir = ".ledger";            // already resolved (resolve_state_dir)
  int port = 9092;                              // client listener, 127.0.0.1
  int controller_port = 0;                      // KRaft controller listener; 0: port + 1
  std::string topic = producer::kDefaultTopic;  // created if missing
  int partitions = 6;                           // for the topic when it is created
  std::string pom_path;                         // names the Kafka version; required
  std::string cache_dir;                        // empty: $LEDGER_CACHE_DIR, else ~/.cache/ledger
  std::string heap_max = "512m";                // java -Xmx
  int ready_timeout_ms = 60'000;                // from spawn until the broker answers metadata
  int stop_timeout_ms = 30'000;                 // SIGTERM grace period before SIGKILL
  int resolve_timeout_ms = 600'000;             // Maven download bound
};

struct LocalBrokerStatus {
  bool running = false;     // pid alive, is our broker, and its port answers
  int pid = 0;              // from broker.pid, 0 if none
  std::string bootstrap;    // from the bootstrap file, "" if none
  std::string description;  // one human line
};

// Starts the broker (or finds the running one) and prints its bootstrap address. With
// `detach` it returns once the broker is ready and leaves it running; otherwise it runs until
// SIGINT/SIGTERM (or the broker exits) and then stops it cleanly. Returns an exit status.
int start_local_broker(const LocalBrokerOptions& options, bool detach);

// Stops the broker of `state_dir` if one runs (SIGTERM, bounded wait, then SIGKILL). Stopping
// when none runs succeeds. Returns an exit status.
int stop_local_broker(const std::string& state_dir, int stop_timeout_ms);

LocalBrokerStatus local_broker_status(const std::string& state_dir);

// The cache root: `flag_value`, else $LEDGER_CACHE_DIR, else $HOME/.cache/ledger.
std::optional<std::string> resolve_cache_dir(const std::string& flag_value, std::string& error);

// The <kafka.version> property of a pom (nullopt with `error` if missing).
std::optional<std::string> kafka_version_of_pom(const std::string& pom_path, std::string& error);

// The directory holding Kafka's jars for `pom_path`, downloading them with Maven first when the
// cache has no complete copy. Serialized across processes by a lock file in the cache.
std::optional<std::string> ensure_kafka_libs(const std::string& pom_path,
                                             const std::string& cache_dir, int timeout_ms,
                                             std::string& error);

}  // namespace ledger::local
