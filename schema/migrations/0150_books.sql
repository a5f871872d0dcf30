-- 0150 books: positions, position changes, round trips, equity snapshots and performance, as
-- the projector's accounting step writes them (projector/src/books*.cpp over
-- projector/accounting/; formulas in projector/accounting/README.md).
--
-- Every figure is a pure function of the agent's own events: times are event times (never the
-- wall clock), so a replay rebuilds these tables row for row. Money shown NUMERIC(24,8) is the
-- exact value rounded half to even once; the cost basis keeps its exact scale 16. Statistics
-- (rates, ratios, percentages of returns) are double precision; money never is.
-- Restoring the books never reads these rows: accounting_state holds the exact state.

-- The exact accounting state per agent (PositionBook, PerformanceTracker per agent and per
-- strategy, OfflineDetector), versioned JSON written in the same transaction as the offsets.
-- Text, not jsonb: restored byte for byte (jsonb would rewrite numbers); `state::jsonb` to query.
CREATE TABLE accounting_state (
  agent_id   text        PRIMARY KEY,
  state      text        NOT NULL,
  updated_at timestamptz NOT NULL   -- occurred_at of the last event that changed it
);

-- Current position per (agent, symbol): netting, average cost. A closed position stays as a
-- flat row (status 'closed') until the symbol trades again (position_number + 1).
CREATE TABLE positions (
  agent_id            text          NOT NULL,
  symbol              text          NOT NULL,
  position_number     bigint        NOT NULL CHECK (position_number >= 1),
  side                text          NOT NULL CHECK (side IN ('long', 'short', 'flat')),
  quantity            numeric(24,8) NOT NULL,           -- signed: > 0 long, < 0 short
  average_entry_price numeric(24,8),                    -- NULL when flat
  cost_basis          numeric(40,16) NOT NULL,          -- exact signed sum of qty x entry price
  realized_pnl_gross  numeric(24,8) NOT NULL,           -- since this position opened
  fees_paid           numeric(24,8) NOT NULL,
  realized_pnl_net    numeric(24,8) NOT NULL,           -- gross - fees
  mark_price          numeric(24,8),                    -- latest fill price or heartbeat mark
  marked_at           timestamptz,
  unrealized_pnl      numeric(24,8) NOT NULL,           -- quantity x mark - cost basis
  notional            numeric(24,8) NOT NULL,           -- |quantity| x mark
  leverage            integer       NOT NULL,
  margin_used         numeric(24,8) NOT NULL,           -- notional / leverage
  entry_quantity      numeric(24,8) NOT NULL,           -- opened or increased, summed
  exit_quantity       numeric(24,8) NOT NULL,           -- reduced, summed
  peak_quantity       numeric(24,8) NOT NULL,           -- largest |quantity|
  fill_count          bigint        NOT NULL,
  opened_at           timestamptz   NOT NULL,
  updated_at          timestamptz   NOT NULL,
  closed_at           timestamptz,
  status              text          NOT NULL CHECK (status IN ('open', 'closed')),
  opening_decision_id uuid,
  opening_order_id    text,
  strategy_id         text,                              -- of the opening fill
  PRIMARY KEY (agent_id, symbol)
);
CREATE INDEX positions_open_idx ON positions (agent_id) WHERE status = 'open';
CREATE INDEX positions_strategy_idx ON positions (strategy_id) WHERE strategy_id IS NOT NULL;

