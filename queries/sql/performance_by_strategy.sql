-- name: performance_by_strategy
-- description: Per strategy and agent: round trips, wins, losses, win rate, gross profit and loss, net P&L, profit factor, expectancy (seed 003 strategy_performance).
-- params: agent, strategy, limit
SELECT s.strategy_id, s.agent_id, s.round_trips, s.wins, s.losses, s.breakevens, s.win_rate_pct,
       s.gross_profit, s.gross_loss, s.net_pnl, s.fees, s.profit_factor, s.expectancy,
       s.average_win, s.average_loss, s.largest_win, s.largest_loss, s.average_duration,
       s.updated_at
  FROM strategy_performance s
 WHERE ($1::text IS NULL OR s.agent_id = $1)
   AND ($2::text IS NULL OR s.strategy_id = $2)
 ORDER BY s.strategy_id, s.agent_id
 LIMIT $3::bigint
