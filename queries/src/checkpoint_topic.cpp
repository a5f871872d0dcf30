// Checkpoint statements in a Kafka topic (checkpoint_topic.hpp).
#include "ledger/queries/checkpoint_topic.hpp"

#include <fmt/format.h>
#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "ledger/producer/topic_reader.hpp"

namespace ledger::queries {
namespace {

constexpr const char* kCheckpointKey = "ledger-audit-checkpoint";

class DeliveryResult : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    delivered = true;
    error = message.err() == RdKafka::ERR_NO_ERROR ? std::string() : message.errstr();
  }
  bool delivered = false;
  std::string error;
};

}  // namespace

void append_checkpoint_to_topic(const std::string& statement, const producer::KafkaOptions& kafka,
                                const std::string& topic, int timeout_ms) {
  std::string error;
  std::unique_ptr<RdKafka::Conf> conf = producer::make_kafka_conf(kafka, error);
  if (!conf) throw std::runtime_error(error);
  producer::set_kafka_property(*conf, "enable.idempotence", "true");
  producer::set_kafka_property(*conf, "acks", "all");
  producer::set_kafka_property(*conf, "message.timeout.ms", std::to_string(timeout_ms));
  DeliveryResult result;
  if (conf->set("dr_cb", &result, error) != RdKafka::Conf::CONF_OK) {
    throw std::runtime_error("Kafka dr_cb: " + error);
  }
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), error));
  if (!producer) throw std::runtime_error("cannot create Kafka producer: " + error);
  const RdKafka::ErrorCode err =
      producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                        const_cast<char*>(statement.data()), statement.size(), kCheckpointKey,
                        std::char_traits<char>::length(kCheckpointKey), 0, nullptr);
  if (err != RdKafka::ERR_NO_ERROR) {
    throw std::runtime_error(
        fmt::format("cannot send the checkpoint to topic {}: {}", topic, RdKafka::err2str(err)));
  }
  producer->flush(timeout_ms + 1000);
  if (!result.delivered) {
    throw std::runtime_error(
        fmt::format("the checkpoint was not acknowledged by topic {} in {} ms", topic, timeout_ms));
  }
  if (!result.error.empty()) {
    throw std::runtime_error(
        fmt::format("topic {} refused the checkpoint: {}", topic, result.error));
  }
}

std::vector<ChainHead> read_checkpoint_topic(const producer::KafkaOptions& kafka,
                                             const std::string& topic, int timeout_ms) {
  std::string error;
  const std::optional<std::string> brokers = producer::resolve_brokers(kafka, error);
  if (!brokers) throw std::runtime_error(error);
  producer::TopicReaderOptions options;
  options.brokers = *brokers;
  options.topic = topic;
  options.properties = kafka.properties;
  options.metadata_timeout_ms = timeout_ms;
  producer::TopicReader reader(options);
  std::stringstream statements;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!reader.done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error(
          fmt::format("cannot read the checkpoints of topic {} in {} ms", topic, timeout_ms));
    }
    if (std::optional<producer::Record> record = reader.next(200)) {
      statements << record->value << '\n';
    }
  }
  try {
    return read_checkpoints(statements);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("topic {}: {}", topic, e.what()));
  }
}

}  // namespace ledger::queries
