// Metrics: a small Prometheus registry (counters, gauges, histograms by label) and the
// projector's own metrics on top of it, with the readiness rule behind /healthz.
//
// Owns: metric families and their children, and the text exposition format 0.0.4 that
// /metrics serves (families sorted by name, children by label values; HELP and label values
// escaped as the format requires).
// Promises:
//   - Thread safety: every method may be called from any thread at any time. Updating a
//     child (Counter::inc, Gauge::set, Histogram::observe) is lock-free; looking a child up by
//     labels takes a mutex, so hot paths keep the reference (children live as long as the
//     registry and never move).
//   - A family's type, help, label names and buckets are fixed by its first registration; a
//     later call that disagrees, or a name or label name the format forbids, throws
//     std::invalid_argument naming it.
// Needs: nothing; a MetricsRegistry outlives every reference it handed out.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ledger::projector {

// Label name -> value, in the family's label-name order.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(std::uint64_t amount = 1) { value_.fetch_add(amount, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  void add(double amount) { value_.fetch_add(amount, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  // REQUIRES: bounds strictly increasing and finite (the +Inf bucket is implicit).
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative_counts;  // one per bound, then +Inf
    double sum = 0.0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // per bucket, +Inf last
  std::atomic<double> sum_{0.0};
  std::atomic<std::uint64_t> count_{0};
};

// Default buckets for durations in seconds: 1 ms .. 10 s.
std::vector<double> duration_buckets_seconds();

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The child of family `name` with these labels, created on first use. Counter names should
  // end in "_total". Throws std::invalid_argument (see the header comment).
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help,
                       const std::vector<double>& bounds, const Labels& labels = {});
  // Drops one child (e.g. the lag gauge of a partition no longer assigned). References to it
  // stay valid (the object is kept) but it is no longer exposed. False when there was none.
  bool remove(const std::string& name, const Labels& labels);

  // The Prometheus text exposition (format 0.0.4) of every family.
  std::string exposition() const;

  struct Family;

 private:
  Family& family(const std::string& name, const std::string& help, int kind, const Labels& labels,
                 const std::vector<double>& bounds);
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>> families_;
};

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
class ProjectorMetrics {
 public:
  explicit ProjectorMetrics(MetricsRegistry& registry, ReadinessOptions readiness = {});

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

// The HTTP side: GET /metrics (text format 0.0.4) and GET /healthz (200 "ok ..." or 503 "not
// ready: ..."), served by cpp-httplib on its own threads. Binds 127.0.0.1 unless told otherwise.
struct MetricsServerOptions {
  std::string host = "127.0.0.1";
  int port = 9464;  // 0: any free port (see MetricsServer::port())
};

class MetricsServer {
 public:
  MetricsServer(const MetricsRegistry& registry, const ProjectorMetrics* health_source,
                MetricsServerOptions options);
  ~MetricsServer();  // stop()
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Binds and starts serving on a background thread; returns once the socket listens.
  // Throws std::runtime_error naming the address when it cannot bind.
  void start();
  // The bound port (after start()).
  int port() const { return port_; }
  // Stops serving and joins the thread. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace ledger::projector
