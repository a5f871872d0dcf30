-- 0002 projection tables: the bookkeeping of the projector (offsets, streams, dedup, archive,
-- rejects, parked events) and the projections of agents, decisions, signals, orders and fills.
--
-- Types: money, prices and quantities NUMERIC(24,8) (the wire format's 16+8 digits, exact);
-- scores within 0..1 NUMERIC(9,8); identifiers that agents choose (agent_id, order_id,
-- strategy_id, symbol) text; event ids uuid. Kafka coordinates are kafka_topic,
-- kafka_partition, kafka_offset. Times are the events' occurred_at (never the projector's wall
-- clock) except columns named *_at that say "wall clock" below.
-- History tables are partitioned by occurred_at; their keys include it (a requirement of both
-- backends). Deduplication does not rely on them: processed_events is the idempotency key.

-- ---------------------------------------------------------------------------------------------
-- Projector bookkeeping (plain tables)

-- The next Kafka offset to read per consumer group and partition, written in the same
-- transaction as the rows it produced (exactly once into PostgreSQL).
CREATE TABLE consumer_offsets (
  consumer_group  text        NOT NULL,
  kafka_topic     text        NOT NULL,
  kafka_partition integer     NOT NULL CHECK (kafka_partition >= 0),
  next_offset     bigint      NOT NULL CHECK (next_offset >= 0),
  updated_at      timestamptz NOT NULL DEFAULT now(),  -- wall clock
  PRIMARY KEY (consumer_group, kafka_topic, kafka_partition)
);

-- Per agent and publisher session: the last sequence seen (gap and duplicate detection).
CREATE TABLE agent_streams (
  agent_id        text        NOT NULL,
  session         text        NOT NULL,
  last_sequence   bigint      NOT NULL CHECK (last_sequence >= 0),
  last_event_id   uuid,
  first_seen_at   timestamptz NOT NULL,  -- occurred_at of the session's first event
  updated_at      timestamptz NOT NULL,  -- occurred_at of the last event
  event_count     bigint      NOT NULL DEFAULT 0 CHECK (event_count >= 0),
  gap_count       bigint      NOT NULL DEFAULT 0 CHECK (gap_count >= 0),
  duplicate_count bigint      NOT NULL DEFAULT 0 CHECK (duplicate_count >= 0),
  PRIMARY KEY (agent_id, session)
);
CREATE INDEX agent_streams_updated_idx ON agent_streams (agent_id, updated_at DESC);

-- The idempotency key: one row per event_id ever applied (projected, rejected or parked).
CREATE TABLE processed_events (
  event_id        uuid        PRIMARY KEY,
  agent_id        text,
  occurred_at     timestamptz NOT NULL,
  kafka_topic     text        NOT NULL,
  kafka_partition integer     NOT NULL,
  kafka_offset    bigint      NOT NULL,
  outcome         text        NOT NULL DEFAULT 'projected'
                  CHECK (outcome IN ('projected', 'rejected', 'parked'))
);

-- Events whose payload this build does not know (a newer schema): kept byte for byte and
-- replayable after an upgrade.
CREATE TABLE parked_events (
  kafka_topic     text        NOT NULL,
  kafka_partition integer     NOT NULL,
  kafka_offset    bigint      NOT NULL,
  event_id        text,                      -- as sent (may be absent)
  agent_id        text,
  occurred_at     timestamptz,
  reason          text        NOT NULL DEFAULT 'unknown_payload',
  payload         bytea       NOT NULL,      -- the Kafka message value
  parked_at       timestamptz NOT NULL DEFAULT now(),  -- wall clock
  replayed_at     timestamptz,               -- wall clock, set when applied after an upgrade
  PRIMARY KEY (kafka_topic, kafka_partition, kafka_offset)
);
CREATE INDEX parked_events_pending_idx ON parked_events (kafka_topic, kafka_partition, kafka_offset)
  WHERE replayed_at IS NULL;

-- ---------------------------------------------------------------------------------------------
-- History: the event archive and rejects

