-- name: fills
-- description: Every execution (fill) with price, quantity, fee, notional and its order and decision, newest first (seeds 000, 001, 003 trades).
-- params: agent, symbol, strategy, since, until, limit
SELECT f.occurred_at, f.agent_id, f.order_id, f.fill_id, f.symbol, f.side, f.price, f.quantity,
       f.notional, f.fee, f.fee_currency, f.liquidity, f.strategy_id, f.decision_id, f.is_paper,
       f.kafka_partition, f.kafka_offset
  FROM fills f
 WHERE ($1::text IS NULL OR f.agent_id = $1)
   AND ($2::text IS NULL OR f.symbol = $2)
   AND ($3::text IS NULL OR f.strategy_id = $3)
   AND ($4::timestamptz IS NULL OR f.occurred_at >= $4)
   AND ($5::timestamptz IS NULL OR f.occurred_at < $5)
 ORDER BY f.occurred_at DESC, f.agent_id, f.order_id, f.fill_id
 LIMIT $6::bigint
