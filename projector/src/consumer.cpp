#include "ledger/projector/consumer.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <string>

namespace ledger::projector {

class Consumer::Rebalancer : public RdKafka::RebalanceCb {
 public:
  explicit Rebalancer(Consumer& owner) : owner_(owner) {}
  void rebalance_cb(RdKafka::KafkaConsumer* /*consumer*/, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      owner_.on_assign(partitions);
    } else {
      if (err != RdKafka::ERR__REVOKE_PARTITIONS) {
        spdlog::warn("projector: rebalance error {}", RdKafka::err2str(err));
      }
      owner_.on_revoke();
    }
  }

 private:
  Consumer& owner_;
};

Consumer::Consumer(const ProjectorOptions& options, OffsetLoader loader)
    : options_(options), loader_(std::move(loader)), rebalancer_(new Rebalancer(*this)) {
  std::string error;
  std::unique_ptr<RdKafka::Conf> conf = producer::make_kafka_conf(options.kafka, error);
  if (!conf) throw std::runtime_error(error);
  // Our offsets live in PostgreSQL; Kafka's committed offsets are never used.
  producer::set_kafka_property(*conf, "group.id", options.group);
  producer::set_kafka_property(*conf, "enable.auto.commit", "false");
  producer::set_kafka_property(*conf, "enable.auto.offset.store", "false");
  producer::set_kafka_property(*conf, "auto.offset.reset", "earliest");
  producer::set_kafka_property(*conf, "isolation.level", "read_committed");
  producer::set_kafka_property(*conf, "enable.partition.eof", "true");
  producer::set_kafka_property(*conf, "partition.assignment.strategy", "range,roundrobin");
  std::string errstr;
  if (conf->set("rebalance_cb", rebalancer_.get(), errstr) != RdKafka::Conf::CONF_OK) {
    throw std::runtime_error("Kafka rebalance_cb: " + errstr);
  }
  consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), errstr));
  if (!consumer_) throw std::runtime_error("cannot create Kafka consumer: " + errstr);
  const RdKafka::ErrorCode err = consumer_->subscribe({options.kafka.topic});
  if (err != RdKafka::ERR_NO_ERROR) {
    throw std::runtime_error("cannot subscribe to topic " + options.kafka.topic + ": " +
                             RdKafka::err2str(err));
  }
  spdlog::info("projector: group '{}' subscribed to topic '{}'", options.group,
               options.kafka.topic);
}

Consumer::~Consumer() { close(); }

void Consumer::close() {
  if (closed_ || !consumer_) return;
  closed_ = true;
  consumer_->close();
}

void Consumer::assign_at(std::vector<RdKafka::TopicPartition*>& partitions,
                         const StoredOffsets& offsets) {
  expected_.clear();
  at_eof_.clear();
  for (RdKafka::TopicPartition* partition : partitions) {
    const auto found = offsets.find(partition->partition());
    const std::optional<std::int64_t> stored =
        found == offsets.end() ? std::nullopt : found->second;
    partition->set_offset(stored ? *stored : RdKafka::Topic::OFFSET_BEGINNING);
    expected_[partition->partition()] = stored;
  }
  const RdKafka::ErrorCode err = consumer_->assign(partitions);
  if (err != RdKafka::ERR_NO_ERROR) {
    spdlog::error("projector: assign failed: {}", RdKafka::err2str(err));
    needs_reseek_ = true;
  }
  ++generation_;
}

std::vector<RdKafka::TopicPartition*> partitions_of_topic(
    const std::vector<RdKafka::TopicPartition*>& assignment, const std::string& topic,
    std::vector<RdKafka::TopicPartition*>& foreign) {
  std::vector<RdKafka::TopicPartition*> own;
  for (RdKafka::TopicPartition* partition : assignment) {
    (partition->topic() == topic ? own : foreign).push_back(partition);
  }
  return own;
}