-- Every fill's effect on its position (what `ledger audit decision` shows).
-- position_number is the position after the fill (on a flip: the new one);
-- closed_position_number is the one the fill closed (closed, flipped), else NULL.
SELECT make_history_table('position_changes', $cols$
  agent_id               text          NOT NULL,
  symbol                 text          NOT NULL,
  position_number        bigint        NOT NULL,
  closed_position_number bigint,
  change                 text          NOT NULL
                         CHECK (change IN ('opened', 'increased', 'reduced', 'closed', 'flipped')),
  fill_side              text          NOT NULL CHECK (fill_side IN ('buy', 'sell')),
  fill_price             numeric(24,8) NOT NULL,
  fill_quantity          numeric(24,8) NOT NULL,
  quantity_before        numeric(24,8) NOT NULL,
  quantity_after         numeric(24,8) NOT NULL,
  side_after             text          NOT NULL CHECK (side_after IN ('long', 'short', 'flat')),
  average_entry_price_after numeric(24,8),
  realized_pnl_delta     numeric(24,8) NOT NULL,        -- gross, before the fee
  fee                    numeric(24,8) NOT NULL,
  fill_id                text          NOT NULL,
  order_id               text          NOT NULL,
  decision_id            uuid,
  strategy_id            text,
  occurred_at            timestamptz   NOT NULL,
  event_id               uuid          NOT NULL,
  kafka_partition        integer       NOT NULL,
  kafka_offset           bigint        NOT NULL,
  PRIMARY KEY (event_id, occurred_at)
$cols$, 'occurred_at', interval '7 days', NULL, 'agent_id');
CREATE INDEX position_changes_position_idx
  ON position_changes (agent_id, symbol, position_number, occurred_at);
CREATE INDEX position_changes_decision_idx ON position_changes (decision_id)
  WHERE decision_id IS NOT NULL;
CREATE INDEX position_changes_order_idx ON position_changes (agent_id, order_id);

-- Round trips: one position's life, flat -> flat or up to a flip. One closed trade each.
SELECT make_history_table('closed_positions', $cols$
  agent_id            text          NOT NULL,
  symbol              text          NOT NULL,
  position_number     bigint        NOT NULL,
  side                text          NOT NULL CHECK (side IN ('long', 'short')),
  strategy_id         text,
  opening_decision_id uuid,
  opening_order_id    text,
  entry_avg_price     numeric(24,8) NOT NULL,
  exit_avg_price      numeric(24,8) NOT NULL,
  quantity            numeric(24,8) NOT NULL,           -- entered (= exited)
  peak_quantity       numeric(24,8) NOT NULL,
  opened_at           timestamptz   NOT NULL,
  closed_at           timestamptz   NOT NULL,
  duration            interval      NOT NULL,
  gross_pnl           numeric(24,8) NOT NULL,
  fees                numeric(24,8) NOT NULL,
  net_pnl             numeric(24,8) NOT NULL,
  outcome             text          NOT NULL CHECK (outcome IN ('win', 'loss', 'breakeven')),
  ended_by_flip       boolean       NOT NULL,
  fill_count          bigint        NOT NULL,
  decision_ids        text[]        NOT NULL,           -- first 64 distinct, in order
  order_ids           text[]        NOT NULL,
  ids_truncated       boolean       NOT NULL,
  event_id            uuid          NOT NULL,           -- the closing fill's event
  kafka_partition     integer       NOT NULL,
  kafka_offset        bigint        NOT NULL,
  PRIMARY KEY (agent_id, symbol, position_number, closed_at)
$cols$, 'closed_at', interval '30 days', NULL, 'agent_id');
CREATE INDEX closed_positions_agent_time_idx ON closed_positions (agent_id, closed_at DESC);
CREATE INDEX closed_positions_strategy_time_idx ON closed_positions (strategy_id, closed_at DESC)
  WHERE strategy_id IS NOT NULL;

-- The equity curve: one point per heartbeat (at its event time, with its marks applied).
-- total_value is the equity (cash + position value).
SELECT make_history_table('performance_snapshots', $cols$
  agent_id            text          NOT NULL,
  occurred_at         timestamptz   NOT NULL,
  capital             numeric(24,8) NOT NULL,           -- initial balance + net deposits
  cash                numeric(24,8) NOT NULL,
  position_value      numeric(24,8) NOT NULL,           -- sum(quantity x mark), shorts negative
  total_value         numeric(24,8) NOT NULL,           -- equity
  realized_pnl_gross  numeric(24,8) NOT NULL,
  fees_paid           numeric(24,8) NOT NULL,
  realized_pnl_net    numeric(24,8) NOT NULL,
  funding             numeric(24,8) NOT NULL,
  unrealized_pnl      numeric(24,8) NOT NULL,
  total_pnl           numeric(24,8) NOT NULL,           -- realized net + funding + unrealized
  roi_pct             numeric(24,8),                    -- NULL when capital <= 0
  gross_exposure      numeric(24,8) NOT NULL,
  margin_used         numeric(24,8) NOT NULL,
  open_position_count integer       NOT NULL,
  event_id            uuid          NOT NULL,           -- the heartbeat
  kafka_partition     integer       NOT NULL,
  kafka_offset        bigint        NOT NULL,
  PRIMARY KEY (event_id, occurred_at)
$cols$, 'occurred_at', interval '7 days', NULL, 'agent_id');
CREATE INDEX performance_snapshots_agent_time_idx
  ON performance_snapshots (agent_id, occurred_at DESC);

