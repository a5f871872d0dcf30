// MetricsRegistry, Histogram and the Prometheus text exposition format 0.0.4.
#include "ledger/projector/metrics/registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ledger::projector {
namespace {

enum Kind : int { kCounter = 0, kGauge = 1, kHistogram = 2 };
constexpr const char* kKindNames[] = {"counter", "gauge", "histogram"};

bool valid_name(std::string_view name, bool label) {
  if (name.empty()) return false;
  if (label && name.size() >= 2 && name.substr(0, 2) == "__") return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!label && c == ':');
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::string escape(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

// {a="1",b="2"} with an optional extra label (for le=).
std::string label_text(const Labels& labels, std::string_view extra_name = {},
                       std::string_view extra_value = {}) {
  std::string out;
  for (const auto& [name, value] : labels) {
    out += out.empty() ? "{" : ",";
    out += name + "=\"" + escape(value, true) + "\"";
  }
  if (!extra_name.empty()) {
    out += out.empty() ? "{" : ",";
    out += std::string(extra_name) + "=\"" + std::string(extra_value) + "\"";
  }
  return out.empty() ? out : out + "}";
}

}  // namespace

struct MetricsRegistry::Family {
  std::string name;
  std::string help;
  int kind = kCounter;
  std::vector<std::string> label_names;
  std::vector<double> bounds;
  // Keyed by label values; children never move. Removed children are kept alive in `retired`.
  std::map<std::vector<std::string>, std::pair<Labels, std::unique_ptr<Counter>>> counters;
  std::map<std::vector<std::string>, std::pair<Labels, std::unique_ptr<Gauge>>> gauges;
  std::map<std::vector<std::string>, std::pair<Labels, std::unique_ptr<Histogram>>> histograms;
  std::vector<std::shared_ptr<void>> retired;
};

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
      throw std::invalid_argument("histogram bounds must be finite and strictly increasing");
    }
  }
}

void Histogram::observe(double value) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  counts_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snapshot;
  snapshot.bounds = bounds_;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    snapshot.cumulative_counts.push_back(running);
  }
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  snapshot.count = running;  // consistent with the buckets, whatever count_ raced to
  return snapshot;
}

std::vector<double> duration_buckets_seconds() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};
}

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Family& MetricsRegistry::family(const std::string& name, const std::string& help,
                                                 int kind, const Labels& labels,
                                                 const std::vector<double>& bounds) {
  std::vector<std::string> label_names;
  for (const auto& label : labels) {
    if (!valid_name(label.first, true) || (kind == kHistogram && label.first == "le")) {
      throw std::invalid_argument(fmt::format("metric {}: bad label name '{}'", name, label.first));
    }
    label_names.push_back(label.first);
  }
  auto& slot = families_[name];
  if (!slot) {
    if (!valid_name(name, false)) {
      families_.erase(name);
      throw std::invalid_argument(fmt::format("bad metric name '{}'", name));
    }
    slot = std::make_unique<Family>();
    *slot = Family{name, help, kind, label_names, bounds, {}, {}, {}, {}};
  }
  if (slot->kind != kind || slot->label_names != label_names || slot->bounds != bounds) {
    throw std::invalid_argument(
        fmt::format("metric {}: registered before as a {} with other labels or buckets", name,
                    kKindNames[slot->kind]));
  }
  return *slot;
}

namespace {
std::vector<std::string> values_of(const Labels& labels) {
  std::vector<std::string> values;
  for (const auto& label : labels) values.push_back(label.second);
  return values;
}
}  // namespace

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                  const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& child = family(name, help, kCounter, labels, {}).counters[values_of(labels)];
  if (!child.second) child = {labels, std::make_unique<Counter>()};
  return *child.second;
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help,
                              const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& child = family(name, help, kGauge, labels, {}).gauges[values_of(labels)];
  if (!child.second) child = {labels, std::make_unique<Gauge>()};
  return *child.second;
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                      const std::vector<double>& bounds, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& child = family(name, help, kHistogram, labels, bounds).histograms[values_of(labels)];
  if (!child.second) child = {labels, std::make_unique<Histogram>(bounds)};
  return *child.second;
}

bool MetricsRegistry::remove(const std::string& name, const Labels& labels) {
  std::lock_guard lock(mutex_);
  const auto found = families_.find(name);
  if (found == families_.end()) return false;
  Family& f = *found->second;
  const auto key = values_of(labels);
  auto retire = [&f, &key](auto& children) {
    const auto it = children.find(key);
    if (it == children.end()) return false;
    f.retired.push_back(std::shared_ptr<void>(std::move(it->second.second)));
    children.erase(it);
    return true;
  };
  return retire(f.counters) || retire(f.gauges) || retire(f.histograms);
}

std::string MetricsRegistry::exposition() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape(f->help, false), name,
                       kKindNames[f->kind]);
    for (const auto& [key, child] : f->counters) {
      out += fmt::format("{}{} {}\n", name, label_text(child.first), child.second->value());
    }
    for (const auto& [key, child] : f->gauges) {
      out += fmt::format("{}{} {}\n", name, label_text(child.first), number(child.second->value()));
    }
    for (const auto& [key, child] : f->histograms) {
      const auto snap = child.second->snapshot();
      for (std::size_t i = 0; i < snap.cumulative_counts.size(); ++i) {
        const std::string le = i < snap.bounds.size() ? number(snap.bounds[i]) : "+Inf";
        out += fmt::format("{}_bucket{} {}\n", name, label_text(child.first, "le", le),
                           snap.cumulative_counts[i]);
      }
      out += fmt::format("{}_sum{} {}\n", name, label_text(child.first), number(snap.sum));
      out += fmt::format("{}_count{} {}\n", name, label_text(child.first), snap.count);
    }
  }
  return out;
}

}  // namespace ledger::projector
