// ProjectorMetrics: the projector's metric families and the readiness rule.
#include "ledger/projector/metrics/projector_metrics.hpp"

#include <fmt/format.h>

#include <chrono>
#include <map>

#include "ledger/events/event_types.hpp"

namespace ledger::projector {
namespace {

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Labels partition_label(std::int32_t partition) {
  return {{"partition", std::to_string(partition)}};
}

}  // namespace

ProjectorMetrics::ProjectorMetrics(MetricsRegistry& registry, ReadinessOptions readiness)
    : registry_(registry),
      readiness_(readiness),
      batches_(registry.counter("ledger_batches_total", "Committed batches.")),
      parked_(registry.counter("ledger_events_parked_total",
                               "Events with a payload from a newer schema, parked for later.")),
      batch_events_(registry.histogram("ledger_batch_events", "Events per committed batch.",
                                       {1, 10, 100, 1000, 10000, 100000})),
      batch_duration_(registry.histogram("ledger_batch_duration_seconds",
                                         "Latency of a batch from its first poll to its commit.",
                                         duration_buckets_seconds())),
      replay_progress_(registry.gauge(
          "ledger_replay_progress_ratio",
          "Share of the log projected: sum of committed offsets over sum of high watermarks.")),
      assigned_(registry.gauge("ledger_assigned_partitions", "Partitions this process owns.")),
      kafka_connected_(
          registry.gauge("ledger_kafka_connected", "1 when the last contact with Kafka worked.")),
      database_connected_(registry.gauge("ledger_database_connected",
                                         "1 when the last contact with PostgreSQL worked.")),
      ready_(registry.gauge("ledger_ready", "1 when /healthz answers 200.")) {}

void ProjectorMetrics::event_projected(std::string_view type, std::uint64_t count) {
  registry_
      .counter("ledger_events_projected_total", "Events applied to the projections, by type.",
               {{"type", std::string(type)}})
      .inc(count);
  projected_total_.fetch_add(count, std::memory_order_relaxed);
}

void ProjectorMetrics::event_rejected(std::string_view type, std::string_view reason) {
  registry_
      .counter("ledger_events_rejected_total",
               "Events sent to the rejects table, by type and reason.",
               {{"type", std::string(type)}, {"reason", std::string(reason)}})
      .inc();
  rejected_total_.fetch_add(1, std::memory_order_relaxed);
}

void ProjectorMetrics::event_duplicate(std::string_view type) {
  registry_
      .counter("ledger_events_duplicate_total",
               "Events whose event_id was projected before; they changed nothing.",
               {{"type", std::string(type)}})
      .inc();
}

void ProjectorMetrics::event_parked() { parked_.inc(); }

void ProjectorMetrics::batch_committed(const CommittedBatch& batch) noexcept {
  try {
    std::map<std::string_view, std::uint64_t> projected;
    for (const ProcessedRow& row : batch.rows.processed) {
      if (std::string_view(row.outcome) != "projected") continue;
      ++projected[events::payload_name(row.event->event.payload_case())];
    }
    for (const auto& [type, count] : projected) event_projected(type, count);
    parked_.inc(batch.rows.parked.size());
    batch_committed(batch.records, batch.duration_seconds);
  } catch (const std::exception&) {
    // A metric that cannot be recorded (out of memory) never stops the projector.
  }
}

void ProjectorMetrics::batch_committed(std::size_t events, double duration_seconds) {
  batches_.inc();
  batch_events_.observe(static_cast<double>(events));
  batch_duration_.observe(duration_seconds);
}

void ProjectorMetrics::partitions_assigned(const std::vector<std::int32_t>& partitions) {
  std::lock_guard lock(mutex_);
  for (auto it = partitions_.begin(); it != partitions_.end();) {
    bool kept = false;
    for (const auto p : partitions) kept = kept || p == it->first;
    if (kept) {
      ++it;
      continue;
    }
    for (const char* name :
         {"ledger_consumer_lag_events", "ledger_committed_offset", "ledger_high_watermark"}) {
      registry_.remove(name, partition_label(it->first));
    }
    it = partitions_.erase(it);
  }
  for (const auto p : partitions) partitions_.try_emplace(p);
  assigned_.set(static_cast<double>(partitions.size()));
}

void ProjectorMetrics::partition_position(std::int32_t partition,
                                          std::int64_t committed_next_offset,
                                          std::int64_t high_watermark) {
  const auto labels = partition_label(partition);
  const std::int64_t lag =
      high_watermark > committed_next_offset ? high_watermark - committed_next_offset : 0;
  registry_.gauge("ledger_consumer_lag_events", "Events in the log not projected yet.", labels)
      .set(static_cast<double>(lag));
  registry_
      .gauge("ledger_committed_offset",
             "Next offset to project, stored in PostgreSQL with the rows.", labels)
      .set(static_cast<double>(committed_next_offset));
  registry_.gauge("ledger_high_watermark", "The broker's high watermark.", labels)
      .set(static_cast<double>(high_watermark));
  std::lock_guard lock(mutex_);
  auto& state = partitions_[partition];
  state = {committed_next_offset, high_watermark, now_unix_ms(), true};
  std::int64_t committed_sum = 0;
  std::int64_t high_sum = 0;
  for (const auto& [p, s] : partitions_) {
    committed_sum += std::min(s.committed, s.high_watermark);
    high_sum += s.high_watermark;
  }
  replay_progress_.set(
      high_sum == 0 ? 1.0 : static_cast<double>(committed_sum) / static_cast<double>(high_sum));
}

void ProjectorMetrics::kafka_connected(bool connected) { kafka_connected_.set(connected ? 1 : 0); }

void ProjectorMetrics::database_connected(bool connected) {
  database_connected_.set(connected ? 1 : 0);
}

void ProjectorMetrics::reconnected(std::string_view component) {
  registry_
      .counter("ledger_reconnects_total", "Reconnects, by component (kafka, database).",
               {{"component", std::string(component)}})
      .inc();
}

HealthReport ProjectorMetrics::health() const {
  HealthReport report;
  const Totals t = totals();
  const auto not_ready = [this, &report](std::string why) {
    report.detail = "not ready: " + why;
    ready_.set(0);
    return report;
  };
  if (kafka_connected_.value() < 1) return not_ready("not connected to Kafka");
  if (database_connected_.value() < 1) return not_ready("not connected to PostgreSQL");
  std::int64_t oldest_ms = 0;
  {
    std::lock_guard lock(mutex_);
    if (partitions_.empty()) return not_ready("no partition assigned yet");
    oldest_ms = now_unix_ms();
    for (const auto& [p, s] : partitions_) {
      if (!s.measured) return not_ready(fmt::format("partition {} not measured yet", p));
      oldest_ms = std::min(oldest_ms, s.measured_unix_ms);
    }
  }
  const std::int64_t age_ms = now_unix_ms() - oldest_ms;
  if (age_ms > readiness_.lag_age_ms_max) {
    return not_ready(
        fmt::format("lag last measured {} ms ago (> {} ms)", age_ms, readiness_.lag_age_ms_max));
  }
  if (t.lag_events > readiness_.lag_events_max) {
    return not_ready(fmt::format("consumer lag {} > {}", t.lag_events, readiness_.lag_events_max));
  }
  report.ready = true;
  report.detail = fmt::format("ready: {} partitions, lag {}", t.partitions, t.lag_events);
  ready_.set(1);
  return report;
}

ProjectorMetrics::Totals ProjectorMetrics::totals() const {
  Totals t;
  t.events_projected = projected_total_.load(std::memory_order_relaxed);
  t.events_rejected = rejected_total_.load(std::memory_order_relaxed);
  t.batches = batches_.value();
  std::lock_guard lock(mutex_);
  t.partitions = partitions_.size();
  for (const auto& [p, s] : partitions_) {
    t.lag_events += s.high_watermark > s.committed ? s.high_watermark - s.committed : 0;
  }
  return t;
}

}  // namespace ledger::projector