-- Every consumed event's bytes and coordinates (the audit trail next to Kafka).
SELECT make_history_table('event_archive', $cols$
  event_id        uuid,                      -- NULL when the envelope could not be decoded
  agent_id        text,
  event_type      text        NOT NULL,      -- payload name, e.g. 'order_filled'
  occurred_at     timestamptz NOT NULL,      -- event time (Kafka timestamp when undecodable)
  session         text,
  sequence        bigint,
  correlation_id  text,
  causation_id    text,
  kafka_topic     text        NOT NULL,
  kafka_partition integer     NOT NULL,
  kafka_offset    bigint      NOT NULL,
  payload         bytea       NOT NULL,      -- the Kafka message value, byte for byte
  received_at     timestamptz NOT NULL DEFAULT now(),  -- wall clock
  UNIQUE (kafka_topic, kafka_partition, kafka_offset, occurred_at)
$cols$, 'occurred_at', interval '1 day', NULL, 'agent_id',
        'kafka_topic, kafka_partition, kafka_offset, occurred_at DESC');
CREATE INDEX event_archive_event_id_idx ON event_archive (event_id);
CREATE INDEX event_archive_agent_time_idx ON event_archive (agent_id, occurred_at DESC);
CREATE INDEX event_archive_type_time_idx ON event_archive (event_type, occurred_at DESC);

-- Events that break a rule: no projection changed; reason is machine-readable
-- (e.g. 'overfill', 'unknown_order', 'confidence_out_of_range', 'undecodable').
SELECT make_history_table('rejects', $cols$
  kafka_topic     text        NOT NULL,
  kafka_partition integer     NOT NULL,
  kafka_offset    bigint      NOT NULL,
  event_id        text,                      -- as sent (may not be a valid uuid)
  agent_id        text,
  event_type      text,
  reason          text        NOT NULL CHECK (reason ~ '^[a-z][a-z0-9_.]*$'),
  details         text,                      -- human-readable
  event_json      jsonb,                     -- the decoded event, when it decoded
  payload         bytea,                     -- the Kafka message value
  occurred_at     timestamptz NOT NULL,      -- event time (Kafka timestamp when undecodable)
  rejected_at     timestamptz NOT NULL DEFAULT now(),  -- wall clock
  PRIMARY KEY (kafka_topic, kafka_partition, kafka_offset, occurred_at)
$cols$, 'occurred_at', interval '30 days', NULL, 'agent_id',
        'kafka_topic, kafka_partition, kafka_offset, occurred_at DESC');
CREATE INDEX rejects_agent_time_idx ON rejects (agent_id, occurred_at DESC);
CREATE INDEX rejects_reason_time_idx ON rejects (reason, occurred_at DESC);

-- ---------------------------------------------------------------------------------------------
-- Agents (seed 004 trading_agents; 000 agent_status; 002 agent_metrics)

-- Registration columns are NULL until the agent's AgentRegistered arrives.
CREATE TABLE agents (
  agent_id              text        PRIMARY KEY CHECK (agent_id <> ''),
  name                  text,
  llm_model             text,
  exchange_account      text,
  initial_balance       numeric(24,8) CHECK (initial_balance >= 0),
  max_position_size_pct numeric(24,8) CHECK (max_position_size_pct > 0
                                              AND max_position_size_pct <= 100),
  max_leverage          integer     CHECK (max_leverage BETWEEN 1 AND 100),
  stop_loss_pct         numeric(24,8) CHECK (stop_loss_pct BETWEEN 0 AND 100),
  take_profit_pct       numeric(24,8) CHECK (take_profit_pct BETWEEN 0 AND 1000),
  strategy_description  text,
  strategy_id           text,
  quote_currency        text        NOT NULL DEFAULT 'USD',
  status                text        NOT NULL DEFAULT 'active'
                        CHECK (status IN ('active', 'paused', 'stopped')),
  status_reason         text,
  registered_at         timestamptz,          -- occurred_at of the first AgentRegistered
  first_seen_at         timestamptz NOT NULL, -- occurred_at of the agent's first event
  updated_at            timestamptz NOT NULL, -- occurred_at of the last change
  last_event_id         uuid
);
CREATE INDEX agents_llm_model_idx ON agents (llm_model);
CREATE INDEX agents_status_idx ON agents (status);
CREATE INDEX agents_name_idx ON agents (name);

-- The latest heartbeat per agent.
CREATE TABLE agent_status (
  agent_id        text        PRIMARY KEY,
  status          text        NOT NULL CHECK (status IN ('online', 'degraded', 'error', 'offline')),
  health_score    numeric(9,8) CHECK (health_score BETWEEN 0 AND 1),
  last_heartbeat  timestamptz NOT NULL,        -- occurred_at of the latest heartbeat
  metadata        jsonb,
  marks           jsonb       NOT NULL DEFAULT '{}'::jsonb,  -- symbol -> mark price (string)
  heartbeat_count bigint      NOT NULL DEFAULT 0 CHECK (heartbeat_count >= 0),
  updated_at      timestamptz NOT NULL,        -- occurred_at of the last change
  last_event_id   uuid
);
CREATE INDEX agent_status_status_idx ON agent_status (status, last_heartbeat DESC);

