#include "ledger/producer/kafka_options.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>

namespace ledger::producer {
namespace {

// Kafka's own rule for topic names: 1..249 characters of [a-zA-Z0-9._-].
std::string check_topic_name(const std::string& topic) {
  constexpr std::size_t kTopicLengthMax = 249;
  if (topic.empty() || topic.size() > kTopicLengthMax) {
    return "topic name must have 1 to 249 characters";
  }
  const bool valid = std::all_of(topic.begin(), topic.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
  });
  if (!valid) return "topic name '" + topic + "' may only contain letters, digits, '.', '_', '-'";
  return {};
}

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

}  // namespace

std::optional<std::pair<std::string, std::string>> parse_property(const std::string& text,
                                                                  std::string& error) {
  const auto equals = text.find('=');
  if (equals == std::string::npos) {
    error = "-X expects key=value, got '" + text + "'";
    return std::nullopt;
  }
  std::string key = text.substr(0, equals);
  if (key.empty()) {
    error = "-X expects key=value, the key is empty in '" + text + "'";
    return std::nullopt;
  }
  const bool has_space = std::any_of(key.begin(), key.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
  });
  if (has_space) {
    error = "-X key '" + key + "' contains whitespace";
    return std::nullopt;
  }
  return std::make_pair(std::move(key), text.substr(equals + 1));
}

void add_kafka_options(CLI::App& command, KafkaOptions& options) {
  command.add_option("-b,--brokers", options.brokers,
                     "Kafka bootstrap servers host:port[,...] (default: -X bootstrap.servers, "
                     "$LEDGER_BROKERS, else the local broker's <state-dir>/kafka/bootstrap)");
  command.add_option("-t,--topic", options.topic, "Events topic")
      ->capture_default_str()
      ->check(CLI::Validator(check_topic_name, "TOPIC", "topic name"));
  const CLI::Validator property_form(
      [](const std::string& text) {
        std::string error;
        return parse_property(text, error) ? std::string() : error;
      },
      "KEY=VALUE", "librdkafka property");
  command
      .add_option_function<std::vector<std::string>>(
          "-X",
          [&options](const std::vector<std::string>& values) {
            for (const auto& text : values) {
              std::string error;
              auto property = parse_property(text, error);
              if (!property) throw CLI::ValidationError("-X", error);
              options.properties.push_back(std::move(*property));
            }
          },
          "librdkafka property key=value, repeatable (e.g. -X acks=all)")
      ->allow_extra_args(false)
      ->check(property_form);
  command.add_option("--state-dir", options.state_dir,
                     "Local state directory (default: $LEDGER_STATE_DIR, else .ledger)");
}

std::string resolve_state_dir(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  std::string from_env = env_or_empty("LEDGER_STATE_DIR");
  if (!from_env.empty()) return from_env;
  return ".ledger";
}

std::string kafka_state_dir(const std::string& state_dir) { return state_dir + "/kafka"; }

std::string bootstrap_file(const std::string& state_dir) {
  return kafka_state_dir(state_dir) + "/bootstrap";
}

std::optional<std::string> resolve_brokers(const KafkaOptions& options, std::string& error) {
  if (!options.brokers.empty()) return options.brokers;
  for (auto it = options.properties.rbegin(); it != options.properties.rend(); ++it) {
    if (it->first == "bootstrap.servers" && !it->second.empty()) return it->second;
  }
  std::string from_env = trim(env_or_empty("LEDGER_BROKERS"));
  if (!from_env.empty()) return from_env;
  const std::string path = bootstrap_file(resolve_state_dir(options.state_dir));
  std::ifstream in(path);
  std::string line;
  if (in && std::getline(in, line) && !trim(line).empty()) return trim(line);
  error =
      "no Kafka broker configured: pass -b host:port (or -X bootstrap.servers=..., or set "
      "LEDGER_BROKERS), or start the local one with `ledger broker start` (looked for " +
      path + ")";
  return std::nullopt;
}

std::unique_ptr<RdKafka::Conf> make_kafka_conf(const KafkaOptions& options, std::string& error) {
  const auto brokers = resolve_brokers(options, error);
  if (!brokers) return nullptr;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string errstr;
  if (conf->set("bootstrap.servers", *brokers, errstr) != RdKafka::Conf::CONF_OK) {
    error = "Kafka property bootstrap.servers=" + *brokers + ": " + errstr;
    return nullptr;
  }
  for (const auto& [key, value] : options.properties) {
    if (conf->set(key, value, errstr) != RdKafka::Conf::CONF_OK) {
      error = "Kafka property -X " + key + "=" + value + ": " + errstr;
      return nullptr;
    }
  }
  return conf;
}

void set_kafka_property(RdKafka::Conf& conf, const std::string& key, const std::string& value) {
  std::string errstr;
  if (conf.set(key, value, errstr) != RdKafka::Conf::CONF_OK) {
    throw std::runtime_error("Kafka property " + key + "=" + value + ": " + errstr);
  }
}

}  // namespace ledger::producer
