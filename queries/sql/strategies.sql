-- name: strategies
-- description: Strategies seen in decisions, signals, orders and fills, with counts and first/last use (seeds 000, 001, 003 strategies).
-- params: agent, strategy, limit
SELECT s.strategy_id, s.agent_id, s.first_seen_at, s.last_seen_at, s.decision_count,
       s.signal_count, s.order_count, s.fill_count
  FROM strategies s
 WHERE ($1::text IS NULL OR s.agent_id = $1)
   AND ($2::text IS NULL OR s.strategy_id = $2)
 ORDER BY s.strategy_id
 LIMIT $3::bigint