-- Per agent: the book now (as of its latest event) and every figure of PerformanceSummary.
CREATE TABLE performance_summary (
  agent_id              text          PRIMARY KEY,
  capital               numeric(24,8) NOT NULL,
  cash                  numeric(24,8) NOT NULL,
  position_value        numeric(24,8) NOT NULL,
  total_value           numeric(24,8) NOT NULL,
  realized_pnl_gross    numeric(24,8) NOT NULL,
  fees_paid             numeric(24,8) NOT NULL,
  realized_pnl_net      numeric(24,8) NOT NULL,
  funding               numeric(24,8) NOT NULL,
  unrealized_pnl        numeric(24,8) NOT NULL,
  total_pnl             numeric(24,8) NOT NULL,
  roi_pct               numeric(24,8),
  gross_exposure        numeric(24,8) NOT NULL,
  margin_used           numeric(24,8) NOT NULL,
  open_position_count   integer       NOT NULL,
  fill_count            bigint        NOT NULL,
  round_trips           bigint        NOT NULL,
  wins                  bigint        NOT NULL,
  losses                bigint        NOT NULL,
  breakevens            bigint        NOT NULL,
  win_rate_pct          double precision,
  gross_profit          numeric(24,8) NOT NULL,
  gross_loss            numeric(24,8) NOT NULL,
  net_pnl               numeric(24,8) NOT NULL,          -- of round trips
  trade_fees            numeric(24,8) NOT NULL,          -- of round trips
  average_win           numeric(24,8),
  average_loss          numeric(24,8),
  largest_win           numeric(24,8),
  largest_loss          numeric(24,8),
  profit_factor         double precision,
  expectancy            numeric(24,8),
  average_duration      interval,
  snapshots             bigint        NOT NULL,
  max_drawdown          numeric(24,8),
  max_drawdown_pct      double precision,
  daily_returns         bigint        NOT NULL,
  volatility_pct        double precision,
  sharpe_ratio          double precision,
  sortino_ratio         double precision,
  total_return_pct      double precision,
  annualized_return_pct double precision,
  first_snapshot_at     timestamptz,
  last_snapshot_at      timestamptz,
  updated_at            timestamptz   NOT NULL            -- occurred_at of the latest change
);

-- Per (agent, strategy): trade figures of the round trips whose opening fill carried the
-- strategy (the equity curve is per agent). Keyed per agent because an agent's events live in
-- one partition: the figures stay a pure function of that partition's log. Sum over agents
-- for a strategy shared by several. Round trips without a strategy count in the agent's
-- performance_summary only.
CREATE TABLE strategy_performance (
  agent_id         text          NOT NULL,
  strategy_id      text          NOT NULL,
  round_trips      bigint        NOT NULL,
  wins             bigint        NOT NULL,
  losses           bigint        NOT NULL,
  breakevens       bigint        NOT NULL,
  win_rate_pct     double precision,
  gross_profit     numeric(24,8) NOT NULL,
  gross_loss       numeric(24,8) NOT NULL,
  net_pnl          numeric(24,8) NOT NULL,
  fees             numeric(24,8) NOT NULL,
  average_win      numeric(24,8),
  average_loss     numeric(24,8),
  largest_win      numeric(24,8),
  largest_loss     numeric(24,8),
  profit_factor    double precision,
  expectancy       numeric(24,8),
  average_duration interval,
  updated_at       timestamptz   NOT NULL,
  PRIMARY KEY (agent_id, strategy_id)
);
CREATE INDEX strategy_performance_strategy_idx ON strategy_performance (strategy_id);

SELECT grant_schema_access();