SELECT make_history_table('heartbeats', $cols$
  event_id        uuid        NOT NULL,
  agent_id        text        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  status          text        NOT NULL CHECK (status IN ('online', 'degraded', 'error', 'offline')),
  health_score    numeric(9,8) CHECK (health_score BETWEEN 0 AND 1),
  marks           jsonb       NOT NULL DEFAULT '{}'::jsonb,
  metadata        jsonb,
  kafka_partition integer     NOT NULL,
  kafka_offset    bigint      NOT NULL,
  PRIMARY KEY (event_id, occurred_at)
$cols$, 'occurred_at', interval '1 day', interval '30 days', 'agent_id');
CREATE INDEX heartbeats_agent_time_idx ON heartbeats (agent_id, occurred_at DESC);

-- ---------------------------------------------------------------------------------------------
-- Decisions (seed 004 agent_decisions: every LLM decision, HOLD included)

SELECT make_history_table('decisions', $cols$
  decision_id       uuid        NOT NULL,
  agent_id          text        NOT NULL,
  occurred_at       timestamptz NOT NULL,      -- seed: timestamp
  status            text        NOT NULL DEFAULT 'success'
                    CHECK (status IN ('success', 'failed', 'parsing_error')),
  action            text        NOT NULL
                    CHECK (action IN ('OPEN_LONG', 'OPEN_SHORT', 'CLOSE_POSITION', 'HOLD')),
  symbol            text        NOT NULL,      -- seed: coin
  size_usd          numeric(24,8) NOT NULL CHECK (size_usd >= 0),
  leverage          integer     NOT NULL CHECK (leverage BETWEEN 1 AND 100),
  stop_loss_price   numeric(24,8) CHECK (stop_loss_price >= 0),   -- NULL: none
  take_profit_price numeric(24,8) CHECK (take_profit_price >= 0), -- NULL: none
  confidence        numeric(9,8) NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  reasoning         text        NOT NULL DEFAULT '',
  prompt_content    text,
  llm_response      text,
  execution_time_ms bigint      CHECK (execution_time_ms >= 0),
  error_message     text,
  strategy_id       text,
  event_id          uuid        NOT NULL,
  correlation_id    text,
  causation_id      text,
  kafka_partition   integer     NOT NULL,
  kafka_offset      bigint      NOT NULL,
  PRIMARY KEY (event_id, occurred_at)
$cols$, 'occurred_at', interval '7 days', NULL, 'agent_id');
CREATE INDEX decisions_agent_time_idx ON decisions (agent_id, occurred_at DESC);
CREATE INDEX decisions_symbol_time_idx ON decisions (symbol, occurred_at DESC);
CREATE INDEX decisions_action_time_idx ON decisions (action, occurred_at DESC);
CREATE INDEX decisions_status_time_idx ON decisions (status, occurred_at DESC);
CREATE INDEX decisions_decision_id_idx ON decisions (decision_id);
CREATE INDEX decisions_strategy_time_idx ON decisions (strategy_id, occurred_at DESC)
  WHERE strategy_id IS NOT NULL;

-- ---------------------------------------------------------------------------------------------
-- Signals (seeds 000 signals, 003 strategy_signals)

SELECT make_history_table('signals', $cols$
  signal_id       uuid        NOT NULL,
  agent_id        text        NOT NULL,
  strategy_id     text,
  symbol          text        NOT NULL,
  signal_type     text        NOT NULL CHECK (signal_type IN ('buy', 'sell', 'hold', 'exit', 'adjust')),
  strength        numeric(9,8) NOT NULL CHECK (strength BETWEEN 0 AND 1),
  confidence      numeric(9,8) CHECK (confidence BETWEEN 0 AND 1),
  price           numeric(24,8) CHECK (price > 0),
  timeframe       text,
  indicators      jsonb,
  parameters      jsonb,
  occurred_at     timestamptz NOT NULL,        -- seed: timestamp
  event_id        uuid        NOT NULL,
  correlation_id  text,
  kafka_partition integer     NOT NULL,
  kafka_offset    bigint      NOT NULL,
  PRIMARY KEY (event_id, occurred_at)
$cols$, 'occurred_at', interval '7 days', interval '365 days', 'agent_id');
CREATE INDEX signals_symbol_time_idx ON signals (symbol, occurred_at DESC);
CREATE INDEX signals_agent_time_idx ON signals (agent_id, occurred_at DESC);
CREATE INDEX signals_strategy_time_idx ON signals (strategy_id, occurred_at DESC);
CREATE INDEX signals_signal_id_idx ON signals (signal_id);

