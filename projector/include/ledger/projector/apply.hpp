// apply(): the projector's pure core. Folds a batch of decoded events into the loaded state and
// the rows to write. No I/O: the same (state, events) always give the same rows, which is what
// makes replay deterministic.
//
// Rules (DESIGN.md): an event is, in this order,
//   parked     a payload this build does not know (newer schema)
//   rejected   undecodable bytes, validation failures, or a broken invariant of the order state
//              machine / agent limits (see RejectReason); it changes no projection, and a
//              derived system event "projection_reject" records it
//   skipped    its event_id was processed before (or earlier in the batch): changes nothing
//   projected  otherwise
// Every record is archived. Sequence gaps per (agent, session) add a derived "sequence_gap"
// system event; they are not rejects.
#pragma once

#include <span>
#include <vector>

#include "ledger/projector/batch_rows.hpp"
#include "ledger/projector/decoded_event.hpp"
#include "ledger/projector/extension.hpp"
#include "ledger/projector/state.hpp"

namespace ledger::projector {

// The keys `events` touch (agents, orders, event ids), for the state loader.
void collect_keys(std::span<const DecodedEvent> events, BatchKeys& keys);

// Applies `events` in order. `state` must hold what the loader read for collect_keys(events);
// it is changed in place (orders and streams marked dirty). Rows are appended to `rows`.
// Each extension sees every projected event.
void apply_batch(std::span<const DecodedEvent> events, ProjectionState& state, BatchRows& rows,
                 std::span<ProjectionExtension* const> extensions = {});

}  // namespace ledger::projector
