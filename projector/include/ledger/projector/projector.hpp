// Projector: one member of the projector consumer group. Reads the events topic in bounded
// batches, decodes and validates, applies them to the loaded state and writes each batch in ONE
// PostgreSQL transaction: offset fence, archive, projections, rejects, parked events, and the
// consumer offsets (exactly once into PostgreSQL).
//
// Promises: partitions start at the offsets stored in PostgreSQL (never Kafka's); a projector
// whose stored offsets moved under it (it lost the partition) cannot commit; a poison event is
// rejected or parked and the stream goes on (a batch PostgreSQL refuses is retried one event per
// transaction, and the event it refuses is rejected as write_failed); PostgreSQL outages are
// ridden out with bounded, backed-off reconnects followed by a re-seek to the stored offsets.
// Needs: a migrated schema (schema/ migrations). One thread drives run(); `stop` may be set
// from any thread or a signal handler. Not copyable.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "ledger/projector/extension.hpp"
#include "ledger/projector/observer.hpp"
#include "ledger/projector/options.hpp"

namespace ledger::projector {

struct ProjectorStats {
  std::int64_t batches_committed = 0;
  std::int64_t events_seen = 0;       // records consumed and written (archived or skipped)
  std::int64_t events_projected = 0;  // changed projections
  std::int64_t events_rejected = 0;
  std::int64_t events_parked = 0;
  std::int64_t duplicates = 0;       // skipped: event_id or offset seen before
  std::int64_t batches_fenced = 0;   // refused: another projector moved the offsets
  std::int64_t batches_dropped = 0;  // dropped on rebalance (re-read from stored offsets)
  std::int64_t reconnects = 0;       // PostgreSQL reconnects
  std::int64_t write_failures = 0;   // events rejected as write_failed
};

class Projector {
 public:
  explicit Projector(ProjectorOptions options);
  ~Projector();
  Projector(const Projector&) = delete;
  Projector& operator=(const Projector&) = delete;

  // Adds a projection to every batch (see extension.hpp). Not owned; must outlive run().
  // REQUIRES: called before run().
  void add_extension(ProjectionExtension* extension);
  // Tells `observer` of every committed batch (see observer.hpp). Not owned; must outlive
  // run(). REQUIRES: called before run().
  void set_observer(BatchObserver* observer);

  // Consumes until `stop` is set, or (options.exit_at_end) every assigned partition is caught
  // up. A batch being written when `stop` is set is finished; one being collected is written
  // with what it holds. Throws std::runtime_error on unrecoverable errors (bad configuration,
  // PostgreSQL unreachable past reconnect_attempts_max).
  ProjectorStats run(const std::atomic<bool>& stop);

  // run() with exit_at_end, bounded by `timeout_ms`; throws std::runtime_error on timeout.
  ProjectorStats run_until_caught_up(int timeout_ms);

  const ProjectorStats& stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ledger::projector
