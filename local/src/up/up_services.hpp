// Internal to `ledger up`: the local services (Kafka broker, PostgreSQL cluster) and the
// <state>/up/ directory (up.pid: the running `ledger up`; owned: the services it started).
// Not thread-safe: the orchestrating thread only.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "ledger/local/up.hpp"

namespace ledger::local::up {

struct Services {
  std::string state_dir;   // resolved, absolute
  std::string up_dir;      // <state>/up
  std::string brokers;     // bootstrap servers in use
  std::string kafka_note;  // "configured", "local broker, started", "local broker, reused"
  std::string db_uri;      // conninfo in use (secret: log only redacted)
  std::string db_note;
  bool kafka_owned = false;     // stop it at exit
  bool postgres_owned = false;  // stop it at exit
};

// Takes <state>/up/up.pid. Fails when another live `ledger up` holds it. A stale one (process
// gone, e.g. SIGKILL) is replaced and the services it had started are adopted into `services`.
bool acquire_up_dir(Services& services, std::string& error);
// Removes up.pid and the owned list.
void release_up_dir(const Services& services);

// Kafka: the configured broker, else the local one (started when not running).
bool ensure_kafka(const UpOptions& options, Services& services, const std::atomic<bool>& stop,
                  std::string& error);
// PostgreSQL: the configured database, else the local cluster (started when not running).
bool ensure_postgres(const UpOptions& options, Services& services, std::string& error);
// Stops the local services this run owns (unless keep), newest first.
void stop_owned_services(const Services& services);

// True when the Kafka / PostgreSQL options or environment name a service.
bool kafka_configured(const producer::KafkaOptions& kafka);
bool postgres_configured(const schema::DatabaseOptions& database);

}  // namespace ledger::local::up
