-- name: decision_outcomes
-- description: Per agent and action: decisions, how many led to orders and fills, average confidence, failed decisions (seed 004 decision analysis).
-- params: agent, symbol, strategy, since, until, limit
SELECT d.agent_id, d.action,
       count(*) AS decisions,
       count(*) FILTER (WHERE d.status <> 'success') AS failed,
       round(avg(d.confidence), 4) AS avg_confidence,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM orders o WHERE o.decision_id = d.decision_id))
         AS with_orders,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM orders o WHERE o.decision_id = d.decision_id
                                                           AND o.fill_count > 0)) AS with_fills
  FROM decisions d
 WHERE ($1::text IS NULL OR d.agent_id = $1)
   AND ($2::text IS NULL OR d.symbol = $2)
   AND ($3::text IS NULL OR d.strategy_id = $3)
   AND ($4::timestamptz IS NULL OR d.occurred_at >= $4)
   AND ($5::timestamptz IS NULL OR d.occurred_at < $5)
 GROUP BY d.agent_id, d.action
 ORDER BY d.agent_id, d.action
 LIMIT $6::bigint
