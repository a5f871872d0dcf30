#include "ledger/projector/replay/replay.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <stdexcept>

#include "ledger/schema/database_options.hpp"
#include "replay_rebuild.hpp"
#include "replay_schema.hpp"
#include "replay_source.hpp"

namespace ledger::projector {
namespace {

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

std::vector<CompareWindow> compare_windows(const std::vector<RetentionWindow>& retention) {
  std::vector<CompareWindow> windows;
  for (const RetentionWindow& window : retention) {
    windows.push_back(CompareWindow{window.table, window.time_column, window.since});
  }
  return windows;
}

// Lines the rebuild up with the live schema's committed offsets and compares; retried while
// the live projector moves between the two. Tables with a retention policy are compared over
// the rows newer than its horizon, read once after the first pass (the rebuild drops the older
// ones, the live schema's retention job dropped or will drop them).
void verify(const ReplayOptions& options, Rebuild& rebuild, ReplayLogSource& source,
            pqxx::connection& admin, ReplayResult& result, const std::atomic<bool>& stop) {
  const std::string& live = options.projector.schema;
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
    if (attempt == 1) result.retention = replay_schema::retention_windows(admin, live);
    replay_schema::drop_expired(admin, result.target_schema, result.retention);
    // consumer_offsets differ only when the live projector committed after live_offsets was
    // read: then both sides are lined up again and compared anew.
    result.differences =
        compare_schemas(admin, live, result.target_schema, options.differences_per_table_max,
                        compare_windows(result.retention));
    replay_schema::count_expired(admin, live, result.retention);
    const bool offsets_moved =
        std::any_of(result.differences.begin(), result.differences.end(),
                    [](const TableDifference& d) { return d.table == "consumer_offsets"; });
    if (!offsets_moved) return;
    spdlog::info("replay: the live projector moved during the comparison; again ({}/{})", attempt,
                 options.verify_attempts_max);
  }
}

// The rebuild's schema: given or <live>_{rebuild,asof,verify}_<time>; both names checked.
std::string checked_target_name(const ReplayOptions& options, std::int64_t started_us) {
  const std::string& live = options.projector.schema;
  std::string target = options.target_schema.empty()
                           ? replay_target_name(live, options.mode, started_us, options.as_of_us)
                           : options.target_schema;
  for (const std::string& name : {live, target}) {
    if (!schema::is_valid_schema_name(name)) {
      throw std::runtime_error("invalid schema name '" + name + "'");
    }
  }
  return target;
}

// Checks the live schema is there when the mode or source reads it, migrates the target and
// drops the indexes its bulk load goes without (returned, to be created afterwards).
std::vector<replay_schema::DeferredIndex> prepare_target(const ReplayOptions& options,
                                                         pqxx::connection& admin,
                                                         const std::string& target) {
  const std::string& live = options.projector.schema;
  const bool needs_live = options.mode == ReplayMode::kSwap ||
                          options.mode == ReplayMode::kVerify ||
                          options.source == ReplaySource::kArchive;
  if (needs_live && !replay_schema::schema_exists(admin, live)) {
    throw std::runtime_error("live schema '" + live + "' does not exist (run ledger migrate)");
  }
  replay_schema::create_target(admin, target);
  std::vector<replay_schema::DeferredIndex> deferred = replay_schema::defer_indexes(admin, target);
  spdlog::info("replay: rebuilding into schema '{}' from the {}", target,
               options.source == ReplaySource::kArchive ? "event archive" : "Kafka topic");
  return deferred;
}

// kSwap, kAsOf, kBuild: the first pass up to the end offsets seen now (the archive rows below
// the live archive's end copied beside it when the rebuild keeps them), then for kSwap up to
// catch_up_rounds_max passes up to the then-current ends.
void run_passes(const ReplayOptions& options, Rebuild& rebuild, ReplayLogSource& source,
                pqxx::connection& admin, const std::atomic<bool>& stop) {
  const OffsetMap first_ends = source.end_offsets();
  if (copies_archive(options, admin)) {
    std::vector<std::int32_t> partitions;
    for (const auto& [partition, end] : first_ends) partitions.push_back(partition);
    rebuild.copy_archive_from(
        options.projector.schema,
        replay_schema::archived_next(admin, options.projector.schema, options.projector.kafka.topic,
                                     partitions));
  }
  rebuild.pass(source, first_ends, "rebuild", stop);
  for (int round = 0;
       options.mode == ReplayMode::kSwap && round < options.catch_up_rounds_max && !stop.load();
       ++round) {
    const OffsetMap ends = source.end_offsets();
    if (remaining(rebuild.next(), ends) == 0) break;
    rebuild.pass(source, ends, "catch-up", stop);
  }
}

void take_figures(const Rebuild& rebuild, ReplayResult& result) {
  result.events = rebuild.events();
  result.batches = rebuild.batches();
  result.seconds = rebuild.seconds();
  result.end_offsets = rebuild.next();
  result.stats = rebuild.stats();
  result.index_seconds = rebuild.index_seconds();
  result.indexes_built = rebuild.indexes_built();
}

// kSwap: the rebuild becomes the live schema, the live one <live>_old_<stamp> (dropped with
// drop_old).
void swap_in(const ReplayOptions& options, pqxx::connection& admin, const std::string& stamp,
             ReplayResult& result) {
  const std::string& live = options.projector.schema;
  if (options.progress) {
    options.progress(ReplayProgress{"swap", result.events, result.events, result.seconds});
  }
  // The rows the live schema's retention policies expired stay expired.
  result.retention = replay_schema::retention_windows(admin, live);
  replay_schema::drop_expired(admin, result.target_schema, result.retention);
  for (const RetentionWindow& window : result.retention) {
    spdlog::info("replay: {}: dropped {} rebuilt rows older than {} (retention {})", window.table,
                 window.dropped, window.since, window.retention);
  }
  result.old_schema = live + "_old_" + stamp;
  result.swap_ms = replay_schema::swap(admin, live, result.target_schema, result.old_schema,
                                       options.projector.group, options.swap_lock_timeout_ms);
  spdlog::info("replay: swapped '{}' in as '{}' in {:.1f} ms; the previous schema is '{}'",
               result.target_schema, live, result.swap_ms, result.old_schema);
  result.target_schema = live;
  if (options.drop_old) {
    replay_schema::drop(admin, result.old_schema);
    result.old_schema.clear();
  }
}

}  // namespace

