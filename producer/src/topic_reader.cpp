#include "ledger/producer/topic_reader.hpp"

#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "ledger/events/uuid.hpp"
#include "ledger/producer/kafka_options.hpp"

namespace ledger::producer {
namespace {

using Clock = std::chrono::steady_clock;

std::unique_ptr<RdKafka::Conf> make_reader_conf(const TopicReaderOptions& options) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  // KafkaConsumer needs a group.id; a fresh one, never joined (assign() only), never committed.
  set_kafka_property(*conf, "group.id", "ledger-reader-" + events::make_uuid_v7());
  set_kafka_property(*conf, "enable.auto.commit", "false");
  set_kafka_property(*conf, "enable.auto.offset.store", "false");
  set_kafka_property(*conf, "enable.partition.eof", "true");
  set_kafka_property(*conf, "auto.offset.reset", "earliest");
  if (!options.brokers.empty()) set_kafka_property(*conf, "bootstrap.servers", options.brokers);
  for (const auto& [key, value] : options.properties) set_kafka_property(*conf, key, value);
  return conf;
}

std::vector<std::int32_t> topic_partitions(RdKafka::KafkaConsumer& consumer,
                                           const std::string& topic, int timeout_ms) {
  std::string errstr;
  std::unique_ptr<RdKafka::Topic> handle(RdKafka::Topic::create(&consumer, topic, nullptr, errstr));
  if (!handle) throw std::runtime_error("topic " + topic + ": " + errstr);
  RdKafka::Metadata* raw = nullptr;
  const RdKafka::ErrorCode err = consumer.metadata(false, handle.get(), &raw, timeout_ms);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (err != RdKafka::ERR_NO_ERROR) {
    throw std::runtime_error("metadata of topic " + topic + ": " + RdKafka::err2str(err));
  }
  for (const auto* topic_metadata : *metadata->topics()) {
    if (topic_metadata->topic() != topic) continue;
    if (topic_metadata->err() != RdKafka::ERR_NO_ERROR) {
      throw std::runtime_error("topic " + topic + ": " + RdKafka::err2str(topic_metadata->err()));
    }
    std::vector<std::int32_t> partitions;
    for (const auto* partition : *topic_metadata->partitions()) {
      partitions.push_back(partition->id());
    }
    return partitions;
  }
  throw std::runtime_error("topic " + topic + " not found");
}

bool is_permanent(const RdKafka::Message& message) {
  switch (message.err()) {
    case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
    case RdKafka::ERR__UNKNOWN_TOPIC:
    case RdKafka::ERR__UNKNOWN_PARTITION:
    case RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED:
    case RdKafka::ERR__FATAL:
      return true;
    default:
      return false;
  }
}

Record to_record(RdKafka::Message& message) {
  Record record;
  record.partition = message.partition();
  record.offset = message.offset();
  const RdKafka::MessageTimestamp timestamp = message.timestamp();
  if (timestamp.type != RdKafka::MessageTimestamp::MSG_TIMESTAMP_NOT_AVAILABLE) {
    record.timestamp_ms = timestamp.timestamp;
  }
  if (message.key_pointer() != nullptr) {
    record.key.assign(static_cast<const char*>(message.key_pointer()), message.key_len());
  }
  if (message.payload() != nullptr) {
    record.value.assign(static_cast<const char*>(message.payload()), message.len());
  }
  if (RdKafka::Headers* headers = message.headers(); headers != nullptr) {
    for (const auto& header : headers->get_all()) {
      const char* value = static_cast<const char*>(header.value());
      record.headers.emplace_back(
          header.key(), value == nullptr ? std::string() : std::string(value, header.value_size()));
    }
  }
  return record;
}

}  // namespace

