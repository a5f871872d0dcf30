-- 0201 books views: the named queries over the accounting tables of 0150 (positions, round
-- trips, equity, performance) as views for BI tools and psql; each is its named query
-- without the filters. ledger_reader may select from them.

-- Open positions (named query: open_positions; seed 002 agent_positions_view).
CREATE VIEW open_positions_view AS
SELECT p.agent_id, p.symbol, p.side, p.quantity, p.average_entry_price, p.mark_price,
       p.unrealized_pnl, p.realized_pnl_net, p.fees_paid, p.notional, p.leverage, p.margin_used,
       p.opened_at, p.updated_at, p.strategy_id, p.opening_decision_id, p.position_number
  FROM positions p
 WHERE p.status = 'open';

-- Round trips (named query: position_history).
CREATE VIEW position_history_view AS
SELECT c.closed_at, c.agent_id, c.symbol, c.position_number, c.side, c.quantity,
       c.entry_avg_price, c.exit_avg_price, c.gross_pnl, c.fees, c.net_pnl, c.outcome,
       c.duration, c.ended_by_flip, c.fill_count, c.opened_at, c.strategy_id,
       c.opening_decision_id, c.kafka_partition, c.kafka_offset
  FROM closed_positions c;

-- Per agent (named query: performance_by_agent).
CREATE VIEW performance_by_agent_view AS
SELECT s.agent_id, s.total_value, s.capital, s.realized_pnl_net, s.unrealized_pnl, s.total_pnl,
       s.roi_pct, s.fees_paid, s.round_trips, s.wins, s.losses, s.win_rate_pct,
       s.profit_factor, s.expectancy, s.max_drawdown, s.max_drawdown_pct, s.sharpe_ratio,
       s.sortino_ratio, s.open_position_count, s.gross_exposure, s.updated_at
  FROM performance_summary s;

-- Per strategy and agent (named query: performance_by_strategy).
CREATE VIEW performance_by_strategy_view AS
SELECT s.strategy_id, s.agent_id, s.round_trips, s.wins, s.losses, s.breakevens, s.win_rate_pct,
       s.gross_profit, s.gross_loss, s.net_pnl, s.fees, s.profit_factor, s.expectancy,
       s.average_win, s.average_loss, s.largest_win, s.largest_loss, s.average_duration,
       s.updated_at
  FROM strategy_performance s;

-- Equity curve points (named query: equity_curve).
CREATE VIEW equity_curve_view AS
SELECT e.occurred_at, e.agent_id, e.total_value, e.cash, e.position_value, e.realized_pnl_net,
       e.unrealized_pnl, e.total_pnl, e.roi_pct, e.gross_exposure, e.open_position_count
  FROM performance_snapshots e;

SELECT grant_schema_access();
