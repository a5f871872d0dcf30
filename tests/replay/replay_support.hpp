// Test support for replay: raw Kafka records of a mixed run (the demo simulator's agents plus
// duplicates, rejects and undecodable bytes), a raw producer, a migrated database, and a live
// projector run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/projector/options.hpp"

namespace ledger::replay_testing {

struct RawRecord {
  std::string key;    // agent id
  std::string value;  // serialized event (or garbage)
  std::int64_t timestamp_ms = 0;
  std::int64_t occurred_at_ms = 0;  // the event's time (the timestamp for garbage)
};

// `events` simulator events of `agents` agents, with injected every so often: the same bytes
// again (duplicate), a fill for an unknown order, an overfill, a decision with confidence 1.5,
// and bytes that are not an event. With `refused_by_postgres`, once (half way) also a decision
// whose reasoning holds a NUL byte: valid, but PostgreSQL refuses it (a write_failed reject).
// Deterministic for a seed.
std::vector<RawRecord> mixed_run(std::uint64_t seed, int events, int agents,
                                 bool refused_by_postgres = false);

// Produces `records` to `topic` (key = agent id, the record's timestamp) and flushes.
void produce(const std::string& topic, const std::vector<RawRecord>& records);

// A fresh database with schema `ledger` migrated; returns its URI.
std::string migrated_database(const std::string& prefix);

// Projector options for the test broker and `uri`.
projector::ProjectorOptions projector_options(const std::string& topic, const std::string& uri,
                                              const std::string& schema,
                                              const std::string& group = "ledger-projector");

// Sum of next_offset in <schema>.consumer_offsets for `group` (0 when none).
std::int64_t committed_total(const std::string& uri, const std::string& schema,
                             const std::string& group = "ledger-projector");

}  // namespace ledger::replay_testing
