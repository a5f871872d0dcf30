-- name: recent_trades
-- description: The seed's "recent trades": symbol, side, quantity, price and time of fills, newest first; the last 24 hours unless --since is given (seed 000).
-- params: agent, symbol, strategy, since, until, limit
SELECT f.symbol, f.side, f.quantity, f.price, f.occurred_at AS "timestamp", f.agent_id,
       f.order_id, f.fee
  FROM fills f
 WHERE f.occurred_at >= coalesce($4::timestamptz, now() - interval '24 hours')
   AND ($5::timestamptz IS NULL OR f.occurred_at < $5)
   AND ($1::text IS NULL OR f.agent_id = $1)
   AND ($2::text IS NULL OR f.symbol = $2)
   AND ($3::text IS NULL OR f.strategy_id = $3)
 ORDER BY f.occurred_at DESC, f.agent_id, f.order_id, f.fill_id
 LIMIT $6::bigint
