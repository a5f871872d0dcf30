// ReplaySource: where `ledger replay` reads the log from, partition by partition, in offset
// order: the Kafka topic (partitions assigned directly, no consumer group) or the event archive
// table of a schema. Records handed out by next_batch() point at bytes the source owns until the
// next call. Single-threaded.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ledger/projector/options.hpp"
#include "ledger/projector/record.hpp"

namespace ledger::projector {

using OffsetMap = std::map<std::int32_t, std::int64_t>;

class ReplayLogSource {
 public:
  virtual ~ReplayLogSource() = default;
  // Per partition, one past the last record now in the log (every partition of the topic).
  // Throws std::runtime_error when the log no longer starts at offset 0 (Kafka retention
  // deleted its head: the archive must be used).
  virtual OffsetMap end_offsets() = 0;
  // Reads every partition of `to` from `from[p]` (0 when absent) up to `to[p]` (exclusive).
  virtual void start(const OffsetMap& from, const OffsetMap& to) = 0;
  // Replaces `records` with up to `events_max` further records (offset order per partition).
  // Returns false, with `records` empty, once every partition reached its end.
  virtual bool next_batch(std::vector<Record>& records, std::size_t events_max,
                          const std::atomic<bool>& stop) = 0;
};

// `options.kafka` names brokers and topic; `options.kafka_query_timeout_ms` bounds metadata and
// watermark queries; no progress for `stall_timeout_ms` while records are due is an error.
std::unique_ptr<ReplayLogSource> make_kafka_source(const ProjectorOptions& options,
                                                   int stall_timeout_ms = 30'000);
// Reads <archive_schema>.event_archive rows of options.kafka.topic over its own connection to
// options.db_uri.
std::unique_ptr<ReplayLogSource> make_archive_source(const ProjectorOptions& options,
                                                     const std::string& archive_schema);

}  // namespace ledger::projector
