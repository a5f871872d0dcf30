// The Kafka side of `ledger replay`: direct partition assignment from given offsets up to the
// end offsets captured by the caller.
#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <stdexcept>

#include "ledger/producer/kafka_options.hpp"
#include "ledger/projector/batch_runner.hpp"
#include "replay_source.hpp"

namespace ledger::projector {
namespace {

using Clock = std::chrono::steady_clock;

class KafkaSource : public ReplayLogSource {
 public:
  KafkaSource(const ProjectorOptions& options, int stall_timeout_ms)
      : options_(options), stall_timeout_ms_(stall_timeout_ms) {
    std::string error;
    std::unique_ptr<RdKafka::Conf> conf = producer::make_kafka_conf(options.kafka, error);
    if (!conf) throw std::runtime_error(error);
    // assign() only: the group id is required by librdkafka but never joins or commits.
    producer::set_kafka_property(*conf, "group.id", "ledger-replay-" + std::to_string(::getpid()));
    producer::set_kafka_property(*conf, "enable.auto.commit", "false");
    producer::set_kafka_property(*conf, "enable.auto.offset.store", "false");
    producer::set_kafka_property(*conf, "auto.offset.reset", "error");
    producer::set_kafka_property(*conf, "isolation.level", "read_committed");
    producer::set_kafka_property(*conf, "enable.partition.eof", "true");
    producer::set_kafka_property(*conf, "fetch.max.bytes", "104857600");
    producer::set_kafka_property(*conf, "max.partition.fetch.bytes", "16777216");
    std::string errstr;
    consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), errstr));
    if (!consumer_) throw std::runtime_error("cannot create Kafka consumer: " + errstr);
  }
  ~KafkaSource() override {
    batch_.clear();
    if (consumer_) consumer_->close();
  }

  OffsetMap end_offsets() override {
    // Stop fetching first: a watermark query queues behind the broker's fetch long-poll
    // (fetch.wait.max.ms) per partition otherwise; start() assigns again.
    consumer_->unassign();
    OffsetMap ends;
    for (const std::int32_t partition : partitions()) {
      std::int64_t low = 0;
      std::int64_t high = 0;
      const RdKafka::ErrorCode err = consumer_->query_watermark_offsets(
          options_.kafka.topic, partition, &low, &high, options_.kafka_query_timeout_ms);
      if (err != RdKafka::ERR_NO_ERROR) {
        throw std::runtime_error("watermarks of " + options_.kafka.topic + "/" +
                                 std::to_string(partition) + ": " + RdKafka::err2str(err));
      }
      if (low > 0) {
        throw std::runtime_error("topic " + options_.kafka.topic + " partition " +
                                 std::to_string(partition) + " starts at offset " +
                                 std::to_string(low) +
                                 ": retention deleted the head of the log; replay with "
                                 "--source archive");
      }
      ends[partition] = high;
    }
    return ends;
  }

  void start(const OffsetMap& from, const OffsetMap& to) override {
    to_ = to;
    done_.clear();
    std::vector<RdKafka::TopicPartition*> assignment;
    for (const auto& [partition, end] : to) {
      const auto found = from.find(partition);
      const std::int64_t begin = found == from.end() ? 0 : found->second;
      if (begin >= end) {
        done_.insert(partition);
        continue;
      }
      assignment.push_back(RdKafka::TopicPartition::create(options_.kafka.topic, partition, begin));
    }
    const RdKafka::ErrorCode err = consumer_->assign(assignment);
    RdKafka::TopicPartition::destroy(assignment);
    if (err != RdKafka::ERR_NO_ERROR) {
      throw std::runtime_error("cannot assign partitions: " + RdKafka::err2str(err));
    }
  }

  bool next_batch(std::vector<Record>& records, std::size_t events_max,
                  const std::atomic<bool>& stop) override {
    records.clear();
    batch_.clear();
    Clock::time_point last_progress = Clock::now();
    while (done_.size() < to_.size() && records.size() < events_max && !stop.load()) {
      MessagePtr message(consumer_->consume(options_.poll_timeout_ms));
      if (message->err() == RdKafka::ERR_NO_ERROR) {
        last_progress = Clock::now();
        const std::int32_t partition = message->partition();
        if (message->offset() + 1 >= to_[partition]) done_.insert(partition);
        if (message->offset() >= to_[partition]) continue;
        records.push_back(record_of(*message));
        batch_.push_back(std::move(message));
      } else if (message->err() == RdKafka::ERR__PARTITION_EOF) {
        done_.insert(message->partition());
      } else if (message->err() == RdKafka::ERR__TIMED_OUT) {
        if (!records.empty()) break;
        if (Clock::now() - last_progress > std::chrono::milliseconds(stall_timeout_ms_)) {
          throw std::runtime_error("Kafka replay source: no record for " +
                                   std::to_string(stall_timeout_ms_) + " ms");
        }
      } else {
        spdlog::warn("replay: Kafka: {}", message->errstr());
        if (message->err() == RdKafka::ERR__AUTO_OFFSET_RESET ||
            message->err() == RdKafka::ERR_OFFSET_OUT_OF_RANGE) {
          throw std::runtime_error("Kafka replay source: " + message->errstr());
        }
      }
    }
    return !records.empty();
  }

 private:
  std::vector<std::int32_t> partitions() {
    std::string errstr;
    std::unique_ptr<RdKafka::Topic> topic(
        RdKafka::Topic::create(consumer_.get(), options_.kafka.topic, nullptr, errstr));
    if (!topic) throw std::runtime_error("topic handle: " + errstr);
    RdKafka::Metadata* raw = nullptr;
    const RdKafka::ErrorCode err =
        consumer_->metadata(false, topic.get(), &raw, options_.kafka_query_timeout_ms);
    std::unique_ptr<RdKafka::Metadata> metadata(raw);
    if (err != RdKafka::ERR_NO_ERROR || metadata->topics()->empty()) {
      throw std::runtime_error("metadata of topic " + options_.kafka.topic + ": " +
                               RdKafka::err2str(err));
    }
    const RdKafka::TopicMetadata* topic_metadata = metadata->topics()->front();
    if (topic_metadata->err() != RdKafka::ERR_NO_ERROR) {
      throw std::runtime_error("topic " + options_.kafka.topic + ": " +
                               RdKafka::err2str(topic_metadata->err()));
    }
    std::vector<std::int32_t> ids;
    for (const RdKafka::PartitionMetadata* partition : *topic_metadata->partitions()) {
      ids.push_back(partition->id());
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  ProjectorOptions options_;
  int stall_timeout_ms_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  OffsetMap to_;
  std::set<std::int32_t> done_;
  std::vector<MessagePtr> batch_;
};

}  // namespace

std::unique_ptr<ReplayLogSource> make_kafka_source(const ProjectorOptions& options,
                                                   int stall_timeout_ms) {
  return std::make_unique<KafkaSource>(options, stall_timeout_ms);
}

}  // namespace ledger::projector
