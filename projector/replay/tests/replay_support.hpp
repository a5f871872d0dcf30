// Test support for replay: the mixed log (ledger/testing/mixed_log.hpp) with position flips, a
// migrated database, projector options for the test services.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ledger/projector/extension.hpp"
#include "ledger/projector/options.hpp"
#include "ledger/projector/replay/replay.hpp"
#include "ledger/testing/mixed_log.hpp"

namespace ledger::replay_testing {

using testing::RawRecord;

// testing::mixed_log with flips (and, on request, one event PostgreSQL refuses).
std::vector<RawRecord> mixed_run(std::uint64_t seed, int events, int agents,
                                 bool nul_in_text = false);

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

// Bound on a live run catching up, in ms.
constexpr int kTimeoutMs = 120'000;

// Replay options for the test broker, `uri` and the live schema "ledger" (batches of 2000).
projector::ReplayOptions replay_options(
    const std::string& topic, const std::string& uri, projector::ReplayMode mode,
    projector::ReplaySource source = projector::ReplaySource::kKafka);

// The standard extensions (books), fresh for one projector or one replay, as in production.
struct Extensions {
  std::vector<std::unique_ptr<projector::ProjectionExtension>> owned;
  Extensions();
  std::vector<projector::ProjectionExtension*> raw() const;
};

// A live projector with the standard extensions over `topic` into `schema`, until caught up.
void project_live(const std::string& topic, const std::string& uri, const std::string& schema,
                  const std::string& group = "ledger-projector");

// run_replay with fresh standard extensions.
projector::ReplayResult replay(projector::ReplayOptions options, const std::atomic<bool>& stop);

// The first column of the one row `sql` returns, as a number.
std::int64_t count(const std::string& uri, const std::string& sql);

}  // namespace ledger::replay_testing
