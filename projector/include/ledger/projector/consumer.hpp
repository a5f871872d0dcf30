// Consumer: the projector's Kafka side. A librdkafka KafkaConsumer in a consumer group that
// never uses Kafka's committed offsets: on every assignment it asks `OffsetLoader` (PostgreSQL)
// where each partition stands and assigns exactly those offsets (the beginning when none).
//
// Promises: eager rebalancing (assign/unassign), enable.auto.commit=false,
// isolation.level=read_committed. Every rebalance bumps generation(); a batch collected across a
// generation change must be dropped by the caller (its partitions may have moved). When the
// loader fails during a rebalance, the partitions are assigned anyway and needs_reseek() turns
// true: the caller must drop what it consumed and call reassign() with offsets it loaded.
// Partitions of any topic but options.kafka.topic are never assigned: the group can hand them
// over when another deployment shares it (a static member taking over a group.instance.id gets
// that member's last assignment, whatever it subscribed to). refused_assignment() then says
// so, and the caller must stop: their events would be stored under the wrong topic.
// Needs: one thread only (librdkafka calls the rebalance callback inside consume()).
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ledger/projector/options.hpp"

namespace ledger::projector {

// Partition -> the next offset stored in PostgreSQL (nullopt: no row yet, start at beginning).
using StoredOffsets = std::map<std::int32_t, std::optional<std::int64_t>>;
using OffsetLoader = std::function<StoredOffsets(const std::vector<std::int32_t>& partitions)>;
using MessagePtr = std::unique_ptr<RdKafka::Message>;

class Consumer {
 public:
  // Creates and subscribes the consumer. Throws std::runtime_error naming the bad setting.
  Consumer(const ProjectorOptions& options, OffsetLoader loader);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Appends messages to `batch` until it holds `events_max`, `wait_ms_max` passed since the
  // first message, `stop` is set, or a rebalance happened (then the caller drops the batch and,
  // when anything was read, needs_reseek() is true). Errors from the broker are logged.
  void poll_batch(std::vector<MessagePtr>& batch, std::size_t events_max, int wait_ms_max,
                  const std::atomic<bool>& stop);

  std::uint64_t generation() const { return generation_; }
  bool needs_reseek() const { return needs_reseek_; }
  // The expected (stored) next offset of every assigned partition.
  const StoredOffsets& expected() const { return expected_; }
  // After a committed batch: partition's stored offset is now `next_offset`.
  void note_committed(std::int32_t partition, std::int64_t next_offset);
  // Re-assigns the current partitions at `offsets` (e.g. after a failed or fenced commit) and
  // bumps the generation. Clears needs_reseek().
  void reassign(const StoredOffsets& offsets);
  std::vector<std::int32_t> assigned_partitions() const;
  // Empty, or why an assignment held partitions of another topic (names both topics).
  const std::string& refused_assignment() const { return refused_assignment_; }

  // True when a first assignment happened and every assigned partition's stored offset has
  // reached its end (high watermark or partition EOF). Queries the broker (bounded timeout).
  bool caught_up();

  // Leaves the group. Idempotent; called by the destructor.
  void close();

 private:
  class Rebalancer;
  void on_assign(std::vector<RdKafka::TopicPartition*>& assignment);
  void on_revoke();
  void assign_at(std::vector<RdKafka::TopicPartition*>& partitions, const StoredOffsets& offsets);

  ProjectorOptions options_;
  OffsetLoader loader_;
  std::unique_ptr<Rebalancer> rebalancer_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  StoredOffsets expected_;
  std::set<std::int32_t> at_eof_;
  std::uint64_t generation_ = 0;
  bool assigned_once_ = false;
  bool needs_reseek_ = false;
  bool closed_ = false;
  std::string refused_assignment_;
};

// The partitions of `topic` in `assignment` (not owned, as given); the others go to `foreign`.
std::vector<RdKafka::TopicPartition*> partitions_of_topic(
    const std::vector<RdKafka::TopicPartition*>& assignment, const std::string& topic,
    std::vector<RdKafka::TopicPartition*>& foreign);

}  // namespace ledger::projector
