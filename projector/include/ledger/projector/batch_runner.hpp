// BatchRunner: one batch from Kafka messages to one committed PostgreSQL transaction.
// decode -> offset fence -> load state -> apply -> write -> extensions -> commit.
//
// Promises: nothing is committed unless every step succeeded; on any exception the transaction
// is rolled back and the caller re-seeks to the stored offsets. Buffers are reused across
// batches (allocation-light hot path). Needs: a connected Store. Not thread-safe.
#pragma once

#include <map>
#include <span>
#include <vector>

#include "ledger/projector/apply.hpp"
#include "ledger/projector/consumer.hpp"
#include "ledger/projector/observer.hpp"
#include "ledger/projector/projector.hpp"
#include "ledger/projector/store.hpp"

namespace ledger::projector {

class BatchRunner {
 public:
  BatchRunner(const ProjectorOptions& options, Store& store);

  void add_extension(ProjectionExtension* extension) { extensions_.push_back(extension); }
  // Told of every committed transaction (not owned; nullptr: nobody).
  void set_observer(BatchObserver* observer) { observer_ = observer; }
  // Per partition: offsets below this are already archived (see ProjectionState).
  void set_archived_next(const std::map<std::int32_t, std::int64_t>& next);
  // For the only writer of a schema that started empty (a rebuild): the projection state stays
  // in memory across batches instead of being read back per batch (the rows it would read are
  // the ones this runner wrote). A batch that fails leaves that state unusable: later calls
  // throw std::logic_error until this is called again (which forgets the state; false goes back
  // to reading it per batch, from what was committed).
  void set_retain_state(bool retain) {
    retain_state_ = retain;
    retained_state_lost_ = false;
    state_.clear();
  }
  // Per partition: the archive rows of records below this offset are written by someone else (a
  // rebuild copies them from the live archive); this runner writes the archive rows from there.
  void set_archive_written_below(const std::map<std::int32_t, std::int64_t>& below) {
    archive_written_below_ = below;
  }

  // All of `messages` in one transaction; on success tells `consumer` the new offsets.
  // Throws FencedError or pqxx errors (nothing committed).
  void run_batch(const std::vector<MessagePtr>& messages, Consumer& consumer);
  // One transaction per message (after PostgreSQL refused a whole batch): an event whose rows
  // are refused is committed as a write_failed reject instead.
  void run_isolated(const std::vector<MessagePtr>& messages, Consumer& consumer);

  // commit_records' fallback, usable without Kafka: one transaction per record (records the
  // offsets in `expected` say are committed are skipped); a record whose rows PostgreSQL
  // refuses is committed as a write_failed reject. Returns the new offsets. Transient errors
  // and FencedError are thrown.
  std::map<std::int32_t, std::int64_t> commit_isolated(std::span<const Record> records,
                                                       StoredOffsets expected);

  // The core, usable without Kafka: commits `records` (log order) in one transaction, fenced by
  // `expected` (partition -> stored next offset, nullopt: no row). Returns the new offsets.
  std::map<std::int32_t, std::int64_t> commit_records(std::span<const Record> records,
                                                      const StoredOffsets& expected);

  ProjectorStats& stats() { return stats_; }
  const ProjectorStats& stats() const { return stats_; }

 private:
  // Decodes every record and checks its partition is assigned; the offsets the batch advances.
  std::map<std::int32_t, OffsetAdvance> decode_and_fence(std::span<const Record> records,
                                                         const StoredOffsets& expected);
  void prepare_state();
  // Fence, load, apply, write and commit; the seconds the transaction took.
  double project_in_one_transaction(std::span<const DecodedEvent> events,
                                    const std::map<std::int32_t, OffsetAdvance>& advances);
  // Observer, counters and logs of a committed batch.
  void account_committed(std::size_t records, double seconds);
  std::int64_t commit_one(const Record& record, const std::optional<std::int64_t>& expected);
  void commit_write_failed(const Record& record, const std::optional<std::int64_t>& expected,
                           const std::string& error);
  void log_rejects() const;
  void skip_archive_written_elsewhere();

  const ProjectorOptions& options_;
  Store& store_;
  std::vector<ProjectionExtension*> extensions_;
  BatchObserver* observer_ = nullptr;
  std::map<std::int32_t, std::int64_t> archived_next_;
  std::map<std::int32_t, std::int64_t> archive_written_below_;
  std::vector<Record> records_;
  std::vector<DecodedEvent> decoded_;
  ProjectionState state_;
  BatchKeys keys_;
  BatchRows rows_;
  ProjectorStats stats_;
  bool retain_state_ = false;
  bool retained_state_lost_ = false;
};

// The Record view of a librdkafka message (bytes stay owned by the message).
Record record_of(const RdKafka::Message& message);

}  // namespace ledger::projector
