-- 0200 query views: the named queries of queries/sql/ as plain SQL views, for BI tools and psql
-- (`SELECT * FROM ledger.open_orders_view WHERE agent_id = 'a-1'`). Each view is its named
-- query without the filters: a tool adds its own WHERE. Views read the tables of the schema they
-- were created in (a rebuild schema gets its own, and they move with it at a replay swap).
-- ledger_reader may select from them (grant_schema_access below).

-- Every LLM decision, HOLD included (named query: decisions).
CREATE VIEW decisions_view AS
SELECT d.occurred_at, d.agent_id, d.decision_id, d.action, d.symbol, d.size_usd, d.leverage,
       d.confidence, d.status, d.strategy_id, d.stop_loss_price, d.take_profit_price,
       d.execution_time_ms, d.error_message, d.reasoning, d.kafka_partition, d.kafka_offset
  FROM decisions d;

-- Orders with their lifecycle state (named query: orders).
CREATE VIEW orders_view AS
SELECT o.placed_at, o.agent_id, o.order_id, o.symbol, o.side, o.order_type, o.quantity, o.price,
       o.status, o.filled_quantity, o.remaining_quantity, o.average_fill_price, o.fees_paid,
       o.fill_count, o.leverage, o.is_paper, o.strategy_id, o.decision_id, o.exchange_order_id,
       o.closed_at, o.reason
  FROM orders o;

-- Orders still open (named query: open_orders).
CREATE VIEW open_orders_view AS
SELECT o.placed_at, o.agent_id, o.order_id, o.symbol, o.side, o.order_type, o.quantity, o.price,
       o.stop_price, o.status, o.filled_quantity, o.remaining_quantity, o.average_fill_price,
       o.strategy_id, o.decision_id, o.updated_at
  FROM orders o
 WHERE o.status IN ('new', 'accepted', 'partially_filled');

-- Every execution (named query: fills).
CREATE VIEW fills_view AS
SELECT f.occurred_at, f.agent_id, f.order_id, f.fill_id, f.symbol, f.side, f.price, f.quantity,
       f.notional, f.fee, f.fee_currency, f.liquidity, f.strategy_id, f.decision_id, f.is_paper,
       f.kafka_partition, f.kafka_offset
  FROM fills f;

-- The seed's recent trades: fills of the last 24 hours (named query: recent_trades).
CREATE VIEW recent_trades_view AS
SELECT f.symbol, f.side, f.quantity, f.price, f.occurred_at AS "timestamp", f.agent_id,
       f.order_id, f.fee
  FROM fills f
 WHERE f.occurred_at >= now() - interval '24 hours';

-- The seed's trading performance by symbol, all time (named query: trade_volume_by_symbol).
CREATE VIEW trade_volume_by_symbol_view AS
SELECT f.symbol,
       count(*) AS total_trades,
       coalesce(sum(f.notional) FILTER (WHERE f.side = 'buy'), 0) AS buy_volume,
       coalesce(sum(f.notional) FILTER (WHERE f.side = 'sell'), 0) AS sell_volume,
       coalesce(sum(f.quantity) FILTER (WHERE f.side = 'buy'), 0) AS buy_quantity,
       coalesce(sum(f.quantity) FILTER (WHERE f.side = 'sell'), 0) AS sell_quantity,
       sum(f.fee) AS fees,
       min(f.occurred_at) AS first_trade_at,
       max(f.occurred_at) AS last_trade_at
  FROM fills f
 GROUP BY f.symbol;

-- Hourly OHLC of fill prices per symbol and agent (named query: ohlc with --bucket '1 hour').
-- Grouped per agent too, so a tool can filter by agent; aggregate over agents for the market.
CREATE VIEW ohlc_hourly_view AS
SELECT f.symbol, f.agent_id,
       date_bin(interval '1 hour', f.occurred_at, timestamptz '1970-01-01 00:00:00+00')
         AS bucket_start,
       (array_agg(f.price ORDER BY f.occurred_at, f.kafka_partition, f.kafka_offset))[1] AS open,
       max(f.price) AS high,
       min(f.price) AS low,
       (array_agg(f.price ORDER BY f.occurred_at DESC, f.kafka_partition DESC,
                  f.kafka_offset DESC))[1] AS close,
       sum(f.quantity) AS volume,
       sum(f.notional) AS notional,
       count(*) AS trades
  FROM fills f
 GROUP BY f.symbol, f.agent_id, 3;

-- Strategy signals (named query: signals).
CREATE VIEW signals_view AS
SELECT s.occurred_at, s.agent_id, s.strategy_id, s.symbol, s.signal_type, s.strength,
       s.confidence, s.price, s.timeframe, s.signal_id, s.indicators
  FROM signals s;

-- System events, sent and derived (named query: system_events).
CREATE VIEW system_events_view AS
SELECT e.occurred_at, e.agent_id, e.source, e.event_type, e.severity, e.component, e.message,
       e.details, e.kafka_partition, e.kafka_offset
  FROM system_events e;

-- Agents with their latest heartbeat (named query: agent_status; seed 002 agent_status_view).
CREATE VIEW agent_status_view AS
SELECT a.agent_id, a.name, a.llm_model, a.status, a.status_reason, h.status AS heartbeat_status,
       h.health_score, h.last_heartbeat, h.heartbeat_count, a.max_leverage, a.initial_balance,
       a.exchange_account, a.strategy_id, a.registered_at, a.updated_at, h.marks
  FROM agents a
  LEFT JOIN agent_status h USING (agent_id);

-- Refused events (named query: rejects).
CREATE VIEW rejects_view AS
SELECT r.occurred_at, r.agent_id, r.event_type, r.reason, r.details, r.event_id, r.kafka_topic,
       r.kafka_partition, r.kafka_offset
  FROM rejects r;

-- Strategies seen (named query: strategies).
CREATE VIEW strategies_view AS
SELECT s.strategy_id, s.agent_id, s.first_seen_at, s.last_seen_at, s.decision_count,
       s.signal_count, s.order_count, s.fill_count
  FROM strategies s;

-- Per agent and action: decisions and how many led to orders and fills (named query:
-- decision_outcomes).
CREATE VIEW decision_outcomes_view AS
SELECT d.agent_id, d.action,
       count(*) AS decisions,
       count(*) FILTER (WHERE d.status <> 'success') AS failed,
       round(avg(d.confidence), 4) AS avg_confidence,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM orders o WHERE o.decision_id = d.decision_id))
         AS with_orders,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM orders o WHERE o.decision_id = d.decision_id
                                                           AND o.fill_count > 0)) AS with_fills
  FROM decisions d
 GROUP BY d.agent_id, d.action;

SELECT grant_schema_access();
