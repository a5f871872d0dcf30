// Test support for replay: the mixed log (ledger/testing/mixed_log.hpp) with position flips, a
// migrated database, projector options for the test services.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/projector/options.hpp"
#include "ledger/testing/mixed_log.hpp"

namespace ledger::replay_testing {

using testing::RawRecord;

// testing::mixed_log with flips (and, on request, one event PostgreSQL refuses).
std::vector<RawRecord> mixed_run(std::uint64_t seed, int events, int agents,
                                 bool refused_by_postgres = false);

// Produces `records` to `topic` on the test broker and flushes.
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