-- Strategies seen in decisions, signals and orders (seeds 000/001/003 strategies).
CREATE TABLE strategies (
  strategy_id    text        PRIMARY KEY,
  agent_id       text        NOT NULL,       -- the agent that first used it (seed 001 agent_name)
  first_seen_at  timestamptz NOT NULL,
  last_seen_at   timestamptz NOT NULL,
  decision_count bigint      NOT NULL DEFAULT 0 CHECK (decision_count >= 0),
  signal_count   bigint      NOT NULL DEFAULT 0 CHECK (signal_count >= 0),
  order_count    bigint      NOT NULL DEFAULT 0 CHECK (order_count >= 0),
  fill_count     bigint      NOT NULL DEFAULT 0 CHECK (fill_count >= 0)
);
CREATE INDEX strategies_agent_idx ON strategies (agent_id);

-- ---------------------------------------------------------------------------------------------
-- Orders (seeds 000, 003 orders: the full lifecycle) and fills (000/001/003 trades)

-- Current state per order. State machine: new -> accepted -> partially_filled -> filled, or
-- canceled / rejected / expired from any open state.
CREATE TABLE orders (
  agent_id           text        NOT NULL,
  order_id           text        NOT NULL,   -- the client order id
  decision_id        uuid,
  strategy_id        text,
  signal_id          uuid,
  symbol             text        NOT NULL,
  side               text        NOT NULL CHECK (side IN ('buy', 'sell')),
  order_type         text        NOT NULL
                     CHECK (order_type IN ('market', 'limit', 'stop', 'stop_limit', 'trailing_stop')),
  quantity           numeric(24,8) NOT NULL CHECK (quantity > 0),
  price              numeric(24,8) CHECK (price > 0),
  stop_price         numeric(24,8) CHECK (stop_price > 0),
  leverage           integer     NOT NULL DEFAULT 1 CHECK (leverage BETWEEN 1 AND 100),
  is_paper           boolean     NOT NULL DEFAULT false,
  status             text        NOT NULL DEFAULT 'new'
                     CHECK (status IN ('new', 'accepted', 'partially_filled', 'filled',
                                       'canceled', 'rejected', 'expired')),
  exchange_order_id  text,
  filled_quantity    numeric(24,8) NOT NULL DEFAULT 0
                     CHECK (filled_quantity >= 0 AND filled_quantity <= quantity),
  remaining_quantity numeric(24,8) NOT NULL
                     CHECK (remaining_quantity = quantity - filled_quantity),
  average_fill_price numeric(24,8) CHECK (average_fill_price > 0),
  fees_paid          numeric(24,8) NOT NULL DEFAULT 0,  -- negative: net rebate
  fill_count         integer     NOT NULL DEFAULT 0 CHECK (fill_count >= 0),
  placed_at          timestamptz NOT NULL,
  accepted_at        timestamptz,
  first_fill_at      timestamptz,
  last_fill_at       timestamptz,
  filled_at          timestamptz,
  canceled_at        timestamptz,
  rejected_at        timestamptz,
  expired_at         timestamptz,
  closed_at          timestamptz,            -- when it left the open states
  reason             text,                   -- cancel / reject / expiry reason
  correlation_id     text,
  updated_at         timestamptz NOT NULL,   -- occurred_at of the last change
  last_event_id      uuid        NOT NULL,
  PRIMARY KEY (agent_id, order_id),
  CHECK ((status IN ('new', 'accepted', 'partially_filled')) = (closed_at IS NULL))
);
CREATE INDEX orders_open_idx ON orders (agent_id, symbol, placed_at DESC)
  WHERE status IN ('new', 'accepted', 'partially_filled');
CREATE INDEX orders_symbol_time_idx ON orders (symbol, placed_at DESC);
CREATE INDEX orders_agent_time_idx ON orders (agent_id, placed_at DESC);
CREATE INDEX orders_status_time_idx ON orders (status, placed_at DESC);
CREATE INDEX orders_strategy_time_idx ON orders (strategy_id, placed_at DESC)
  WHERE strategy_id IS NOT NULL;
