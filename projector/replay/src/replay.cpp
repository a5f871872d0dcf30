#include "ledger/projector/replay/replay.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <future>
#include <stdexcept>

#include "ledger/projector/batch_runner.hpp"
#include "ledger/projector/row_text.hpp"
#include "ledger/projector/store.hpp"
#include "ledger/schema/database_options.hpp"
#include "replay_schema.hpp"
#include "replay_source.hpp"

namespace ledger::projector {
namespace {

using Clock = std::chrono::steady_clock;

std::string compact_utc(std::int64_t micros) {
  const auto seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}{:02}{:02}{:02}{:02}{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t remaining(const OffsetMap& from, const OffsetMap& to) {
  std::int64_t total = 0;
  for (const auto& [partition, end] : to) {
    const auto found = from.find(partition);
    total += std::max<std::int64_t>(0, end - (found == from.end() ? 0 : found->second));
  }
  return total;
}

ProjectorOptions with_schema(ProjectorOptions options, const std::string& schema) {
  options.schema = schema;
  return options;
}

// One rebuild: the writer side (Store + BatchRunner on the target schema) and the position.
class Rebuild {
 public:
  Rebuild(const ReplayOptions& options, const std::string& target,
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

  // Reads every partition from next_ to `to` and commits it batch by batch.
  void pass(ReplayLogSource& source, const OffsetMap& to, const char* phase,
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
  std::map<std::int32_t, std::int64_t> commit(std::span<const Record> batch) {
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

  // Archive rows below `below` are copied from the live archive on a second session while this
  // rebuild projects (see replay_schema::copy_archive); the rebuild writes the rest. That session
  // then creates the archive's indexes, still while the rebuild projects (the rebuild's own
  // archive rows, if any, wait for them).
  void copy_archive_from(const std::string& live, const OffsetMap& below) {
    if (below.empty()) return;
    runner_.set_archive_written_below(below);
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

  const OffsetMap& next() const { return next_; }
  std::int64_t events() const { return done_; }
  std::int64_t batches() const { return batches_; }
  double seconds() const { return std::chrono::duration<double>(Clock::now() - started_).count(); }
  const ProjectorStats& stats() const { return runner_.stats(); }
  double index_seconds() const { return index_seconds_; }
  int indexes_built() const { return indexes_built_; }

 private:
  // kAsOf: keeps every record whose event occurred at or before the cut, wherever it is in its
  // partition. The contract orders events per agent, not per partition: agents sharing a
  // partition interleave, so a later event of one agent says nothing about the next record of
  // another. Per agent the records kept are a prefix of its events; a skipped record leaves a
  // gap in the offsets the target stores, which the offset fence allows (it checks the stored
  // next offset, not contiguity).
  std::span<const Record> filter_as_of() {
    if (options_.mode != ReplayMode::kAsOf) return records_;
    kept_.clear();
    for (const Record& record : records_) {
      decode_record(record, decoded_);
      if (effective_time_us(decoded_) <= options_.as_of_us) kept_.push_back(record);
    }
    return kept_;
  }

  void finish_archive_copy() {
    if (!archive_copy_.valid()) return;
    const auto started = Clock::now();
    report("archive");
    const std::int64_t rows = archive_copy_.get();
    indexes_built_ += archive_indexes_built_;
    spdlog::info("replay: copied {} archive rows from the live archive (waited {:.1f} s)", rows,
                 std::chrono::duration<double>(Clock::now() - started).count());
  }

  // After the first pass: the indexes the bulk load went without (later passes maintain them).
  void build_deferred_indexes() {
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

  void report(const char* phase) {
    if (!options_.progress) return;
    options_.progress(ReplayProgress{phase, done_, total_, seconds()});
  }

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

// A rebuild that becomes (or stands beside) the live schema takes the live archive's rows
// instead of writing them again: the archive is the record of what the ledger received and
// when, not a projection. An --as-of copy and a --verify rebuild write their own (the first
// stops at the cut; the second checks the archive writer too).
bool copies_archive(const ReplayOptions& options, pqxx::connection& admin) {
  return (options.mode == ReplayMode::kSwap || options.mode == ReplayMode::kBuild) &&
         replay_schema::schema_exists(admin, options.projector.schema);
}

std::unique_ptr<ReplayLogSource> make_source(const ReplayOptions& options) {
  if (options.source == ReplaySource::kArchive) {
    return make_archive_source(options.projector, options.projector.schema);
  }
  return make_kafka_source(options.projector);
}

// Lines the rebuild up with the live schema's committed offsets and compares; retried while
// the live projector moves between the two.
std::vector<TableDifference> verify(const ReplayOptions& options, Rebuild& rebuild,
                                    ReplayLogSource& source, pqxx::connection& admin,
                                    const std::string& target, const std::atomic<bool>& stop) {
  const std::string& live = options.projector.schema;
  std::vector<TableDifference> differences;
  for (int attempt = 1; attempt <= options.verify_attempts_max && !stop.load(); ++attempt) {
    const OffsetMap live_offsets = replay_schema::committed_offsets(
        admin, live, options.projector.group, options.projector.kafka.topic);
    if (live_offsets != rebuild.next()) {
      rebuild.pass(source, live_offsets, attempt == 1 ? "rebuild" : "catch-up", stop);
    }
    if (stop.load()) break;
    if (options.progress) {
      options.progress(
          ReplayProgress{"verify", rebuild.events(), rebuild.events(), rebuild.seconds()});
    }
    // consumer_offsets differ only when the live projector committed after live_offsets was
    // read: then both sides are lined up again and compared anew.
    differences = compare_schemas(admin, live, target, options.differences_per_table_max);
    const bool offsets_moved =
        std::any_of(differences.begin(), differences.end(),
                    [](const TableDifference& d) { return d.table == "consumer_offsets"; });
    if (!offsets_moved) return differences;
    spdlog::info("replay: the live projector moved during the comparison; again ({}/{})", attempt,
                 options.verify_attempts_max);
  }
  return differences;
}

}  // namespace

std::string replay_target_name(const std::string& live_schema, ReplayMode mode, std::int64_t now,
                               std::int64_t as_of_us) {
  switch (mode) {
    case ReplayMode::kAsOf:
      return live_schema + "_asof_" + compact_utc(as_of_us);
    case ReplayMode::kVerify:
      return live_schema + "_verify_" + compact_utc(now);
    default:
      return live_schema + "_rebuild_" + compact_utc(now);
  }
}

ReplayResult run_replay(const ReplayOptions& options, const std::atomic<bool>& stop) {
  const std::string& live = options.projector.schema;
  ReplayResult result;
  const std::int64_t started_us = now_us();
  result.target_schema = options.target_schema.empty()
                             ? replay_target_name(live, options.mode, started_us, options.as_of_us)
                             : options.target_schema;
  for (const std::string& name : {live, result.target_schema}) {
    if (!schema::is_valid_schema_name(name)) {
      throw std::runtime_error("invalid schema name '" + name + "'");
    }
  }
  pqxx::connection admin(options.projector.db_uri);
  const bool needs_live = options.mode == ReplayMode::kSwap ||
                          options.mode == ReplayMode::kVerify ||
                          options.source == ReplaySource::kArchive;
  if (needs_live && !replay_schema::schema_exists(admin, live)) {
    throw std::runtime_error("live schema '" + live + "' does not exist (run ledger migrate)");
  }
  replay_schema::create_target(admin, result.target_schema);
  std::vector<replay_schema::DeferredIndex> deferred =
      replay_schema::defer_indexes(admin, result.target_schema);
  spdlog::info("replay: rebuilding into schema '{}' from the {}", result.target_schema,
               options.source == ReplaySource::kArchive ? "event archive" : "Kafka topic");
  std::unique_ptr<ReplayLogSource> source = make_source(options);
  Rebuild rebuild(options, result.target_schema, std::move(deferred));
  if (options.mode == ReplayMode::kVerify) {
    result.differences = verify(options, rebuild, *source, admin, result.target_schema, stop);
  } else {
    const OffsetMap first_ends = source->end_offsets();
    if (copies_archive(options, admin)) {
      std::vector<std::int32_t> partitions;
      for (const auto& [partition, end] : first_ends) partitions.push_back(partition);
      rebuild.copy_archive_from(live, replay_schema::archived_next(
                                          admin, live, options.projector.kafka.topic, partitions));
    }
    rebuild.pass(*source, first_ends, "rebuild", stop);
    for (int round = 0;
         options.mode == ReplayMode::kSwap && round < options.catch_up_rounds_max && !stop.load();
         ++round) {
      const OffsetMap ends = source->end_offsets();
      if (remaining(rebuild.next(), ends) == 0) break;
      rebuild.pass(*source, ends, "catch-up", stop);
    }
  }
  result.events = rebuild.events();
  result.batches = rebuild.batches();
  result.seconds = rebuild.seconds();
  result.end_offsets = rebuild.next();
  result.stats = rebuild.stats();
  result.index_seconds = rebuild.index_seconds();
  result.indexes_built = rebuild.indexes_built();
  result.stopped = stop.load();
  if (result.stopped) return result;
  if (options.mode == ReplayMode::kSwap) {
    if (options.progress)
      options.progress(ReplayProgress{"swap", result.events, result.events, result.seconds});
    result.old_schema = live + "_old_" + compact_utc(started_us);
    result.swap_ms = replay_schema::swap(admin, live, result.target_schema, result.old_schema,
                                         options.projector.group, options.swap_lock_timeout_ms);
    spdlog::info("replay: swapped '{}' in as '{}' in {:.1f} ms; the previous schema is '{}'",
                 result.target_schema, live, result.swap_ms, result.old_schema);
    result.target_schema = live;
    if (options.drop_old) {
      replay_schema::drop(admin, result.old_schema);
      result.old_schema.clear();
    }
  } else if (options.mode == ReplayMode::kVerify && !options.keep_target) {
    replay_schema::drop(admin, result.target_schema);
  }
  return result;
}

}  // namespace ledger::projector