TopicReader::TopicReader(TopicReaderOptions options) : options_(std::move(options)) {
  auto conf = make_reader_conf(options_);
  std::string errstr;
  consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), errstr));
  if (!consumer_) throw std::runtime_error("cannot create Kafka consumer: " + errstr);
  const auto existing = topic_partitions(*consumer_, options_.topic, options_.metadata_timeout_ms);
  const auto& wanted = options_.partitions.empty() ? existing : options_.partitions;
  std::vector<RdKafka::TopicPartition*> assignment;
  for (const std::int32_t partition : wanted) {
    if (std::find(existing.begin(), existing.end(), partition) == existing.end()) {
      RdKafka::TopicPartition::destroy(assignment);
      throw std::runtime_error("topic " + options_.topic + " has no partition " +
                               std::to_string(partition) + " (it has " +
                               std::to_string(existing.size()) + ")");
    }
    std::int64_t low = 0;
    std::int64_t high = 0;
    const auto err = consumer_->query_watermark_offsets(options_.topic, partition, &low, &high,
                                                        options_.metadata_timeout_ms);
    if (err != RdKafka::ERR_NO_ERROR) {
      RdKafka::TopicPartition::destroy(assignment);
      throw std::runtime_error("watermarks of " + options_.topic + "[" + std::to_string(partition) +
                               "]: " + RdKafka::err2str(err));
    }
    const std::int64_t start = options_.from_end ? high : low;
    end_offsets_[partition] = high;
    if (options_.follow || start < high) next_offsets_[partition] = start;
    assignment.push_back(RdKafka::TopicPartition::create(options_.topic, partition, start));
  }
  const RdKafka::ErrorCode err = consumer_->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  if (err != RdKafka::ERR_NO_ERROR) {
    throw std::runtime_error("assign " + options_.topic + ": " + RdKafka::err2str(err));
  }
}

TopicReader::~TopicReader() { consumer_->close(); }

bool TopicReader::done() const { return !options_.follow && next_offsets_.empty(); }

void TopicReader::mark_position(std::int32_t partition, std::int64_t next_offset) {
  auto it = next_offsets_.find(partition);
  if (it == next_offsets_.end()) return;
  it->second = std::max(it->second, next_offset);
  if (!options_.follow && it->second >= end_offsets_[partition]) next_offsets_.erase(it);
}

std::optional<Record> TopicReader::next(int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done()) {
    const auto left_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left_ms < 0) return std::nullopt;
    std::unique_ptr<RdKafka::Message> message(consumer_->consume(static_cast<int>(left_ms)));
    switch (message->err()) {
      case RdKafka::ERR_NO_ERROR: {
        const std::int32_t partition = message->partition();
        const std::int64_t offset = message->offset();
        const bool past_end = !options_.follow && offset >= end_offsets_[partition];
        const bool pending = next_offsets_.count(partition) != 0;
        mark_position(partition, offset + 1);
        if (past_end || (!options_.follow && !pending)) continue;  // appended after we started
        return to_record(*message);
      }
      case RdKafka::ERR__PARTITION_EOF:
        mark_position(message->partition(), message->offset());
        continue;
      case RdKafka::ERR__TIMED_OUT:
        continue;
      default:
        if (is_permanent(*message)) {
          throw std::runtime_error("reading " + options_.topic + ": " + message->errstr());
        }
        spdlog::warn("reading {}: {} (retrying)", options_.topic, message->errstr());
    }
  }
  return std::nullopt;
}

std::vector<Record> read_topic(const std::string& brokers, const std::string& topic,
                               int timeout_ms) {
  TopicReaderOptions options;
  options.brokers = brokers;
  options.topic = topic;
  TopicReader reader(options);
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::vector<Record> records;
  while (!reader.done()) {
    if (Clock::now() >= deadline) {
      throw std::runtime_error("read_topic " + topic + ": not at the end offsets after " +
                               std::to_string(timeout_ms) + " ms (" +
                               std::to_string(records.size()) + " records read)");
    }
    if (auto record = reader.next(200)) records.push_back(std::move(*record));
  }
  return records;
}

}  // namespace ledger::producer
