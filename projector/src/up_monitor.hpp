// Internal to `ledger up`: feeding ProjectorMetrics from outside the projector.
//   MetricsExtension: a ProjectionExtension that counts each batch's projected events by type
//     and its latency (first load to write). Counted at write(), just before the commit: a
//     batch whose commit fails and is retried counts again (rare: PostgreSQL outages).
//   PositionMonitor: a thread that, every interval, reads the topic's high watermarks from
//     Kafka and the stored offsets and rejects from PostgreSQL, and updates lag, committed
//     offsets, replay progress, rejects by type and the connection gauges. This measures the
//     truth the readiness rule needs, whatever the projector believes.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "ledger/producer/kafka_options.hpp"
#include "ledger/projector/extension.hpp"
#include "ledger/projector/metrics.hpp"

namespace ledger::projector::up {

class MetricsExtension : public ProjectionExtension {
 public:
  explicit MetricsExtension(ProjectorMetrics& metrics) : metrics_(metrics) {}
  std::string_view name() const override { return "metrics"; }
  void load(pqxx::dbtransaction& tx, const BatchKeys& keys) override;
  void apply(const DecodedEvent& event, const OrderState* order) override;
  void write(pqxx::dbtransaction& tx) override;
  void reset() override;

 private:
  ProjectorMetrics& metrics_;
  std::map<std::string, std::uint64_t, std::less<>> pending_;
  std::chrono::steady_clock::time_point batch_started_{};
  bool started_ = false;
};

struct MonitorOptions {
  producer::KafkaOptions kafka;  // brokers resolved
  std::string db_uri;
  std::string schema = "ledger";
  std::string group = "ledger-projector";
  int interval_ms = 1000;
  int kafka_timeout_ms = 3000;
};

class PositionMonitor {
 public:
  PositionMonitor(ProjectorMetrics& metrics, MonitorOptions options);
  ~PositionMonitor();  // stop()
  void start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ledger::projector::up
