// `ledger up`'s local services: start or reuse the broker and the cluster, own what it started.
#include "up_services.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ledger/local/broker.hpp"
#include "ledger/local/cluster.hpp"
#include "ledger/local/process/process.hpp"

namespace ledger::local::up {
namespace {

namespace fs = std::filesystem;
constexpr int kBrokerStartTimeoutMs = 900'000;  // the first start downloads Apache Kafka
constexpr int kStopTimeoutMs = 30'000;

bool env_set(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0';
}

std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

void record_owned(const Services& services) {
  std::ofstream out(services.up_dir + "/owned", std::ios::trunc);
  if (services.kafka_owned) out << "kafka\n";
  if (services.postgres_owned) out << "postgres\n";
}

// Runs `ledger <args>` (this executable) with output appended to `log_path`; returns its exit
// status, or -1 when it could not run or ran past timeout_ms or `stop` (then it is stopped).
int run_ledger(const std::vector<std::string>& args, const std::string& log_path, int timeout_ms,
               const std::atomic<bool>& stop) {
  process::SpawnOptions options;
  options.argv = {"/proc/self/exe"};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.log_path = log_path;
  std::string error;
  const auto status = process::run(options, timeout_ms, error, nullptr, &stop);
  if (!status) spdlog::warn("up: {}", error);
  return status.value_or(-1);
}

}  // namespace

bool kafka_configured(const producer::KafkaOptions& kafka) {
  if (!kafka.brokers.empty() || env_set("LEDGER_BROKERS")) return true;
  for (const auto& [key, value] : kafka.properties) {
    if (key == "bootstrap.servers" && !value.empty()) return true;
  }
  return false;
}

bool postgres_configured(const schema::DatabaseOptions& database) {
  return !database.uri.empty() || env_set("LEDGER_DATABASE_URL") || env_set("PGHOST") ||
         env_set("PGHOSTADDR") || env_set("PGDATABASE") || env_set("PGSERVICE");
}

bool acquire_up_dir(Services& services, std::string& error) {
  std::error_code ec;
  fs::create_directories(services.up_dir, ec);
  if (ec) {
    error = "cannot create " + services.up_dir + ": " + ec.message();
    return false;
  }
  const std::string pid_path = services.up_dir + "/up.pid";
  const auto lines = read_lines(pid_path);
  if (!lines.empty()) {
    const long pid = std::strtol(lines.front().c_str(), nullptr, 10);
    if (pid != ::getpid() && process::process_alive(static_cast<pid_t>(pid))) {
      error = "another `ledger up` (pid " + std::to_string(pid) + ") runs on " +
              services.state_dir + "; stop it first (Ctrl-C or kill " + std::to_string(pid) + ")";
      return false;
    }
    for (const auto& owned : read_lines(services.up_dir + "/owned")) {
      if (owned == "kafka") services.kafka_owned = true;
      if (owned == "postgres") services.postgres_owned = true;
    }
    spdlog::warn(
        "up: the previous `ledger up` (pid {}) did not stop cleanly; adopting what it "
        "started{}{}",
        pid, services.kafka_owned ? " (kafka)" : "", services.postgres_owned ? " (postgres)" : "");
  }
  std::ofstream(pid_path, std::ios::trunc) << ::getpid() << "\n";
  record_owned(services);
  return true;
}

void release_up_dir(const Services& services) {
  std::error_code ec;
  fs::remove(services.up_dir + "/owned", ec);
  fs::remove(services.up_dir + "/up.pid", ec);
}

bool ensure_kafka(const UpOptions& options, Services& services, const std::atomic<bool>& stop,
                  std::string& error) {
  producer::KafkaOptions kafka = options.kafka;
  kafka.state_dir = services.state_dir;
  if (kafka_configured(kafka)) {
    const auto brokers = producer::resolve_brokers(kafka, error);
    if (!brokers) return false;
    services.brokers = *brokers;
    services.kafka_note = "configured";
    return true;
  }
  const auto status = local_broker_status(services.state_dir);
  if (status.running) {
    services.kafka_note = "local broker, reused";
  } else {
    const std::string log_path = services.up_dir + "/broker-start.log";
    spdlog::info(
        "up: starting the local Kafka broker (first run: downloads Apache Kafka with "
        "Maven, a few minutes); log {}",
        log_path);
    services.kafka_owned = true;  // a half-started broker is ours to stop too
    record_owned(services);
    const int rc =
        run_ledger({"broker", "start", "--detach", "--state-dir", services.state_dir, "--port",
                    std::to_string(options.kafka_port), "-t", options.kafka.topic, "--partitions",
                    std::to_string(options.partitions)},
                   log_path, kBrokerStartTimeoutMs, stop);
    if (rc != 0) {
      error = "the local Kafka broker did not start (exit " + std::to_string(rc) + "); see " +
              log_path + " and " + producer::kafka_state_dir(services.state_dir) + "/broker.log";
      return false;
    }
    services.kafka_note = "local broker, started";
  }
  const auto brokers = producer::resolve_brokers(kafka, error);
  if (!brokers) return false;
  services.brokers = *brokers;
  return true;
}

bool ensure_postgres(const UpOptions& options, Services& services, std::string& error) {
  schema::DatabaseOptions database = options.database;
  database.state_dir = services.state_dir;
  if (postgres_configured(database)) {
    services.db_note = "configured";
  } else {
    LocalClusterOptions cluster;
    cluster.state_dir = services.state_dir;
    cluster.port = options.postgres_port;
    if (local_cluster_status(cluster).running) {
      services.db_note = "local cluster, reused";
    } else {
      services.postgres_owned = true;
      record_owned(services);
      LocalClusterStatus status;
      if (!start_local_cluster(cluster, status, error)) return false;
      services.db_note = "local cluster, " + status.note;
    }
  }
  const auto uri = schema::resolve_database_uri(database, error);
  if (!uri) return false;
  services.db_uri = *uri;
  return true;
}

void stop_owned_services(const Services& services) {
  if (services.postgres_owned) {
    LocalClusterOptions cluster;
    cluster.state_dir = services.state_dir;
    LocalClusterStatus status;
    std::string error;
    if (stop_local_cluster(cluster, status, error)) {
      spdlog::info("up: stopped the local PostgreSQL cluster");
    } else {
      spdlog::error("up: stopping PostgreSQL: {}", error);
    }
  }
  if (services.kafka_owned) {
    const int rc = stop_local_broker(services.state_dir, kStopTimeoutMs);
    if (rc == 0) {
      spdlog::info("up: stopped the local Kafka broker");
    } else {
      spdlog::error("up: stopping the Kafka broker failed (exit {})", rc);
    }
  }
}

}  // namespace ledger::local::up
