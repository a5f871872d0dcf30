// The SQL behind `ledger audit` (queries/src only). $1 is the decision id (uuid text) or the
// agent id; every statement is read-only and runs with bound parameters.
#pragma once

namespace ledger::queries::audit_sql {

inline constexpr const char* kDecision = R"sql(
SELECT d.occurred_at, d.agent_id, d.decision_id, d.status, d.action, d.symbol, d.size_usd,
       d.leverage, d.confidence, d.stop_loss_price, d.take_profit_price, d.strategy_id,
       d.execution_time_ms, d.error_message, d.reasoning, d.event_id, d.correlation_id,
       d.causation_id, d.kafka_partition, d.kafka_offset
  FROM decisions d WHERE d.decision_id = $1::uuid
 ORDER BY d.occurred_at, d.event_id LIMIT 1)sql";

inline constexpr const char* kPrompt = R"sql(
SELECT d.prompt_content, d.llm_response
  FROM decisions d WHERE d.decision_id = $1::uuid
 ORDER BY d.occurred_at, d.event_id LIMIT 1)sql";

inline constexpr const char* kOrders = R"sql(
SELECT o.placed_at, o.agent_id, o.order_id, o.symbol, o.side, o.order_type, o.quantity, o.price,
       o.status, o.filled_quantity, o.average_fill_price, o.fees_paid, o.fill_count,
       o.exchange_order_id, o.closed_at, o.reason
  FROM orders o WHERE o.decision_id = $1::uuid
 ORDER BY o.placed_at, o.order_id)sql";

inline constexpr const char* kOrderEvents = R"sql(
SELECT e.occurred_at, e.order_id, e.event_type, e.from_status, e.to_status, e.reason, e.fill_id,
       e.event_id, e.kafka_partition, e.kafka_offset
  FROM order_events e
  JOIN orders o ON o.agent_id = e.agent_id AND o.order_id = e.order_id
 WHERE o.decision_id = $1::uuid
 ORDER BY e.occurred_at, e.kafka_partition, e.kafka_offset)sql";

inline constexpr const char* kFills = R"sql(
SELECT f.occurred_at, f.order_id, f.fill_id, f.symbol, f.side, f.price, f.quantity, f.notional,
       f.fee, f.fee_currency, f.liquidity, f.event_id, f.kafka_partition, f.kafka_offset
  FROM fills f
  JOIN orders o ON o.agent_id = f.agent_id AND o.order_id = f.order_id
 WHERE o.decision_id = $1::uuid
 ORDER BY f.occurred_at, f.kafka_partition, f.kafka_offset)sql";

// Events refused on the decision's behalf: rejects of its agent whose decoded event names the
// decision or one of its orders (e.g. an overfill, a fill after cancel, an order over the
// leverage limit).
inline constexpr const char* kRejects = R"sql(
SELECT r.occurred_at, r.event_type, r.reason, r.details, r.event_id, r.kafka_partition,
       r.kafka_offset
  FROM rejects r
  JOIN decisions d ON d.decision_id = $1::uuid AND r.agent_id = d.agent_id
 WHERE r.event_json IS NOT NULL
   AND (jsonb_path_exists(r.event_json, '$.** ? (@.decision_id == $d)',
                          jsonb_build_object('d', $1::text))
        OR EXISTS (SELECT 1 FROM orders o
                    WHERE o.decision_id = d.decision_id
                      AND jsonb_path_exists(r.event_json, '$.** ? (@.order_id == $o)',
                                            jsonb_build_object('o', o.order_id))))
 ORDER BY r.occurred_at, r.kafka_partition, r.kafka_offset)sql";

// Every archived event of the decision's correlation (decision -> orders -> fills lineage).
inline constexpr const char* kLineage = R"sql(
SELECT a.occurred_at, a.event_type, a.event_id, a.causation_id, a.kafka_topic, a.kafka_partition,
       a.kafka_offset
  FROM event_archive a
  JOIN (SELECT correlation_id, event_id, agent_id FROM decisions
         WHERE decision_id = $1::uuid ORDER BY occurred_at LIMIT 1) d
    ON a.agent_id = d.agent_id
   AND (a.correlation_id = d.correlation_id OR a.causation_id = d.event_id::text
        OR a.event_id = d.event_id)
 ORDER BY a.kafka_partition, a.kafka_offset)sql";

