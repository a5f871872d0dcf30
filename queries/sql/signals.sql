-- name: signals
-- description: Strategy signals (buy, sell, hold, exit, adjust) with strength, confidence, price and indicators, newest first (seeds 000 signals, 003 strategy_signals).
-- params: agent, symbol, strategy, since, until, limit
SELECT s.occurred_at, s.agent_id, s.strategy_id, s.symbol, s.signal_type, s.strength,
       s.confidence, s.price, s.timeframe, s.signal_id, s.indicators
  FROM signals s
 WHERE ($1::text IS NULL OR s.agent_id = $1)
   AND ($2::text IS NULL OR s.symbol = $2)
   AND ($3::text IS NULL OR s.strategy_id = $3)
   AND ($4::timestamptz IS NULL OR s.occurred_at >= $4)
   AND ($5::timestamptz IS NULL OR s.occurred_at < $5)
 ORDER BY s.occurred_at DESC, s.signal_id
 LIMIT $6::bigint
