-- name: agent_status
-- description: Every agent with its registration, lifecycle status and latest heartbeat (health, marks), by agent id (seeds 000 agent_status, 002 agent_status_view, 004 trading_agents).
-- params: agent, limit
SELECT a.agent_id, a.name, a.llm_model, a.status, a.status_reason, h.status AS heartbeat_status,
       h.health_score, h.last_heartbeat, h.heartbeat_count, a.max_leverage,
       a.initial_balance, a.exchange_account, a.strategy_id, a.registered_at, a.updated_at,
       h.marks
  FROM agents a
  LEFT JOIN agent_status h USING (agent_id)
 WHERE ($1::text IS NULL OR a.agent_id = $1)
 ORDER BY a.agent_id
 LIMIT $2::bigint
