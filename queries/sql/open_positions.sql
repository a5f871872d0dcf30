-- name: open_positions
-- description: Open positions per agent and symbol: side, signed quantity, average entry, mark, unrealized and realized P&L, margin (seed 002 agent_positions_view, 004 agent_trades open).
-- params: agent, symbol, strategy, limit
SELECT p.agent_id, p.symbol, p.side, p.quantity, p.average_entry_price, p.mark_price,
       p.unrealized_pnl, p.realized_pnl_net, p.fees_paid, p.notional, p.leverage, p.margin_used,
       p.opened_at, p.updated_at, p.strategy_id, p.opening_decision_id, p.position_number
  FROM positions p
 WHERE p.status = 'open'
   AND ($1::text IS NULL OR p.agent_id = $1)
   AND ($2::text IS NULL OR p.symbol = $2)
   AND ($3::text IS NULL OR p.strategy_id = $3)
 ORDER BY p.agent_id, p.symbol
 LIMIT $4::bigint