std::string describe_retention(const std::vector<RetentionWindow>& windows) {
  std::string out;
  for (const RetentionWindow& w : windows) {
    out += fmt::format(
        "{}: compared rows newer than {} (retention {}); skipped {} older (the rebuild dropped "
        "{})\n",
        w.table, w.since, w.retention, w.skipped, w.dropped);
  }
  return out;
}

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
  ReplayResult result;
  const std::int64_t started_us = now_us();
  result.target_schema = checked_target_name(options, started_us);
  pqxx::connection admin(options.projector.db_uri);
  std::vector<replay_schema::DeferredIndex> deferred =
      prepare_target(options, admin, result.target_schema);
  std::unique_ptr<ReplayLogSource> source = make_source(options);
  Rebuild rebuild(options, result.target_schema, std::move(deferred));
  if (options.mode == ReplayMode::kVerify) {
    verify(options, rebuild, *source, admin, result, stop);
  } else {
    run_passes(options, rebuild, *source, admin, stop);
  }
  take_figures(rebuild, result);
  result.stopped = stop.load();
  if (result.stopped) return result;
  if (options.mode == ReplayMode::kSwap) {
    swap_in(options, admin, compact_utc(started_us), result);
  } else if (options.mode == ReplayMode::kVerify && !options.keep_target) {
    replay_schema::drop(admin, result.target_schema);
  }
  return result;
}

}  // namespace ledger::projector
