#include "ledger/projector/metrics/monitor.hpp"

#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>
#include <pqxx/pqxx>
#include <vector>

#include "ledger/events/event_types.hpp"

namespace ledger::projector {

struct PositionMonitor::Impl {
  ProjectorMetrics& metrics;
  MonitorOptions options;
  std::unique_ptr<RdKafka::Producer> kafka;
  std::unique_ptr<RdKafka::Topic> topic;
  std::unique_ptr<pqxx::connection> db;
  std::map<std::pair<std::string, std::string>, std::int64_t> rejects_seen;
  bool rejects_baseline = false;
  bool db_was_connected = false;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::thread thread;

  Impl(ProjectorMetrics& m, MonitorOptions o) : metrics(m), options(std::move(o)) {}

  // Partition -> high watermark; empty when Kafka did not answer.
  std::map<std::int32_t, std::int64_t> watermarks() {
    std::string error;
    if (!kafka) {
      auto conf = producer::make_kafka_conf(options.kafka, error);
      if (!conf) throw std::runtime_error(error);
      kafka.reset(RdKafka::Producer::create(conf.get(), error));
      if (!kafka) throw std::runtime_error("kafka: " + error);
      topic.reset(RdKafka::Topic::create(kafka.get(), options.kafka.topic, nullptr, error));
      if (!topic) throw std::runtime_error("kafka topic: " + error);
    }
    RdKafka::Metadata* raw = nullptr;
    std::map<std::int32_t, std::int64_t> result;
    if (kafka->metadata(false, topic.get(), &raw, options.kafka_timeout_ms) !=
        RdKafka::ERR_NO_ERROR) {
      return result;
    }
    std::unique_ptr<RdKafka::Metadata> metadata(raw);
    for (const auto* t : *metadata->topics()) {
      if (t->topic() != options.kafka.topic || t->err() != RdKafka::ERR_NO_ERROR) continue;
      for (const auto* p : *t->partitions()) {
        std::int64_t low = 0;
        std::int64_t high = 0;
        if (kafka->query_watermark_offsets(options.kafka.topic, p->id(), &low, &high,
                                           options.kafka_timeout_ms) == RdKafka::ERR_NO_ERROR) {
          result[p->id()] = high;
        }
      }
    }
    return result;
  }

  void measure_database(const std::map<std::int32_t, std::int64_t>& highs) {
    if (!db) {
      db = std::make_unique<pqxx::connection>(options.db_uri);
      if (db_was_connected) metrics.reconnected("database");
    }
    pqxx::read_transaction tx(*db);
    std::map<std::int32_t, std::int64_t> stored;
    const auto offsets =
        tx.exec_params("SELECT kafka_partition, next_offset FROM " + options.schema +
                           ".consumer_offsets WHERE consumer_group = $1 AND kafka_topic = $2",
                       options.group, options.kafka.topic);
    for (const auto& row : offsets) stored[row[0].as<std::int32_t>()] = row[1].as<std::int64_t>();
    const auto rejects = tx.exec("SELECT coalesce(event_type, 'unknown'), reason, count(*) FROM " +
                                 options.schema + ".rejects GROUP BY 1, 2");
    tx.commit();
    db_was_connected = true;
    metrics.database_connected(true);
    for (const auto& [partition, high] : highs) {
      const auto found = stored.find(partition);
      metrics.partition_position(partition, found == stored.end() ? 0 : found->second, high);
    }
    for (const auto& row : rejects) {
      const auto key = std::make_pair(row[0].as<std::string>(), row[1].as<std::string>());
      const auto count = row[2].as<std::int64_t>();
      auto& seen = rejects_seen[key];
      if (rejects_baseline) {
        for (std::int64_t i = seen; i < count; ++i) metrics.event_rejected(key.first, key.second);
      }
      seen = count;
    }
    rejects_baseline = true;
  }

  void measure() {
    std::map<std::int32_t, std::int64_t> highs;
    try {
      highs = watermarks();
    } catch (const std::exception& e) {
      spdlog::warn("up: monitor: {}", e.what());
    }
    metrics.kafka_connected(!highs.empty());
    if (!highs.empty()) {
      std::vector<std::int32_t> partitions;
      for (const auto& [p, h] : highs) partitions.push_back(p);
      metrics.partitions_assigned(partitions);
    }
    try {
      measure_database(highs);
    } catch (const std::exception& e) {
      if (db_was_connected) spdlog::warn("up: monitor: database: {}", e.what());
      metrics.database_connected(false);
      db.reset();
    }
  }

  void loop() {
    std::unique_lock lock(mutex);
    while (!stopping) {
      lock.unlock();
      measure();
      lock.lock();
      wake.wait_for(lock, std::chrono::milliseconds(options.interval_ms),
                    [this] { return stopping; });
    }
  }
};

PositionMonitor::PositionMonitor(ProjectorMetrics& metrics, MonitorOptions options)
    : impl_(std::make_unique<Impl>(metrics, std::move(options))) {}

PositionMonitor::~PositionMonitor() { stop(); }

void PositionMonitor::start() {
  impl_->thread = std::thread([this] { impl_->loop(); });
}

void PositionMonitor::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace ledger::projector
