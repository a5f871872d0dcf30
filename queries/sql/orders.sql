-- name: orders
-- description: Orders with their full lifecycle state (new, accepted, partially_filled, filled, canceled, rejected, expired), newest first (seeds 000, 003 orders).
-- params: agent, symbol, strategy, since, until, limit
SELECT o.placed_at, o.agent_id, o.order_id, o.symbol, o.side, o.order_type, o.quantity, o.price,
       o.status, o.filled_quantity, o.remaining_quantity, o.average_fill_price, o.fees_paid,
       o.fill_count, o.leverage, o.is_paper, o.strategy_id, o.decision_id, o.exchange_order_id,
       o.closed_at, o.reason
  FROM orders o
 WHERE ($1::text IS NULL OR o.agent_id = $1)
   AND ($2::text IS NULL OR o.symbol = $2)
   AND ($3::text IS NULL OR o.strategy_id = $3)
   AND ($4::timestamptz IS NULL OR o.placed_at >= $4)
   AND ($5::timestamptz IS NULL OR o.placed_at < $5)
 ORDER BY o.placed_at DESC, o.agent_id, o.order_id
 LIMIT $6::bigint
