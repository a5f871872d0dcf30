// The benchmark's workload: realistic mixed events from the demo simulator (decisions with
// LLM reasoning text, signals, orders and their lifecycle, fills, heartbeats with marks), in
// the three forms the three publishing paths need. Not thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ledger/v1/events.pb.h"

namespace ledger::producer::bench {

struct Workload {
  // For the Publisher: the envelope's event_id, session and sequence left empty (the
  // Publisher fills them, as for an agent).
  std::vector<ledger::v1::Event> events;
  // For the bare producer: the same events, envelope complete, serialized; and their keys.
  std::vector<std::string> values;
  std::vector<std::string> keys;
  std::size_t value_bytes = 0;  // sum of values' sizes
};

// `count` events from `simulators` seeded simulators (6 agents each, ids salted per simulator
// so agents differ), interleaved.
Workload make_workload(std::size_t count, int simulators);

// Writes the events as JSON Lines (protobuf JSON, one per line). Returns false on I/O error.
bool write_jsonl(const std::vector<ledger::v1::Event>& events, const std::string& path);

}  // namespace ledger::producer::bench
