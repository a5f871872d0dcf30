// Kafka configuration shared by every `ledger` command that talks to Kafka.
//
// Owns: the -b/--brokers, -t/--topic, -X key=value (librdkafka properties, passed through as
// kcat does) and --state-dir options, and how they turn into a librdkafka configuration.
// Promises: -X properties are applied in the order given, after bootstrap.servers, and every
// librdkafka rejection is reported with the property's name. The broker address is looked up
// in a fixed order (see resolve_brokers), so a command run with no flags finds the local
// broker started by `ledger broker start`.
// Needs: the KafkaOptions passed to add_kafka_options() outlives the CLI::App's parse.
// All functions are pure or read only the environment and files; they are thread-compatible.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace CLI {
class App;
}
namespace RdKafka {
class Conf;
}

namespace ledger::producer {

inline constexpr const char* kDefaultTopic = "ledger.events";

struct KafkaOptions {
  // -b/--brokers: bootstrap servers "host:port[,host:port]". Empty: see resolve_brokers().
  std::string brokers;
  // -t/--topic: the events topic.
  std::string topic = kDefaultTopic;
  // -X key=value: librdkafka properties, repeatable, kept in the order given.
  std::vector<std::pair<std::string, std::string>> properties;
  // --state-dir: local state. Empty: $LEDGER_STATE_DIR, else ".ledger" (resolve_state_dir()).
  std::string state_dir;
};

// Adds -b/--brokers, -t/--topic, -X (repeatable key=value; a malformed one is a parse error)
// and --state-dir to `command`, storing into `options`.
void add_kafka_options(CLI::App& command, KafkaOptions& options);

// Splits "key=value" at the first '='. Returns nullopt and fills `error` when there is no '=',
// the key is empty or the key contains whitespace. The value may be empty or contain '='.
std::optional<std::pair<std::string, std::string>> parse_property(const std::string& text,
                                                                  std::string& error);

// `flag_value` when non-empty, else $LEDGER_STATE_DIR when non-empty, else ".ledger".
std::string resolve_state_dir(const std::string& flag_value);

// <state_dir>/kafka and <state_dir>/kafka/bootstrap (one line, e.g. "127.0.0.1:9092").
std::string kafka_state_dir(const std::string& state_dir);
std::string bootstrap_file(const std::string& state_dir);

// The bootstrap servers, from the first of: -b, -X bootstrap.servers (last one given),
// $LEDGER_BROKERS, the first line of <resolved state dir>/kafka/bootstrap. When none is
// set returns nullopt and fills `error` telling the user to run `ledger broker start` or pass -b.
std::optional<std::string> resolve_brokers(const KafkaOptions& options, std::string& error);

// A global librdkafka Conf with bootstrap.servers (resolve_brokers) and then every -X property
// set, each result checked. Returns nullptr and fills `error` (naming the property) on failure.
std::unique_ptr<RdKafka::Conf> make_kafka_conf(const KafkaOptions& options, std::string& error);

// conf.set(key, value); throws std::runtime_error("Kafka property key=value: <reason>") when
// librdkafka refuses it.
void set_kafka_property(RdKafka::Conf& conf, const std::string& key, const std::string& value);

}  // namespace ledger::producer
