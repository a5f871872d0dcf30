// The projection state one batch needs, loaded from PostgreSQL for exactly the keys the batch
// touches (orders, agents, streams, processed event ids), then changed in memory by apply().
//
// Owns: the order state machine's data (DESIGN.md), the agent's limits (max_leverage), the
// per-agent stream position (session, sequence) and the dedup set. Plain data, single-threaded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "ledger/events/decimal.hpp"

namespace ledger::projector {

using events::Decimal;

enum class OrderStatus {
  kNew,
  kAccepted,
  kPartiallyFilled,
  kFilled,
  kCanceled,
  kRejected,
  kExpired
};

// "new", "accepted", "partially_filled", "filled", "canceled", "rejected", "expired".
const char* order_status_name(OrderStatus status);
std::optional<OrderStatus> parse_order_status(std::string_view name);
bool is_open(OrderStatus status);

// One order, keyed by (agent_id, order_id). Times are microseconds since the Unix epoch.
struct OrderState {
  std::string agent_id;
  std::string order_id;
  std::string decision_id, strategy_id, signal_id, symbol, correlation_id;
  std::string side;        // "buy" | "sell"
  std::string order_type;  // "market" | "limit" | "stop" | "stop_limit" | "trailing_stop"
  Decimal quantity;
  std::optional<Decimal> price;
  std::optional<Decimal> stop_price;
  std::uint32_t leverage = 1;
  bool is_paper = false;
  OrderStatus status = OrderStatus::kNew;
  Decimal filled_quantity;
  Decimal fees_total;
  // Sum of price*quantity over fills, in 10^-16 units (exact), for the average fill price.
  __int128 notional_e16 = 0;
  std::optional<Decimal> average_fill_price;
  std::string exchange_order_id;
  std::string status_reason;  // reason of the cancel / reject / expiry
  std::int64_t placed_at_us = 0;
  std::optional<std::int64_t> accepted_at_us, first_fill_at_us, last_fill_at_us, filled_at_us,
      canceled_at_us, rejected_at_us, expired_at_us;
  std::int64_t updated_at_us = 0;
  std::string last_event_id;
  std::int64_t fill_count = 0;
  std::unordered_set<std::string> fill_ids;  // fills already applied (loaded for touched orders)
  bool dirty = false;                        // changed by this batch: upserted by the writer

  Decimal remaining_quantity() const;
};

struct AgentLimits {
  std::uint32_t max_leverage = 0;  // 0: unknown (no registration seen): not enforced
};

// One (agent_id, session) stream. The counts are this batch's increments.
struct StreamPosition {
  std::uint64_t last_sequence = 0;
  bool exists = false;  // a row was loaded (else first_seen_at_us is this batch's first event)
  std::int64_t first_seen_at_us = 0;
  std::int64_t updated_at_us = 0;
  std::string last_event_id;
  std::int64_t events_added = 0;
  std::int64_t gaps_added = 0;
  std::int64_t duplicates_added = 0;  // a sequence already seen, carried by a new event_id
  bool dirty = false;
};

struct OrderKeyHash {
  std::size_t operator()(const std::pair<std::string, std::string>& key) const {
    return std::hash<std::string>()(key.first) * 31u ^ std::hash<std::string>()(key.second);
  }
};
using OrderKey = std::pair<std::string, std::string>;  // (agent_id, order_id)

using StreamKey = std::pair<std::string, std::string>;  // (agent_id, session)

struct ProjectionState {
  std::unordered_map<OrderKey, OrderState, OrderKeyHash> orders;
  std::unordered_map<std::string, AgentLimits> agents;
  std::unordered_map<StreamKey, StreamPosition, OrderKeyHash> streams;
  // Lower-case event ids already processed (loaded for the batch, then grown by it).
  std::unordered_set<std::string> processed_event_ids;
  // Per partition: records below this offset are already in the archive (written by an earlier
  // transaction together with everything they caused): they are skipped as redeliveries.
  std::unordered_map<std::int32_t, std::int64_t> archived_next_offset;

  void clear();
  // After the batch's rows were committed, for a state kept across batches (a rebuild's single
  // writer): nothing is dirty any more, every stream has its row and no pending increments.
  void settle();
};

// The keys a batch touches; the loader reads exactly these.
struct BatchKeys {
  std::unordered_set<std::string> agent_ids;
  std::unordered_set<OrderKey, OrderKeyHash> orders;
  std::unordered_set<StreamKey, OrderKeyHash> streams;
  std::unordered_set<std::string> event_ids;  // valid UUIDs only, lower case
  void clear();
};

// The event id as stored in PostgreSQL's uuid text form (lower case).
std::string canonical_event_id(const std::string& event_id);

}  // namespace ledger::projector
