-- name: position_history
-- description: Closed positions (round trips, flat to flat or up to a flip): entry and exit prices, quantity, gross and net P&L, outcome, duration, newest first (seed 004 agent_trades closed).
-- params: agent, symbol, strategy, since, until, limit
SELECT c.closed_at, c.agent_id, c.symbol, c.position_number, c.side, c.quantity,
       c.entry_avg_price, c.exit_avg_price, c.gross_pnl, c.fees, c.net_pnl, c.outcome,
       c.duration, c.ended_by_flip, c.fill_count, c.opened_at, c.strategy_id,
       c.opening_decision_id, c.kafka_partition, c.kafka_offset
  FROM closed_positions c
 WHERE ($1::text IS NULL OR c.agent_id = $1)
   AND ($2::text IS NULL OR c.symbol = $2)
   AND ($3::text IS NULL OR c.strategy_id = $3)
   AND ($4::timestamptz IS NULL OR c.closed_at >= $4)
   AND ($5::timestamptz IS NULL OR c.closed_at < $5)
 ORDER BY c.closed_at DESC, c.agent_id, c.symbol, c.position_number
 LIMIT $6::bigint
