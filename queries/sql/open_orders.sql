-- name: open_orders
-- description: Orders still open (new, accepted or partially filled), oldest first, with what remains to fill.
-- params: agent, symbol, strategy, since, until, limit
SELECT o.placed_at, o.agent_id, o.order_id, o.symbol, o.side, o.order_type, o.quantity, o.price,
       o.stop_price, o.status, o.filled_quantity, o.remaining_quantity, o.average_fill_price,
       o.strategy_id, o.decision_id, o.updated_at
  FROM orders o
 WHERE o.status IN ('new', 'accepted', 'partially_filled')
   AND ($1::text IS NULL OR o.agent_id = $1)
   AND ($2::text IS NULL OR o.symbol = $2)
   AND ($3::text IS NULL OR o.strategy_id = $3)
   AND ($4::timestamptz IS NULL OR o.placed_at >= $4)
   AND ($5::timestamptz IS NULL OR o.placed_at < $5)
 ORDER BY o.placed_at, o.agent_id, o.order_id
 LIMIT $6::bigint
