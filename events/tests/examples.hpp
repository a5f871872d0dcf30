// Valid example events, one per payload, for tests across the project.
//
// Owns: a fully valid ledger.v1.Event for every payload case (every field the contract describes
// filled with plausible values). Promises: validate(valid_example(c)) is empty for every known
// case; each call makes a fresh UUIDv7 event_id, so examples can be appended to one log without
// being taken for duplicates. Everything else is fixed: agent "agent-1", session "session-1",
// sequence 1, occurred_at 2026-01-02T03:04:05Z, order "order-1", symbol "BTC". Thread-safe.
#pragma once

#include "ledger/v1/events.pb.h"

namespace ledger::events::testing {

// REQUIRES: `payload_case` is a known case (not PAYLOAD_NOT_SET).
ledger::v1::Event valid_example(ledger::v1::Event::PayloadCase payload_case);

}  // namespace ledger::events::testing

namespace ledger::events {
using testing::valid_example;  // also reachable as ledger::events::valid_example
}  // namespace ledger::events
