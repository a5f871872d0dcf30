-- name: performance_by_agent
-- description: Per agent: equity, realized and unrealized P&L, ROI, round trips, win rate, profit factor, drawdown, Sharpe and Sortino (seeds 003 strategy_performance, 004 agent_performance).
-- params: agent, limit
SELECT s.agent_id, s.total_value, s.capital, s.realized_pnl_net, s.unrealized_pnl, s.total_pnl,
       s.roi_pct, s.fees_paid, s.round_trips, s.wins, s.losses, s.win_rate_pct,
       s.profit_factor, s.expectancy, s.max_drawdown, s.max_drawdown_pct, s.sharpe_ratio,
       s.sortino_ratio, s.open_position_count, s.gross_exposure, s.updated_at
  FROM performance_summary s
 WHERE ($1::text IS NULL OR s.agent_id = $1)
 ORDER BY s.agent_id
 LIMIT $2::bigint
