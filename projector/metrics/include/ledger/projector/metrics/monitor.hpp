// PositionMonitor: a thread that, every interval, reads the topic's high watermarks from Kafka
// and the stored offsets and rejects from PostgreSQL, and updates ProjectorMetrics' lag,
// committed offsets, replay progress, rejects by type and connection gauges. This measures
// the truth the readiness rule needs, whatever the projector believes (it sees every
// projector of the group, not only this process).
// Thread safety: start() and stop() from one thread; the monitor's own thread only touches
// ProjectorMetrics (thread-safe).
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "ledger/producer/kafka_options.hpp"
#include "ledger/projector/metrics/projector_metrics.hpp"

namespace ledger::projector {

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

}  // namespace ledger::projector
