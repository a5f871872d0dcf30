// MetricsRegistry: a small Prometheus registry (counters, gauges, histograms by label) and
// its text exposition.
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
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
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

}  // namespace ledger::projector