void Consumer::on_assign(std::vector<RdKafka::TopicPartition*>& assignment) {
  std::vector<RdKafka::TopicPartition*> foreign;
  std::vector<RdKafka::TopicPartition*> partitions =
      partitions_of_topic(assignment, options_.kafka.topic, foreign);
  if (!foreign.empty()) {
    std::string names;
    for (const RdKafka::TopicPartition* partition : foreign) {
      names += (names.empty() ? "" : ", ") + partition->topic() + "[" +
               std::to_string(partition->partition()) + "]";
    }
    refused_assignment_ = "group '" + options_.group + "' assigned " + names +
                          " to this projector, which consumes topic '" + options_.kafka.topic +
                          "': another deployment shares the group (or its group.instance.id); "
                          "give each topic's projectors a group of their own (--group)";
    spdlog::error("projector: refusing partitions: {}", refused_assignment_);
  }
  std::vector<std::int32_t> ids;
  ids.reserve(partitions.size());
  for (const RdKafka::TopicPartition* partition : partitions) ids.push_back(partition->partition());
  StoredOffsets offsets;
  needs_reseek_ = false;
  try {
    offsets = loader_(ids);
  } catch (const std::exception& e) {
    spdlog::warn("projector: cannot read stored offsets on assignment ({}); will re-seek",
                 e.what());
    needs_reseek_ = true;
  }
  assign_at(partitions, offsets);
  assigned_once_ = true;
  for (const auto& [partition, offset] : expected_) {
    spdlog::info("projector: assigned partition {} at offset {}", partition,
                 offset ? std::to_string(*offset) : std::string("beginning"));
  }
}

void Consumer::on_revoke() {
  if (!expected_.empty()) spdlog::info("projector: {} partition(s) revoked", expected_.size());
  consumer_->unassign();
  expected_.clear();
  at_eof_.clear();
  ++generation_;
}

void Consumer::note_committed(std::int32_t partition, std::int64_t next_offset) {
  const auto found = expected_.find(partition);
  if (found != expected_.end()) found->second = next_offset;
}

void Consumer::reassign(const StoredOffsets& offsets) {
  std::vector<RdKafka::TopicPartition*> partitions;
  for (const auto& [partition, offset] : expected_) {
    partitions.push_back(RdKafka::TopicPartition::create(options_.kafka.topic, partition));
  }
  needs_reseek_ = false;
  assign_at(partitions, offsets);
  RdKafka::TopicPartition::destroy(partitions);
}

std::vector<std::int32_t> Consumer::assigned_partitions() const {
  std::vector<std::int32_t> ids;
  for (const auto& entry : expected_) ids.push_back(entry.first);
  return ids;
}

void Consumer::poll_batch(std::vector<MessagePtr>& batch, std::size_t events_max, int wait_ms_max,
                          const std::atomic<bool>& stop) {
  const std::uint64_t generation_at_start = generation_;
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + std::chrono::milliseconds(wait_ms_max);
  while (batch.size() < events_max && !stop.load()) {
    int timeout_ms = options_.poll_timeout_ms;
    if (!batch.empty()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      timeout_ms = std::min(timeout_ms, static_cast<int>(left.count()));
    }
    MessagePtr message(consumer_->consume(timeout_ms));
    if (generation_ != generation_at_start) {
      // A rebalance ran inside consume(). Whatever was read (this message included) is
      // dropped, so the positions must go back to the stored offsets: re-seek.
      if (!batch.empty() || (message && message->err() == RdKafka::ERR_NO_ERROR)) {
        needs_reseek_ = true;
      }
      return;
    }
    if (!message) continue;
    const RdKafka::ErrorCode err = message->err();
    if (err == RdKafka::ERR_NO_ERROR) {
      at_eof_.erase(message->partition());
      batch.push_back(std::move(message));
      continue;
    }
    if (err == RdKafka::ERR__PARTITION_EOF) {
      at_eof_.insert(message->partition());
    } else if (err != RdKafka::ERR__TIMED_OUT) {
      spdlog::warn("projector: Kafka: {}", message->errstr());
    }
    if (batch.empty()) return;  // idle: let the caller check for the end
  }
}

bool Consumer::caught_up() {
  if (!assigned_once_ || needs_reseek_) return false;
  for (const auto& [partition, stored] : expected_) {
    if (at_eof_.count(partition) != 0) continue;
    std::int64_t low = 0;
    std::int64_t high = 0;
    const RdKafka::ErrorCode err = consumer_->query_watermark_offsets(
        options_.kafka.topic, partition, &low, &high, options_.kafka_query_timeout_ms);
    if (err != RdKafka::ERR_NO_ERROR) return false;
    if (stored ? *stored < high : low < high) return false;
  }
  return true;
}

}  // namespace ledger::projector
