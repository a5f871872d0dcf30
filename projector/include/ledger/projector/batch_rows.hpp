// BatchRows: everything one batch writes, computed by apply() and written by the writer in ONE
// transaction. Append-only rows point at the batch's DecodedEvents (no copies); state rows are
// final images per key (the last change in log order wins).
//
// REQUIRES: the DecodedEvents (and their records' bytes) outlive the BatchRows. Plain data.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/projector/decoded_event.hpp"
#include "ledger/projector/state.hpp"

namespace ledger::projector {

// Machine-readable reasons in the rejects table.
enum class RejectReason {
  kUndecodable,           // bytes are not a ledger.v1.Event
  kInvalidField,          // events::validate failed (quantity <= 0, price <= 0, confidence ...)
  kFillUnknownOrder,      // fill for an order never placed
  kFillClosedOrder,       // fill for a filled / rejected / expired order
  kFillAfterCancel,       // fill for a canceled order
  kOverfill,              // fills would exceed the order's quantity
  kDuplicateFillId,       // a fill_id already applied to this order, in a different event
  kOrderUnknown,          // accept / cancel / reject / expire for an order never placed
  kTransitionFromClosed,  // accept / cancel / reject / expire of a closed order
  kInvalidTransition,     // e.g. accepted twice, accepted after a fill
  kDuplicateOrderId,      // OrderPlaced for an order_id already used by another event
  kLeverageAboveMax,      // order or decision leverage above the agent's max_leverage
  kArithmeticOverflow,    // amounts beyond NUMERIC(24,8)
  kWriteFailed,           // PostgreSQL refused the event's rows (kept apart, stream goes on)
};
const char* reject_reason_name(RejectReason reason);

struct RejectRow {
  const DecodedEvent* event;
  RejectReason reason;
  std::string detail;  // a sentence a person can act on
};

// An order lifecycle event, with the order's state right after it.
struct OrderEventRow {
  const DecodedEvent* event;
  std::optional<OrderStatus> from_status;  // nullopt for the placement
  OrderStatus to_status;
};

// A fill with the order it belongs to (side and symbol come from the order).
struct FillRow {
  const DecodedEvent* event;
  const OrderState* order;  // side, symbol, decision, strategy, is_paper
  Decimal notional;         // price * quantity, rounded to 8 places (half away from zero)
};

struct ProcessedRow {
  const DecodedEvent* event;
  const char* outcome;  // "projected" | "rejected" | "parked"
};

// A system event the projector derives: order_rejected, projection_reject, sequence_gap.
struct DerivedSystemEvent {
  const DecodedEvent* source;
  std::string event_type;
  std::string severity;  // "info" | "warning" | "error" | "critical"
  std::string message;
  std::string details_json;  // a JSON object
};

// Agent table images. `registration` is the last AgentRegistered, `status` the last status.
// Every agent with a projected event gets a row; registration columns come from the last
// AgentRegistered, status from the last AgentStatusChanged.
struct AgentChange {
  std::int64_t first_seen_at_us = 0;           // the batch's first event of the agent
  const DecodedEvent* registration = nullptr;  // last AgentRegistered
  const DecodedEvent* first_registration = nullptr;
  const DecodedEvent* status = nullptr;       // last AgentStatusChanged
  const DecodedEvent* last_change = nullptr;  // the later of the two
};

// Latest heartbeat per agent and how many the batch carried.
struct HeartbeatSummary {
  const DecodedEvent* latest = nullptr;
  std::int64_t count = 0;
};

struct StrategySeen {
  std::string agent_id;
  std::int64_t first_seen_at_us = 0;
  std::int64_t last_seen_at_us = 0;
  std::int64_t decisions = 0, signals = 0, orders = 0, fills = 0;
};

struct BatchRows {
  std::vector<const DecodedEvent*> archive;  // every record of the batch, log order
  std::vector<ProcessedRow> processed;       // event ids recorded (projected, rejected or parked)
  std::vector<const DecodedEvent*> decisions;
  std::vector<const DecodedEvent*> signals;
  std::vector<const DecodedEvent*> heartbeats;
  std::vector<const DecodedEvent*> reported_system_events;  // SystemEventReported
  std::vector<const DecodedEvent*> parked;
  std::vector<FillRow> fills;
  std::vector<OrderEventRow> order_events;
  std::vector<RejectRow> rejects;
  std::vector<DerivedSystemEvent> derived_system_events;
  std::map<std::string, AgentChange> agents;                  // by agent_id
  std::map<std::string, HeartbeatSummary> latest_heartbeats;  // by agent_id
  std::map<std::string, StrategySeen> strategies;             // by strategy_id
  std::int64_t projected = 0;                                 // events that changed projections
  std::int64_t duplicates = 0;                                // skipped: event_id seen before

  void clear();
};

}  // namespace ledger::projector
