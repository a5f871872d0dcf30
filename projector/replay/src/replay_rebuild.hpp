// One rebuild of `ledger replay` (src/ only): the writer side (Store + BatchRunner with the
// standard extensions on the target schema), the position read so far and the offsets the
// target stores, the deferred indexes and the archive copy beside the first pass.
// Single-threaded, except the archive copy, which runs on its own thread and session.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "ledger/projector/batch_runner.hpp"
#include "ledger/projector/replay/replay.hpp"
#include "ledger/projector/store.hpp"
#include "replay_schema.hpp"
#include "replay_source.hpp"

namespace ledger::projector {

// Records from `from` (0 where absent) up to `to`, summed over the partitions of `to`.
std::int64_t remaining(const OffsetMap& from, const OffsetMap& to);

class Rebuild {
 public:
  Rebuild(const ReplayOptions& options, const std::string& target,
          std::vector<replay_schema::DeferredIndex> deferred);

  // Reads every partition from next() to `to` and commits it batch by batch; after the first
  // pass, creates the deferred indexes (and waits for the archive copy).
  void pass(ReplayLogSource& source, const OffsetMap& to, const char* phase,
            const std::atomic<bool>& stop);
  // Archive rows below `below` are copied from the live archive on a second session while this
  // rebuild projects (see replay_schema::copy_archive); the rebuild writes the rest.
  void copy_archive_from(const std::string& live, const OffsetMap& below);

  // Per partition, where reading goes on (kAsOf: skipped records included).
  const OffsetMap& next() const { return next_; }
  std::int64_t events() const { return done_; }
  std::int64_t batches() const { return batches_; }
  double seconds() const;
  const ProjectorStats& stats() const { return runner_.stats(); }
  double index_seconds() const { return index_seconds_; }
  int indexes_built() const { return indexes_built_; }

 private:
  using Clock = std::chrono::steady_clock;

  std::map<std::int32_t, std::int64_t> commit(std::span<const Record> batch);
  std::span<const Record> filter_as_of();
  void finish_archive_copy();
  void build_deferred_indexes();
  void report(const char* phase);

  const ReplayOptions& options_;
  std::vector<replay_schema::DeferredIndex> deferred_;
  std::future<std::int64_t> archive_copy_;
  int archive_indexes_built_ = 0;  // by archive_copy_'s thread, read after get()
  double index_seconds_ = 0.0;
  int indexes_built_ = 0;
  ProjectorOptions writer_options_;
  Store store_;
  BatchRunner runner_;
  Clock::time_point started_;
  StoredOffsets expected_;  // what the target stores per partition (the offset fence)
  OffsetMap next_;          // where reading goes on per partition
  std::vector<Record> records_;
  std::vector<Record> kept_;
  DecodedEvent decoded_;
  std::int64_t done_ = 0;
  std::int64_t total_ = 0;
  std::int64_t batches_ = 0;
};

}  // namespace ledger::projector
