#include "replay_rebuild.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "ledger/projector/row_text.hpp"

namespace ledger::projector {

std::int64_t remaining(const OffsetMap& from, const OffsetMap& to) {
  std::int64_t total = 0;
  for (const auto& [partition, end] : to) {
    const auto found = from.find(partition);
    total += std::max<std::int64_t>(0, end - (found == from.end() ? 0 : found->second));
  }
  return total;
}

namespace {

ProjectorOptions with_schema(ProjectorOptions options, const std::string& schema) {
  options.schema = schema;
  return options;
}

}  // namespace

Rebuild::Rebuild(const ReplayOptions& options, const std::string& target,
                 std::vector<replay_schema::DeferredIndex> deferred)
    : options_(options),
      deferred_(std::move(deferred)),
      writer_options_(with_schema(options.projector, target)),
      store_(writer_options_),
      runner_(writer_options_, store_),
      started_(Clock::now()) {
  store_.connect();
  // The rebuild can always be redone: it does not need to wait for WAL flushes per batch.
  pqxx::nontransaction(store_.connection()).exec0("SET synchronous_commit TO off");
  // The rebuild is the only writer of its schema, which started empty.
  runner_.set_retain_state(true);
  for (ProjectionExtension* extension : options.extensions) runner_.add_extension(extension);
}

void Rebuild::pass(ReplayLogSource& source, const OffsetMap& to, const char* phase,
                   const std::atomic<bool>& stop) {
  total_ += remaining(next_, to);
  for (const auto& [partition, end] : to) {
    if (expected_.count(partition) == 0) expected_[partition] = std::nullopt;
    (void)end;
  }
  source.start(next_, to);
  report(phase);
  double read_s = 0;
  auto read_start = Clock::now();
  while (!stop.load() && source.next_batch(records_, options_.projector.batch_events_max, stop)) {
    read_s += std::chrono::duration<double>(Clock::now() - read_start).count();
    const std::span<const Record> batch = filter_as_of();
    done_ += static_cast<std::int64_t>(records_.size());
    if (!batch.empty()) {
      for (const auto& [partition, next] : commit(batch)) expected_[partition] = next;
      ++batches_;
    }
    // Read past the whole batch: kAsOf may have skipped records after the last one kept (the
    // target then stores less than next_; expected_ is what it stores).
    for (const Record& record : records_) {
      std::int64_t& next = next_[record.partition];
      next = std::max(next, record.offset + 1);
    }
    report(phase);
    read_start = Clock::now();
  }
  spdlog::debug("replay: {} pass: {:.2f} s reading the source", phase, read_s);
  if (!stop.load()) {
    finish_archive_copy();
    build_deferred_indexes();
  }
}

// A batch in one transaction; when PostgreSQL refuses it, as the live projector does: one
// transaction per event, a refused event becoming a write_failed reject. From then on the
// rebuild reads its state back per batch (the state it kept in memory included the refused
// batch), with its indexes created first.
std::map<std::int32_t, std::int64_t> Rebuild::commit(std::span<const Record> batch) {
  try {
    return runner_.commit_records(batch, expected_);
  } catch (const pqxx::sql_error& e) {
    if (is_transient(e)) throw;
    spdlog::warn("replay: PostgreSQL refused a batch ({}); retrying it one event at a time",
                 e.what());
  }
  finish_archive_copy();
  build_deferred_indexes();
  runner_.set_retain_state(false);
  return runner_.commit_isolated(batch, expected_);
}

// The copying session then creates the archive's indexes, still while the rebuild projects (the
// rebuild's own archive rows, if any, wait for them).
void Rebuild::copy_archive_from(const std::string& live, const OffsetMap& below) {
  if (below.empty()) return;
  runner_.set_archive_written_below(below);
  store_.seed_chain_from(live, below);  // the copy below runs beside this session's writes
  std::vector<replay_schema::DeferredIndex> archive_indexes;
  std::erase_if(deferred_, [&](const replay_schema::DeferredIndex& index) {
    if (index.table_name != "event_archive") return false;
    archive_indexes.push_back(index);
    return true;
  });
  archive_copy_ = std::async(std::launch::async, [this, live, below, archive_indexes] {
    const std::int64_t rows =
        replay_schema::copy_archive(options_.projector.db_uri, live, writer_options_.schema,
                                    options_.projector.kafka.topic, below);
    replay_schema::build_indexes(options_.projector.db_uri, archive_indexes, 1, nullptr);
    archive_indexes_built_ = static_cast<int>(archive_indexes.size());
    return rows;
  });
}

// kAsOf: keeps every record whose event occurred at or before the cut, wherever it is in its
// partition. The contract orders events per agent, not per partition: agents sharing a
// partition interleave, so a later event of one agent says nothing about the next record of
// another. Per agent the records kept are a prefix of its events; a skipped record leaves a
// gap in the offsets the target stores, which the offset fence allows (it checks the stored
// next offset, not contiguity).
std::span<const Record> Rebuild::filter_as_of() {
  if (options_.mode != ReplayMode::kAsOf) return records_;
  kept_.clear();
  for (const Record& record : records_) {
    decode_record(record, decoded_);
    if (effective_time_us(decoded_) <= options_.as_of_us) kept_.push_back(record);
  }
  return kept_;
}

void Rebuild::finish_archive_copy() {
  if (!archive_copy_.valid()) return;
  const auto started = Clock::now();
  report("archive");
  const std::int64_t rows = archive_copy_.get();
  indexes_built_ += archive_indexes_built_;
  spdlog::info("replay: copied {} archive rows from the live archive (waited {:.1f} s)", rows,
               std::chrono::duration<double>(Clock::now() - started).count());
}

// After the first pass: the indexes the bulk load went without (later passes maintain them).
void Rebuild::build_deferred_indexes() {
  if (deferred_.empty()) return;
  const auto started = Clock::now();
  const std::size_t count = deferred_.size();
  spdlog::info("replay: creating {} indexes over {} sessions", count,
               options_.index_build_connections);
  report("indexes");
  replay_schema::build_indexes(options_.projector.db_uri, std::move(deferred_),
                               options_.index_build_connections, nullptr);
  deferred_.clear();
  indexes_built_ += static_cast<int>(count);
  index_seconds_ = std::chrono::duration<double>(Clock::now() - started).count();
  spdlog::info("replay: created {} indexes in {:.1f} s", count, index_seconds_);
}

void Rebuild::report(const char* phase) {
  if (!options_.progress) return;
  options_.progress(ReplayProgress{phase, done_, total_, seconds()});
}

double Rebuild::seconds() const {
  return std::chrono::duration<double>(Clock::now() - started_).count();
}

}  // namespace ledger::projector