// Whether the accounting tables (migration 0150) are there.
inline constexpr const char* kHasBooks = R"sql(
SELECT to_regclass('position_changes') IS NOT NULL AND to_regclass('closed_positions') IS NOT NULL)sql";

// Every fill of the decision's orders and what it did to the position.
inline constexpr const char* kPositionChanges = R"sql(
SELECT c.occurred_at, c.symbol, c.change, c.fill_side, c.fill_quantity, c.fill_price,
       c.quantity_before, c.quantity_after, c.side_after, c.average_entry_price_after,
       c.realized_pnl_delta, c.fee, c.order_id, c.fill_id, c.position_number,
       c.kafka_partition, c.kafka_offset
  FROM position_changes c
 WHERE c.decision_id = $1::uuid
 ORDER BY c.occurred_at, c.kafka_partition, c.kafka_offset)sql";

// The P&L the decision's fills realized.
inline constexpr const char* kRealized = R"sql(
SELECT count(*) AS fills,
       coalesce(sum(c.realized_pnl_delta), 0) AS realized_pnl_gross,
       coalesce(sum(c.fee), 0) AS fees,
       coalesce(sum(c.realized_pnl_delta), 0) - coalesce(sum(c.fee), 0) AS realized_pnl_net
  FROM position_changes c
 WHERE c.decision_id = $1::uuid)sql";

// Round trips the decision opened or traded in.
inline constexpr const char* kRoundTrips = R"sql(
SELECT r.closed_at, r.symbol, r.position_number, r.side, r.quantity, r.entry_avg_price,
       r.exit_avg_price, r.gross_pnl, r.fees, r.net_pnl, r.outcome, r.ended_by_flip,
       r.opened_at, r.kafka_partition, r.kafka_offset
  FROM closed_positions r
 WHERE r.opening_decision_id = $1::uuid OR $1::text = ANY (r.decision_ids)
 ORDER BY r.closed_at, r.symbol, r.position_number)sql";

inline constexpr const char* kAgent = R"sql(
SELECT a.agent_id, a.name, a.llm_model, a.status, a.status_reason, a.max_leverage,
       a.initial_balance, a.strategy_id, a.registered_at, a.first_seen_at, a.updated_at,
       h.status AS heartbeat_status, h.health_score, h.last_heartbeat
  FROM agents a LEFT JOIN agent_status h USING (agent_id)
 WHERE a.agent_id = $1)sql";

// One row per decision with its outcome; kAgentDecisionsWithPnl adds the P&L its fills realized
// (needs the accounting tables).
inline constexpr const char* kAgentDecisionsWithPnl = R"sql(
SELECT h.*, coalesce(p.realized_pnl_net, 0) AS realized_pnl_net
  FROM (%s) h
  LEFT JOIN LATERAL (
    SELECT sum(c.realized_pnl_delta) - sum(c.fee) AS realized_pnl_net
      FROM position_changes c WHERE c.decision_id = h.decision_id) p ON true
 ORDER BY h.occurred_at, h.decision_id)sql";

inline constexpr const char* kAgentDecisions = R"sql(
SELECT d.occurred_at, d.decision_id, d.action, d.symbol, d.size_usd, d.confidence, d.status,
       count(o.order_id) AS orders,
       coalesce(string_agg(DISTINCT o.status, ',' ORDER BY o.status), '') AS order_states,
       coalesce(sum(o.filled_quantity), 0) AS filled_quantity,
       coalesce(sum(o.fill_count), 0) AS fills,
       coalesce(sum(o.fees_paid), 0) AS fees,
       d.kafka_partition, d.kafka_offset
  FROM decisions d
  LEFT JOIN orders o ON o.agent_id = d.agent_id AND o.decision_id = d.decision_id
 WHERE d.agent_id = $1
   AND ($2::timestamptz IS NULL OR d.occurred_at >= $2)
   AND ($3::timestamptz IS NULL OR d.occurred_at < $3)
 GROUP BY d.occurred_at, d.decision_id, d.event_id, d.action, d.symbol, d.size_usd, d.confidence,
          d.status, d.kafka_partition, d.kafka_offset
 ORDER BY d.occurred_at, d.decision_id
 LIMIT $4::bigint)sql";

}  // namespace ledger::queries::audit_sql
