#include "ledger/projector/projector.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "ledger/projector/batch_runner.hpp"
#include "ledger/projector/consumer.hpp"
#include "ledger/projector/store.hpp"

namespace ledger::projector {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

class Projector::Impl {
 public:
  explicit Impl(ProjectorOptions options)
      : options_(std::move(options)), store_(options_), runner_(options_, store_) {}

  ProjectorStats run(const std::atomic<bool>& stop, std::optional<Clock::time_point> deadline);

  ProjectorOptions options_;
  Store store_;
  BatchRunner runner_;
  std::unique_ptr<Consumer> consumer_;

 private:
  StoredOffsets load_assignment(const std::vector<std::int32_t>& partitions);
  void reconnect(const std::atomic<bool>& stop);
  void reseek(const std::atomic<bool>& stop);
  void process(const std::atomic<bool>& stop);
  std::vector<MessagePtr> messages_;
};

StoredOffsets Projector::Impl::load_assignment(const std::vector<std::int32_t>& partitions) {
  if (!store_.connected()) throw std::runtime_error("PostgreSQL is not connected");
  StoredOffsets offsets = store_.load_offsets(partitions);
  runner_.set_archived_next(store_.load_archived_next(partitions));
  return offsets;
}

void Projector::Impl::reconnect(const std::atomic<bool>& stop) {
  int backoff_ms = options_.reconnect_backoff_ms_min;
  for (int attempt = 1; attempt <= options_.reconnect_attempts_max; ++attempt) {
    try {
      store_.connect();
      if (attempt > 1) spdlog::info("projector: PostgreSQL reconnected (attempt {})", attempt);
      return;
    } catch (const pqxx::sql_error& e) {
      const std::string state = e.sqlstate();
      if (state == "42P01" || state == "3F000" || state == "42704") {
        throw std::runtime_error(
            "schema '" + options_.schema +
            "' is not migrated (run `ledger migrate` or pass --migrate): " + e.what());
      }
      spdlog::warn("projector: PostgreSQL connect attempt {}/{} failed: {}", attempt,
                   options_.reconnect_attempts_max, e.what());
    } catch (const std::exception& e) {
      spdlog::warn("projector: PostgreSQL connect attempt {}/{} failed: {}", attempt,
                   options_.reconnect_attempts_max, e.what());
    }
    if (stop.load()) throw std::runtime_error("stopped while reconnecting to PostgreSQL");
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
    backoff_ms = std::min(backoff_ms * 2, options_.reconnect_backoff_ms_max);
  }
  throw std::runtime_error("PostgreSQL unreachable after " +
                           std::to_string(options_.reconnect_attempts_max) + " attempts");
}

void Projector::Impl::reseek(const std::atomic<bool>& stop) {
  for (int attempt = 1; attempt <= options_.reconnect_attempts_max; ++attempt) {
    try {
      if (!store_.connected()) {
        ++runner_.stats().reconnects;
        reconnect(stop);
      }
      consumer_->reassign(load_assignment(consumer_->assigned_partitions()));
      spdlog::info("projector: re-seeked {} partition(s) to the stored offsets",
                   consumer_->assigned_partitions().size());
      return;
    } catch (const pqxx::failure& e) {
      spdlog::warn("projector: re-seek attempt {} failed: {}", attempt, e.what());
      store_.disconnect();
      if (stop.load()) throw std::runtime_error("stopped while re-seeking");
      std::this_thread::sleep_for(std::chrono::milliseconds(options_.reconnect_backoff_ms_min));
    }
  }
  throw std::runtime_error("cannot re-seek partitions to the stored offsets");
}

void Projector::Impl::process(const std::atomic<bool>& stop) {
  try {
    runner_.run_batch(messages_, *consumer_);
    return;
  } catch (const FencedError& e) {
    ++runner_.stats().batches_fenced;
    spdlog::warn("projector: batch not committed, {}; re-seeking", e.what());
  } catch (const pqxx::in_doubt_error& e) {
    spdlog::warn("projector: commit outcome unknown ({}); re-seeking to the stored offsets",
                 e.what());
    store_.disconnect();
  } catch (const pqxx::broken_connection& e) {
    spdlog::warn("projector: PostgreSQL connection lost: {}", e.what());
    store_.disconnect();
  } catch (const pqxx::sql_error& e) {
    if (is_transient(e) || !store_.connected()) {
      spdlog::warn("projector: transient PostgreSQL error: {}", e.what());
      store_.disconnect();
    } else {
      spdlog::warn("projector: PostgreSQL refused the batch ({}); retrying one event at a time",
                   e.what());
      try {
        runner_.run_isolated(messages_, *consumer_);
        return;
      } catch (const FencedError& fenced) {
        ++runner_.stats().batches_fenced;
        spdlog::warn("projector: {}; re-seeking", fenced.what());
      } catch (const pqxx::failure& failure) {
        spdlog::warn("projector: PostgreSQL failure in isolated writes: {}", failure.what());
        store_.disconnect();
      }
    }
  }
  reseek(stop);
}

ProjectorStats Projector::Impl::run(const std::atomic<bool>& stop,
                                    std::optional<Clock::time_point> deadline) {
  reconnect(stop);
  consumer_ = std::make_unique<Consumer>(
      options_,
      [this](const std::vector<std::int32_t>& partitions) { return load_assignment(partitions); });
  while (!stop.load()) {
    if (deadline && Clock::now() > *deadline) {
      consumer_->close();
      throw std::runtime_error("projector: not caught up before the deadline");
    }
    if (consumer_->needs_reseek()) {
      reseek(stop);
      continue;
    }
    messages_.clear();
    const std::uint64_t generation = consumer_->generation();
    consumer_->poll_batch(messages_, options_.batch_events_max, options_.batch_wait_ms_max, stop);
    if (!consumer_->refused_assignment().empty()) {
      const std::string reason = consumer_->refused_assignment();
      messages_.clear();
      consumer_->close();
      throw std::runtime_error("projector: " + reason);
    }
    if (consumer_->generation() != generation || consumer_->needs_reseek()) {
      if (!messages_.empty()) ++runner_.stats().batches_dropped;
      continue;
    }
    if (messages_.empty()) {
      if (options_.exit_at_end && consumer_->caught_up()) {
        spdlog::info("projector: caught up with the end of every assigned partition");
        break;
      }
      continue;
    }
    process(stop);
  }
  messages_.clear();
  consumer_->close();
  consumer_.reset();
  return runner_.stats();
}

Projector::Projector(ProjectorOptions options) : impl_(new Impl(std::move(options))) {}
Projector::~Projector() = default;

void Projector::set_observer(BatchObserver* observer) { impl_->runner_.set_observer(observer); }

void Projector::add_extension(ProjectionExtension* extension) {
  impl_->runner_.add_extension(extension);
}

ProjectorStats Projector::run(const std::atomic<bool>& stop) { return impl_->run(stop, {}); }

ProjectorStats Projector::run_until_caught_up(int timeout_ms) {
  const bool exit_at_end = impl_->options_.exit_at_end;
  impl_->options_.exit_at_end = true;
  std::atomic<bool> stop{false};
  try {
    ProjectorStats stats = impl_->run(stop, Clock::now() + std::chrono::milliseconds(timeout_ms));
    impl_->options_.exit_at_end = exit_at_end;
    return stats;
  } catch (...) {
    impl_->options_.exit_at_end = exit_at_end;
    throw;
  }
}

const ProjectorStats& Projector::stats() const { return impl_->runner_.stats(); }

}  // namespace ledger::projector
