// ProjectorMetrics: the projector's metrics on a MetricsRegistry, and the readiness rule
// behind /healthz. It observes the engine through BatchObserver (counted once per committed
// batch, never for a batch rolled back and retried) and is told the partitions' positions by
// the PositionMonitor (monitor.hpp).
//
// Thread safety: every method may be called from any thread at any time.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/projector/metrics/registry.hpp"
#include "ledger/projector/observer.hpp"

namespace ledger::projector {

// What /healthz answers: ready (HTTP 200) or not, and why, in one line.
struct HealthReport {
  bool ready = false;
  std::string detail;  // e.g. "ready: 6 partitions, lag 0" or "not ready: consumer lag 5234 > 1000"
};

struct ReadinessOptions {
  // Ready only while the total consumer lag (events) is at most this ...
  std::int64_t lag_events_max = 1000;
  // ... and the lag was last measured at most this long ago (a stuck projector is not ready).
  std::int64_t lag_age_ms_max = 30'000;
};

// The projector's metrics. Every update method is thread-safe and cheap; the projector calls
// them from its loop. Metric names (all prefixed "ledger_"):
//   events_projected_total{type}          events applied to the projections, by payload name
//   events_rejected_total{type,reason}    events sent to the rejects table
//   events_duplicate_total{type}          events seen before (same event_id), changed nothing
//   events_parked_total                   unknown payloads from a newer schema
//   batches_total                         committed batches
//   batch_events                          histogram: events per committed batch
//   batch_duration_seconds                histogram: poll-to-commit latency of a batch
//   consumer_lag_events{partition}        high watermark - next offset to project
//   committed_offset{partition}           next offset stored in PostgreSQL with the rows
//   high_watermark{partition}             broker's high watermark at the last measurement
//   replay_progress_ratio                 sum(committed) / sum(high watermark) over partitions
//   assigned_partitions                   partitions this process owns
//   kafka_connected, database_connected   1 when the last contact succeeded, else 0
//   reconnects_total{component}           reconnects to "kafka" or "database"
//   ready                                 1 when /healthz answers 200
class ProjectorMetrics : public BatchObserver {
 public:
  explicit ProjectorMetrics(MetricsRegistry& registry, ReadinessOptions readiness = {});

  // The engine's report of a committed batch: projected events by type, parked events, the
  // batch's size and duration.
  void batch_committed(const CommittedBatch& batch) noexcept override;

  void event_projected(std::string_view type, std::uint64_t count = 1);
  void event_rejected(std::string_view type, std::string_view reason);
  void event_duplicate(std::string_view type);
  void event_parked();
  void batch_committed(std::size_t events, double duration_seconds);
  // The partitions this process owns now; drops the per-partition series of the others.
  void partitions_assigned(const std::vector<std::int32_t>& partitions);
  // One partition's position: next offset stored in PostgreSQL and the broker's high
  // watermark. Updates lag, committed offset, replay progress and the lag's timestamp.
  void partition_position(std::int32_t partition, std::int64_t committed_next_offset,
                          std::int64_t high_watermark);
  void kafka_connected(bool connected);
  void database_connected(bool connected);
  void reconnected(std::string_view component);  // "kafka" or "database"

  // Readiness: connected to both, at least one partition assigned and positions measured for
  // all of them, total lag <= lag_events_max, measured within lag_age_ms_max.
  HealthReport health() const;

  // For summaries (`ledger up`): totals over all labels.
  struct Totals {
    std::uint64_t events_projected = 0;
    std::uint64_t events_rejected = 0;
    std::uint64_t batches = 0;
    std::int64_t lag_events = 0;
    std::size_t partitions = 0;
  };
  Totals totals() const;

  MetricsRegistry& registry() { return registry_; }

 private:
  MetricsRegistry& registry_;
  ReadinessOptions readiness_;
  Counter& batches_;
  Counter& parked_;
  Histogram& batch_events_;
  Histogram& batch_duration_;
  Gauge& replay_progress_;
  Gauge& assigned_;
  Gauge& kafka_connected_;
  Gauge& database_connected_;
  Gauge& ready_;
  std::atomic<std::uint64_t> projected_total_{0};
  std::atomic<std::uint64_t> rejected_total_{0};
  mutable std::mutex mutex_;  // guards the per-partition state below
  struct PartitionState {
    std::int64_t committed = 0;
    std::int64_t high_watermark = 0;
    std::int64_t measured_unix_ms = 0;
    bool measured = false;
  };
  std::map<std::int32_t, PartitionState> partitions_;
};

}  // namespace ledger::projector
