// TopicReader: reads a topic's records partition by partition, without a consumer group.
//
// Owns: one librdkafka KafkaConsumer used only with assign() (no subscribe, no commits, no
// auto offset store), so reading never moves anyone's committed offsets.
// Promises: at construction it captures each partition's end offset (high watermark); without
// `follow` the reader is done() once every partition has been read up to that offset, so a
// finite read of a live topic ends. Records of one partition come in offset order. Kafka errors
// other than partition EOF are returned to the caller as exceptions, never swallowed.
// Used by `ledger tail`, the tests and the benchmark to read back what was published.
// Thread safety: none; one thread uses a TopicReader.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace RdKafka {
class KafkaConsumer;
}

namespace ledger::producer {

struct TopicReaderOptions {
  // bootstrap.servers. May be empty when `properties` sets it.
  std::string brokers;
  std::string topic = "ledger.events";
  // librdkafka properties applied after the reader's own settings.
  std::vector<std::pair<std::string, std::string>> properties;
  // Partitions to read; empty: all of the topic's partitions.
  std::vector<std::int32_t> partitions;
  // Start at each partition's end instead of its beginning.
  bool from_end = false;
  // Keep reading new records after the end offsets captured at construction.
  bool follow = false;
  // Bound on the metadata and watermark queries at construction.
  int metadata_timeout_ms = 10'000;
};

struct Record {
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::int64_t timestamp_ms = -1;  // the message's timestamp, -1 when it has none
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;  // in message order
};

class TopicReader {
 public:
  // Connects, reads the topic's partitions and their watermarks, assigns. Throws
  // std::runtime_error naming the topic and librdkafka's reason (unknown topic, unknown
  // partition, no broker, bad property).
  explicit TopicReader(TopicReaderOptions options);
  // Closes the consumer.
  ~TopicReader();
  TopicReader(const TopicReader&) = delete;
  TopicReader& operator=(const TopicReader&) = delete;

  // The next record, waiting up to timeout_ms. nullopt on timeout or once done(). Throws
  // std::runtime_error on a consumer error.
  std::optional<Record> next(int timeout_ms);
  // True when not following and every partition reached its captured end offset.
  bool done() const;
  // The assigned partitions and their end offsets captured at construction.
  const std::map<std::int32_t, std::int64_t>& end_offsets() const { return end_offsets_; }

 private:
  void mark_position(std::int32_t partition, std::int64_t next_offset);

  TopicReaderOptions options_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::map<std::int32_t, std::int64_t> end_offsets_;
  std::map<std::int32_t, std::int64_t> next_offsets_;  // partitions not yet at their end
};

// Every record of `topic` up to the end offsets captured now, waiting at most timeout_ms in
// total. Throws std::runtime_error on a consumer error or when the time runs out.
std::vector<Record> read_topic(const std::string& brokers, const std::string& topic,
                               int timeout_ms);

}  // namespace ledger::producer
