// The state tables, each upserted set-based: one COPY into a staging table (temporary, ON
// COMMIT DELETE ROWS) and one INSERT ... SELECT ... ON CONFLICT per batch.
#include <nlohmann/json.hpp>
#include <tuple>

#include "ledger/events/decimal.hpp"
#include "ledger/projector/row_text.hpp"
#include "ledger/projector/sql_text.hpp"
#include "ledger/projector/store.hpp"

namespace ledger::projector {
namespace {

using ledger::v1::Event;
using Columns = std::vector<std::string>;
using OptText = std::optional<std::string>;

std::string lower_enum(const google::protobuf::EnumDescriptor* descriptor, int value) {
  const google::protobuf::EnumValueDescriptor* found = descriptor->FindValueByNumber(value);
  std::string name = found == nullptr ? std::string("unspecified") : found->name();
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

std::string marks_json(const ledger::v1::AgentHeartbeat& heartbeat) {
  nlohmann::json marks = nlohmann::json::object();
  for (const auto& [symbol, price] : heartbeat.marks()) {
    marks[symbol] = decimal_text(price).value_or(price);
  }
  return marks.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

OptText closed_at(const OrderState& order) {
  if (order.filled_at_us) return timestamp_text(*order.filled_at_us);
  if (order.canceled_at_us) return timestamp_text(*order.canceled_at_us);
  if (order.rejected_at_us) return timestamp_text(*order.rejected_at_us);
  if (order.expired_at_us) return timestamp_text(*order.expired_at_us);
  return std::nullopt;
}

}  // namespace

// The staging tables, made once per connection.
extern const char* const kStagingDdl;
const char* const kStagingDdl = R"sql(
CREATE TEMP TABLE stage_agents (
  agent_id text, name text, llm_model text, exchange_account text, initial_balance numeric,
  max_position_size_pct numeric, max_leverage integer, stop_loss_pct numeric,
  take_profit_pct numeric, strategy_description text, strategy_id text, quote_currency text,
  has_registration boolean, status text, status_reason text, registered_at timestamptz,
  first_seen_at timestamptz, updated_at timestamptz, last_event_id uuid) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE stage_agent_status (LIKE agent_status) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE stage_strategies (LIKE strategies) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE stage_orders (LIKE orders) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE stage_streams (LIKE agent_streams) ON COMMIT DELETE ROWS;
)sql";

void Store::upsert_agents(pqxx::dbtransaction& tx, const BatchRows& rows) {
  if (rows.agents.empty()) return;
  {
    pqxx::stream_to stream(
        tx, "stage_agents",
        Columns{"agent_id", "name", "llm_model", "exchange_account", "initial_balance",
                "max_position_size_pct", "max_leverage", "stop_loss_pct", "take_profit_pct",
                "strategy_description", "strategy_id", "quote_currency", "has_registration",
                "status", "status_reason", "registered_at", "first_seen_at", "updated_at",
                "last_event_id"});
    for (const auto& [agent_id, change] : rows.agents) {
      ledger::v1::AgentRegistered reg;
      if (change.registration != nullptr) reg = change.registration->event.agent_registered();
      OptText status;
      OptText status_reason;
      if (change.status != nullptr) {
        const auto& changed = change.status->event.agent_status_changed();
        status = lower_enum(ledger::v1::AgentStatusChanged::Status_descriptor(), changed.status());
        status_reason = nullable(changed.reason());
      }
      const DecodedEvent* last = change.last_change;
      stream << std::make_tuple(
          agent_id, nullable(reg.name()), nullable(reg.llm_model()),
          nullable(reg.exchange_account()), decimal_text(reg.initial_balance()),
          decimal_text(reg.max_position_size_pct()),
          reg.max_leverage() == 0 ? std::optional<std::int64_t>()
                                  : std::optional<std::int64_t>(reg.max_leverage()),
          decimal_text(reg.stop_loss_pct()), decimal_text(reg.take_profit_pct()),
          nullable(reg.strategy_description()), nullable(reg.strategy_id()),
          reg.quote_currency().empty() ? std::string("USD") : reg.quote_currency(),
          change.registration != nullptr, status, status_reason,
          change.first_registration == nullptr
              ? OptText()
              : OptText(timestamp_text(change.first_registration->occurred_at_us)),
          timestamp_text(change.first_seen_at_us),
          timestamp_text(last == nullptr ? change.first_seen_at_us : last->occurred_at_us),
          last == nullptr ? OptText() : OptText(last->event.event_id()));
    }
    stream.complete();
  }
  tx.exec0(
      "INSERT INTO agents (agent_id, first_seen_at, updated_at) "
      "SELECT agent_id, first_seen_at, first_seen_at FROM stage_agents "
      "ON CONFLICT (agent_id) DO NOTHING");
  tx.exec0(R"sql(
UPDATE agents a SET
  name = CASE WHEN s.has_registration THEN s.name ELSE a.name END,
  llm_model = CASE WHEN s.has_registration THEN s.llm_model ELSE a.llm_model END,
  exchange_account = CASE WHEN s.has_registration THEN s.exchange_account ELSE a.exchange_account END,
  initial_balance = CASE WHEN s.has_registration THEN s.initial_balance ELSE a.initial_balance END,
  max_position_size_pct = CASE WHEN s.has_registration THEN s.max_position_size_pct
                               ELSE a.max_position_size_pct END,
  max_leverage = CASE WHEN s.has_registration THEN s.max_leverage ELSE a.max_leverage END,
  stop_loss_pct = CASE WHEN s.has_registration THEN s.stop_loss_pct ELSE a.stop_loss_pct END,
  take_profit_pct = CASE WHEN s.has_registration THEN s.take_profit_pct ELSE a.take_profit_pct END,
  strategy_description = CASE WHEN s.has_registration THEN s.strategy_description
                              ELSE a.strategy_description END,
  strategy_id = CASE WHEN s.has_registration THEN s.strategy_id ELSE a.strategy_id END,
  quote_currency = CASE WHEN s.has_registration THEN s.quote_currency ELSE a.quote_currency END,
  registered_at = COALESCE(a.registered_at, s.registered_at),
  status = COALESCE(s.status, a.status),
  status_reason = CASE WHEN s.status IS NOT NULL THEN s.status_reason ELSE a.status_reason END,
  updated_at = s.updated_at,
  last_event_id = s.last_event_id
FROM stage_agents s
WHERE a.agent_id = s.agent_id AND (s.has_registration OR s.status IS NOT NULL))sql");
}

void Store::upsert_agent_status(pqxx::dbtransaction& tx, const BatchRows& rows) {
  using ledger::v1::AgentHeartbeat;
  if (rows.latest_heartbeats.empty()) return;
  {
    pqxx::stream_to stream(
        tx, "stage_agent_status",
        Columns{"agent_id", "status", "health_score", "last_heartbeat", "metadata", "marks",
                "heartbeat_count", "updated_at", "last_event_id"});
    for (const auto& [agent_id, summary] : rows.latest_heartbeats) {
      const DecodedEvent& e = *summary.latest;
      const AgentHeartbeat& h = e.event.agent_heartbeat();
      stream << std::make_tuple(
          agent_id, lower_enum(AgentHeartbeat::Status_descriptor(), h.status()),
          decimal_text(h.health_score()), timestamp_text(e.occurred_at_us),
          h.has_metadata() ? OptText(struct_json(h.metadata())) : OptText(), marks_json(h),
          summary.count, timestamp_text(e.occurred_at_us), e.event.event_id());
    }
    stream.complete();
  }
  tx.exec0(R"sql(
INSERT INTO agent_status (agent_id, status, health_score, last_heartbeat, metadata, marks,
                          heartbeat_count, updated_at, last_event_id)
SELECT agent_id, status, health_score, last_heartbeat, metadata, marks, heartbeat_count,
       updated_at, last_event_id FROM stage_agent_status
ON CONFLICT (agent_id) DO UPDATE SET
  status = EXCLUDED.status, health_score = EXCLUDED.health_score,
  last_heartbeat = EXCLUDED.last_heartbeat, metadata = EXCLUDED.metadata,
  marks = EXCLUDED.marks,
  heartbeat_count = agent_status.heartbeat_count + EXCLUDED.heartbeat_count,
  updated_at = EXCLUDED.updated_at, last_event_id = EXCLUDED.last_event_id)sql");
}

void Store::upsert_strategies(pqxx::dbtransaction& tx, const BatchRows& rows) {
  if (rows.strategies.empty()) return;
  {
    pqxx::stream_to stream(tx, "stage_strategies",
                           Columns{"strategy_id", "agent_id", "first_seen_at", "last_seen_at",
                                   "decision_count", "signal_count", "order_count", "fill_count"});
    for (const auto& [strategy_id, seen] : rows.strategies) {
      stream << std::make_tuple(strategy_id, seen.agent_id, timestamp_text(seen.first_seen_at_us),
                                timestamp_text(seen.last_seen_at_us), seen.decisions, seen.signals,
                                seen.orders, seen.fills);
    }
    stream.complete();
  }
  tx.exec0(R"sql(
INSERT INTO strategies (strategy_id, agent_id, first_seen_at, last_seen_at, decision_count,
                        signal_count, order_count, fill_count)
SELECT strategy_id, agent_id, first_seen_at, last_seen_at, decision_count, signal_count,
       order_count, fill_count FROM stage_strategies
ON CONFLICT (strategy_id) DO UPDATE SET
  first_seen_at = LEAST(strategies.first_seen_at, EXCLUDED.first_seen_at),
  last_seen_at = GREATEST(strategies.last_seen_at, EXCLUDED.last_seen_at),
  decision_count = strategies.decision_count + EXCLUDED.decision_count,
  signal_count = strategies.signal_count + EXCLUDED.signal_count,
  order_count = strategies.order_count + EXCLUDED.order_count,
  fill_count = strategies.fill_count + EXCLUDED.fill_count)sql");
}

namespace {

// The orders columns the projector writes, in COPY order; (agent_id, order_id) is the key.
const Columns& order_columns() {
  static const Columns columns{"agent_id",
                               "order_id",
                               "decision_id",
                               "strategy_id",
                               "signal_id",
                               "symbol",
                               "side",
                               "order_type",
                               "quantity",
                               "price",
                               "stop_price",
                               "leverage",
                               "is_paper",
                               "status",
                               "exchange_order_id",
                               "filled_quantity",
                               "remaining_quantity",
                               "average_fill_price",
                               "fees_paid",
                               "fill_count",
                               "placed_at",
                               "accepted_at",
                               "first_fill_at",
                               "last_fill_at",
                               "filled_at",
                               "canceled_at",
                               "rejected_at",
                               "expired_at",
                               "closed_at",
                               "reason",
                               "correlation_id",
                               "updated_at",
                               "last_event_id"};
  return columns;
}

// INSERT ... SELECT from the staging table; a known order takes every non-key column.
std::string order_upsert_sql() {
  std::string names;
  std::string updates;
  for (const std::string& name : order_columns()) {
    names += (names.empty() ? "" : ", ") + name;
    if (name == "agent_id" || name == "order_id") continue;
    updates += (updates.empty() ? "" : ", ") + name + " = EXCLUDED." + name;
  }
  return "INSERT INTO orders (" + names + ") SELECT " + names +
         " FROM stage_orders ON CONFLICT (agent_id, order_id) DO UPDATE SET " + updates;
}

void stream_order(pqxx::stream_to& stream, const OrderState& o) {
  stream << std::make_tuple(
      o.agent_id, o.order_id, nullable(o.decision_id), nullable(o.strategy_id),
      nullable(o.signal_id), o.symbol, o.side, o.order_type, o.quantity.to_string(),
      decimal_text(o.price), decimal_text(o.stop_price), static_cast<std::int64_t>(o.leverage),
      o.is_paper, std::string(order_status_name(o.status)), nullable(o.exchange_order_id),
      o.filled_quantity.to_string(), o.remaining_quantity().to_string(),
      decimal_text(o.average_fill_price), o.fees_total.to_string(), o.fill_count,
      timestamp_text(o.placed_at_us), timestamp_text(o.accepted_at_us),
      timestamp_text(o.first_fill_at_us), timestamp_text(o.last_fill_at_us),
      timestamp_text(o.filled_at_us), timestamp_text(o.canceled_at_us),
      timestamp_text(o.rejected_at_us), timestamp_text(o.expired_at_us), closed_at(o),
      nullable(o.status_reason), nullable(o.correlation_id), timestamp_text(o.updated_at_us),
      o.last_event_id);
}

}  // namespace

void Store::upsert_orders(pqxx::dbtransaction& tx, const ProjectionState& state) {
  bool any = false;
  {
    std::unique_ptr<pqxx::stream_to> stream;
    for (const auto& [key, order] : state.orders) {
      if (!order.dirty) continue;
      if (!stream) stream = std::make_unique<pqxx::stream_to>(tx, "stage_orders", order_columns());
      any = true;
      stream_order(*stream, order);
    }
    if (stream) stream->complete();
  }
  if (!any) return;
  static const std::string sql = order_upsert_sql();
  tx.exec0(sql);
}

void Store::upsert_streams(pqxx::dbtransaction& tx, const ProjectionState& state) {
  bool any = false;
  {
    std::unique_ptr<pqxx::stream_to> stream;
    for (const auto& [key, s] : state.streams) {
      if (!s.dirty) continue;
      if (!stream) {
        stream = std::make_unique<pqxx::stream_to>(
            tx, "stage_streams",
            Columns{"agent_id", "session", "last_sequence", "last_event_id", "first_seen_at",
                    "updated_at", "event_count", "gap_count", "duplicate_count"});
      }
      any = true;
      *stream << std::make_tuple(key.first, key.second, static_cast<std::int64_t>(s.last_sequence),
                                 s.last_event_id, timestamp_text(s.first_seen_at_us),
                                 timestamp_text(s.updated_at_us), s.events_added, s.gaps_added,
                                 s.duplicates_added);
    }
    if (stream) stream->complete();
  }
  if (!any) return;
  tx.exec0(R"sql(
INSERT INTO agent_streams (agent_id, session, last_sequence, last_event_id, first_seen_at,
                           updated_at, event_count, gap_count, duplicate_count)
SELECT agent_id, session, last_sequence, last_event_id, first_seen_at, updated_at, event_count,
       gap_count, duplicate_count FROM stage_streams
ON CONFLICT (agent_id, session) DO UPDATE SET
  last_sequence = EXCLUDED.last_sequence, last_event_id = EXCLUDED.last_event_id,
  updated_at = EXCLUDED.updated_at,
  event_count = agent_streams.event_count + EXCLUDED.event_count,
  gap_count = agent_streams.gap_count + EXCLUDED.gap_count,
  duplicate_count = agent_streams.duplicate_count + EXCLUDED.duplicate_count)sql");
}

}  // namespace ledger::projector
