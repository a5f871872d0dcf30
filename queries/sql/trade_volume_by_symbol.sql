-- name: trade_volume_by_symbol
-- description: The seed's "trading performance by symbol": fills, buy and sell volume (notional), fees per symbol (seed 000).
-- params: agent, symbol, strategy, since, until, limit
SELECT f.symbol,
       count(*) AS total_trades,
       coalesce(sum(f.notional) FILTER (WHERE f.side = 'buy'), 0) AS buy_volume,
       coalesce(sum(f.notional) FILTER (WHERE f.side = 'sell'), 0) AS sell_volume,
       coalesce(sum(f.quantity) FILTER (WHERE f.side = 'buy'), 0) AS buy_quantity,
       coalesce(sum(f.quantity) FILTER (WHERE f.side = 'sell'), 0) AS sell_quantity,
       sum(f.fee) AS fees,
       min(f.occurred_at) AS first_trade_at,
       max(f.occurred_at) AS last_trade_at
  FROM fills f
 WHERE ($1::text IS NULL OR f.agent_id = $1)
   AND ($2::text IS NULL OR f.symbol = $2)
   AND ($3::text IS NULL OR f.strategy_id = $3)
   AND ($4::timestamptz IS NULL OR f.occurred_at >= $4)
   AND ($5::timestamptz IS NULL OR f.occurred_at < $5)
 GROUP BY f.symbol
 ORDER BY f.symbol
 LIMIT $6::bigint
