#include "publisher_conf.hpp"

#include <google/protobuf/util/time_util.h>

#include <array>
#include <utility>

#include "ledger/events/event_types.hpp"

namespace ledger::producer::detail {
namespace {

void set_checked(RdKafka::Conf& conf, const std::string& key, const std::string& value) {
  std::string errstr;
  if (conf.set(key, value, errstr) != RdKafka::Conf::CONF_OK) {
    throw ConfigError("Kafka property " + key + "=" + value + ": " + errstr);
  }
}

// The guarantees of publisher.hpp rest on these two; a property that weakens them is refused.
void refuse_weakening(const std::string& key, const std::string& value) {
  if (key == "enable.idempotence" && value != "true") {
    throw ConfigError("Kafka property enable.idempotence=" + value +
                      " refused: the Publisher needs enable.idempotence=true (no duplicates, "
                      "order kept through retries)");
  }
  if ((key == "acks" || key == "request.required.acks") && value != "all" && value != "-1") {
    throw ConfigError("Kafka property " + key + "=" + value +
                      " refused: the Publisher needs acks=all (a delivered event is on every "
                      "in-sync replica)");
  }
}

}  // namespace

std::unique_ptr<RdKafka::Conf> make_publisher_conf(const PublisherOptions& options,
                                                   RdKafka::DeliveryReportCb* delivery_cb,
                                                   RdKafka::EventCb* event_cb) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  // Everything the Publisher relies on, set explicitly (librdkafka defaults change).
  const std::array<std::pair<const char*, const char*>, 8> defaults{{
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"max.in.flight.requests.per.connection", "5"},
      {"message.timeout.ms", "300000"},
      {"linger.ms", "5"},
      {"compression.type", "lz4"},
      // Java's partitioner: the same agent_id maps to the same partition from any client.
      {"partitioner", "murmur2_random"},
      {"client.id", "ledger-publisher"},
  }};
  for (const auto& [key, value] : defaults) set_checked(*conf, key, value);
  if (!options.brokers.empty()) set_checked(*conf, "bootstrap.servers", options.brokers);
  for (const auto& [key, value] : options.properties) {
    refuse_weakening(key, value);
    set_checked(*conf, key, value);
  }
  std::string brokers;
  if (conf->get("bootstrap.servers", brokers) != RdKafka::Conf::CONF_OK || brokers.empty()) {
    throw ConfigError("no Kafka broker: set PublisherOptions::brokers or bootstrap.servers");
  }
  std::string errstr;
  if (conf->set("dr_cb", delivery_cb, errstr) != RdKafka::Conf::CONF_OK) {
    throw ConfigError("librdkafka dr_cb: " + errstr);
  }
  if (conf->set("event_cb", event_cb, errstr) != RdKafka::Conf::CONF_OK) {
    throw ConfigError("librdkafka event_cb: " + errstr);
  }
  return conf;
}

std::unique_ptr<RdKafka::Headers> make_cloudevents_headers(const ledger::v1::Event& event,
                                                           const std::string& source_prefix) {
  std::unique_ptr<RdKafka::Headers> headers(RdKafka::Headers::create());
  const auto type = events::payload_type(event.payload_case());
  headers->add("ce_specversion", "1.0");
  headers->add("ce_id", event.event_id());
  headers->add("ce_type", type.data(), type.size());
  headers->add("ce_source", source_prefix + event.agent_id());
  headers->add("ce_time", google::protobuf::util::TimeUtil::ToString(event.occurred_at()));
  headers->add("content-type", "application/protobuf");
  return headers;
}

}  // namespace ledger::producer::detail
