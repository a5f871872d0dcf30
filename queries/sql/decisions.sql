-- name: decisions
-- description: Every LLM decision (HOLD included), newest first, with action, size, confidence and outcome status (seed 004 agent_decisions).
-- params: agent, symbol, strategy, since, until, limit
SELECT d.occurred_at, d.agent_id, d.decision_id, d.action, d.symbol, d.size_usd, d.leverage,
       d.confidence, d.status, d.strategy_id, d.stop_loss_price, d.take_profit_price,
       d.execution_time_ms, d.error_message, d.reasoning
  FROM decisions d
 WHERE ($1::text IS NULL OR d.agent_id = $1)
   AND ($2::text IS NULL OR d.symbol = $2)
   AND ($3::text IS NULL OR d.strategy_id = $3)
   AND ($4::timestamptz IS NULL OR d.occurred_at >= $4)
   AND ($5::timestamptz IS NULL OR d.occurred_at < $5)
 ORDER BY d.occurred_at DESC, d.decision_id
 LIMIT $6::bigint
