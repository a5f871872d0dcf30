// Internal to the local broker: the files under <state>/kafka, the broker's configuration and
// storage, and the Kafka requests made to check readiness and create the events topic.
// Every function is bounded by the timeout it is given. Not thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ledger::local::detail {

// Absolute paths of everything the local broker keeps under <state>/kafka.
struct BrokerLayout {
  std::string kafka_dir;          // <state>/kafka
  std::string data_dir;           // KRaft metadata and log segments
  std::string server_properties;  // rewritten on every start (ports may change)
  std::string log4j_properties;   // broker logging, to stdout (= broker.log)
  std::string log;                // broker.log (stdout and stderr of java)
  std::string format_log;         // output of kafka.tools.StorageTool format
  std::string pid_file;           // broker.pid
  std::string bootstrap;          // bootstrap (read by resolve_brokers)
  std::string start_lock;         // serializes concurrent starts
  std::string process_tag;        // a java argument naming this state dir, to know our broker
};

BrokerLayout broker_layout(const std::string& state_dir);

struct BrokerPorts {
  int client = 9092;
  int controller = 9093;
};

// Writes server.properties (single node, broker+controller, 127.0.0.1 only, unlimited
// retention, `partitions` as the default for auto-created topics) and log4j2.properties.
bool write_broker_config(const BrokerLayout& layout, const BrokerPorts& ports, int partitions,
                         std::string& error);

// Formats data_dir with a new cluster id unless it already holds meta.properties.
bool format_storage_if_needed(const BrokerLayout& layout, const std::string& libs_dir,
                              std::string& error);

// The java command line that serves the broker.
std::vector<std::string> broker_command_line(const BrokerLayout& layout,
                                             const std::string& libs_dir,
                                             const std::string& heap_max);

// A random Kafka cluster id: 16 random bytes, base64url without padding (22 characters).
std::string new_cluster_id();

// Polls `bootstrap` with metadata requests until one succeeds, `keep_waiting()` returns false
// or the timeout passes. False with `error` otherwise.
bool wait_until_answering(const std::string& bootstrap, int timeout_ms,
                          const std::function<bool()>& keep_waiting, std::string& error);

// Creates `topic` (partitions, replication 1, retention.ms=-1) unless it exists, and waits until
// every partition has a leader. `note` tells what was done ("created", "exists with N ...").
bool ensure_topic(const std::string& bootstrap, const std::string& topic, int partitions,
                  int timeout_ms, std::string& note, std::string& error);

}  // namespace ledger::local::detail
