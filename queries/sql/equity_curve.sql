-- name: equity_curve
-- description: An agent's equity curve: one point per heartbeat with equity, cash, position value, P&L and ROI, oldest first (seeds 003 equity snapshots, 004 agent_performance).
-- params: agent, since, until, limit
SELECT e.occurred_at, e.agent_id, e.total_value, e.cash, e.position_value, e.realized_pnl_net,
       e.unrealized_pnl, e.total_pnl, e.roi_pct, e.gross_exposure, e.open_position_count
  FROM performance_snapshots e
 WHERE ($1::text IS NULL OR e.agent_id = $1)
   AND ($2::timestamptz IS NULL OR e.occurred_at >= $2)
   AND ($3::timestamptz IS NULL OR e.occurred_at < $3)
 ORDER BY e.occurred_at, e.agent_id
 LIMIT $4::bigint