CREATE INDEX orders_decision_idx ON orders (decision_id) WHERE decision_id IS NOT NULL;
CREATE INDEX orders_exchange_order_idx ON orders (exchange_order_id)
  WHERE exchange_order_id IS NOT NULL;

-- Every state change of every order (the lifecycle's audit trail).
SELECT make_history_table('order_events', $cols$
  agent_id        text        NOT NULL,
  order_id        text        NOT NULL,
  event_type      text        NOT NULL,      -- e.g. 'order_placed', 'order_filled'
  from_status     text,                      -- NULL for the placement
  to_status       text        NOT NULL
                  CHECK (to_status IN ('new', 'accepted', 'partially_filled', 'filled',
                                       'canceled', 'rejected', 'expired')),
  reason          text,
  fill_id         text,
  occurred_at     timestamptz NOT NULL,
  event_id        uuid        NOT NULL,
  kafka_partition integer     NOT NULL,
  kafka_offset    bigint      NOT NULL,
  PRIMARY KEY (event_id, occurred_at)
$cols$, 'occurred_at', interval '7 days', NULL, 'agent_id');
CREATE INDEX order_events_order_idx ON order_events (agent_id, order_id, occurred_at);
CREATE INDEX order_events_agent_time_idx ON order_events (agent_id, occurred_at DESC);

-- One row per execution.
SELECT make_history_table('fills', $cols$
  agent_id          text        NOT NULL,
  order_id          text        NOT NULL,
  fill_id           text        NOT NULL,    -- unique per order
  symbol            text        NOT NULL,
  side              text        NOT NULL CHECK (side IN ('buy', 'sell')),
  price             numeric(24,8) NOT NULL CHECK (price > 0),
  quantity          numeric(24,8) NOT NULL CHECK (quantity > 0),
  fee               numeric(24,8) NOT NULL DEFAULT 0,  -- negative: rebate
  fee_currency      text,
  liquidity         text        CHECK (liquidity IN ('maker', 'taker')),
  exchange_trade_id text,
  notional          numeric(24,8) NOT NULL CHECK (notional >= 0),  -- price * quantity, rounded
  occurred_at       timestamptz NOT NULL,    -- seed: timestamp / executed_at
  decision_id       uuid,
  strategy_id       text,
  is_paper          boolean     NOT NULL DEFAULT false,
  event_id          uuid        NOT NULL,
  correlation_id    text,
  kafka_partition   integer     NOT NULL,
  kafka_offset      bigint      NOT NULL,
  PRIMARY KEY (event_id, occurred_at)
$cols$, 'occurred_at', interval '7 days', NULL, 'agent_id');
CREATE INDEX fills_order_idx ON fills (agent_id, order_id, occurred_at);
CREATE INDEX fills_agent_time_idx ON fills (agent_id, occurred_at DESC);
CREATE INDEX fills_symbol_time_idx ON fills (symbol, occurred_at DESC);
CREATE INDEX fills_strategy_time_idx ON fills (strategy_id, occurred_at DESC)
  WHERE strategy_id IS NOT NULL;

-- ---------------------------------------------------------------------------------------------
-- System events (seeds 000, 003): sent by agents, and derived by the projector (position
-- opened/closed, order rejected, agent went offline, projection reject).

SELECT make_history_table('system_events', $cols$
  event_id        uuid        NOT NULL,      -- the event that carried or caused it
  source          text        NOT NULL CHECK (source IN ('agent', 'derived')),
  event_type      text        NOT NULL,
  severity        text        NOT NULL CHECK (severity IN ('info', 'warning', 'error', 'critical')),
  component       text,
  message         text        NOT NULL DEFAULT '',
  details         jsonb,
  agent_id        text,
  occurred_at     timestamptz NOT NULL,      -- seed: timestamp
  kafka_partition integer,
  kafka_offset    bigint,
  PRIMARY KEY (event_id, source, event_type, occurred_at)
$cols$, 'occurred_at', interval '7 days', interval '365 days', 'agent_id');
CREATE INDEX system_events_type_time_idx ON system_events (event_type, occurred_at DESC);
CREATE INDEX system_events_severity_time_idx ON system_events (severity, occurred_at DESC);
CREATE INDEX system_events_agent_time_idx ON system_events (agent_id, occurred_at DESC);
CREATE INDEX system_events_component_idx ON system_events (component);

SELECT grant_schema_access();
