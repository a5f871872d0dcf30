// Replay: rebuild every projection from the beginning of the log into a fresh schema while the
// live projector keeps serving the current one (`ledger replay`).
//
// Modes:
//   kSwap    rebuild into <schema>_rebuild_<ts>, catch up to the live end, then swap in ONE
//            transaction: <schema> -> <schema>_old_<ts>, rebuild -> <schema>. Readers see the
//            old or the new schema, never a missing or half-built one (ALTER SCHEMA RENAME is
//            transactional; the tables move with their schema).
//   kAsOf    a point-in-time copy in <schema>_asof_<YYYYMMDDHHMMSS>: every record of the log
//            whose event occurred at or before `as_of` (event time, occurred_at; the Kafka
//            timestamp for undecodable records), wherever it is in its partition: agents
//            sharing a partition interleave, so per agent this is a prefix of its events. The
//            live schema is not touched.
//   kVerify  rebuild into <schema>_verify_<ts> up to the live schema's committed offsets, compare
//            every table row for row (replay_compare.hpp), report differences by table and key,
//            drop the copy (unless keep_target).
//   kBuild   rebuild into target_schema and stop (no swap); for tests and benchmarks.
//
// Sources: the Kafka topic (partitions assigned directly from offset 0, no consumer group), or
// the event archive table of the live schema (for when the topic's retention no longer holds
// the whole history). Both feed the projector's own batch code (decode, apply, one transaction
// per batch, offsets fenced and stored with the rows), so a rebuild equals a live run.
//
// The live projector across a swap: the rebuild stores its offsets under the live projector's
// consumer group. The swap first takes an ACCESS EXCLUSIVE lock on the live consumer_offsets,
// which waits for the live projector's batch in flight and holds its next one. After the commit
// the live projector's next batch resolves `consumer_offsets` in the new schema (same name); its
// offset fence either matches (same offsets) or fails, and it re-seeks to the rebuild's stored
// offsets and continues from there. No restart is needed; nothing is lost or applied twice.
//
// Needs: a migrated live schema, the same ProjectionExtensions as the live projector (else
// their tables stay empty in the rebuild). Runs on the calling thread; `stop` may be set from
// another thread (the rebuild then stops between batches and nothing is swapped).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/projector/extension.hpp"
#include "ledger/projector/options.hpp"
#include "ledger/projector/projector.hpp"
#include "ledger/projector/replay/replay_compare.hpp"

namespace ledger::projector {

enum class ReplaySource { kKafka, kArchive };
enum class ReplayMode { kSwap, kAsOf, kVerify, kBuild };

struct ReplayProgress {
  std::string phase;              // "rebuild", "catch-up", "archive", "indexes", "verify", "swap"
  std::int64_t events_done = 0;   // records written to the rebuild so far
  std::int64_t events_total = 0;  // records up to the end offsets captured at start (0: unknown)
  double seconds = 0.0;           // since the rebuild started
};

struct ReplayOptions {
  // Kafka (-b, -t, -X), database URI, live schema (`schema`), live consumer group (`group`),
  // batch bounds. `schema` is the live schema; the rebuild gets its own name.
  ProjectorOptions projector;
  ReplaySource source = ReplaySource::kKafka;
  ReplayMode mode = ReplayMode::kSwap;
  // kAsOf: the cut, microseconds since the Unix epoch.
  std::int64_t as_of_us = 0;
  // The rebuild's schema; empty: <schema>_{rebuild,asof,verify}_<timestamp>.
  std::string target_schema;
  // kVerify: keep the rebuilt copy instead of dropping it.
  bool keep_target = false;
  // kSwap: drop the old schema after the swap (default: keep <schema>_old_<ts> for inspection).
  bool drop_old = false;
  // kSwap: catch-up rounds after the first pass, each up to the then-current end offsets.
  int catch_up_rounds_max = 3;
  // Bound on waiting for the live projector's lock at the swap.
  int swap_lock_timeout_ms = 30'000;
  // kVerify: attempts to line the rebuild up with a live schema that keeps moving.
  int verify_attempts_max = 5;
  // Differences reported per table at most (counts are exact).
  int differences_per_table_max = 20;
  // The rebuild loads its tables without their secondary indexes and creates them after the
  // first pass over this many sessions at once.
  int index_build_connections = 2;
  // Same extensions as the live projector (not owned; must outlive run_replay).
  std::vector<ProjectionExtension*> extensions;
  // Called after every batch and at phase changes (from the calling thread); may be empty.
  std::function<void(const ReplayProgress&)> progress;
};

// A history table of the live schema with a retention policy (TimescaleDB: its scheduled
// policy_retention job's drop_after; pg_partman: part_config.retention): the live schema is not
// meant to hold rows older than now() - retention, so a swap or verify rebuild drops them (the
// log still has them) and verify compares only the rows newer than `since`.
struct RetentionWindow {
  std::string table;
  std::string time_column;
  std::string retention;     // e.g. "30 days"
  std::string since;         // now() - retention when the rebuild finished (timestamptz text)
  std::int64_t dropped = 0;  // rebuilt rows older than `since`, deleted from the rebuild
  std::int64_t skipped = 0;  // kVerify: live rows older than `since`, not compared
};

struct ReplayResult {
  std::string target_schema;  // the rebuild (after a swap: renamed to the live name)
  std::string old_schema;     // kSwap: where the previous live schema went (empty if dropped)
  std::int64_t events = 0;    // records written to the rebuild
  std::int64_t batches = 0;
  double seconds = 0.0;  // rebuild time (first pass and catch-up), swap excluded
  double swap_ms = 0.0;
  double index_seconds = 0.0;  // creating the deferred indexes (part of `seconds`)
  int indexes_built = 0;
  std::map<std::int32_t, std::int64_t> end_offsets;  // where the rebuild stopped, per partition
  ProjectorStats stats;
  std::vector<TableDifference> differences;  // kVerify
  std::vector<RetentionWindow> retention;    // kSwap, kVerify: the tables with a retention policy
  bool stopped = false;                      // `stop` was set: incomplete, nothing swapped
};

// Throws std::runtime_error naming the step that failed (target schema exists, live schema
// missing, swap lock timeout, ...). A failed or stopped rebuild leaves its schema behind for
// inspection (drop it with DROP SCHEMA ... CASCADE); the live schema is untouched.
ReplayResult run_replay(const ReplayOptions& options, const std::atomic<bool>& stop);

// One line per window: "heartbeats: compared rows newer than <since> (retention 30 days);
// skipped 3 older (the rebuild dropped 120)".
std::string describe_retention(const std::vector<RetentionWindow>& windows);

// The default target name for `mode` at `now_us`.
std::string replay_target_name(const std::string& live_schema, ReplayMode mode, std::int64_t now_us,
                               std::int64_t as_of_us = 0);

}  // namespace ledger::projector
