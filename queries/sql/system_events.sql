-- name: system_events
-- description: System events sent by agents and derived by the projector (order rejected, projection reject, sequence gap, position opened/closed, agent offline), newest first (seeds 000, 003).
-- params: agent, since, until, limit
SELECT e.occurred_at, e.agent_id, e.source, e.event_type, e.severity, e.component, e.message,
       e.details, e.kafka_partition, e.kafka_offset
  FROM system_events e
 WHERE ($1::text IS NULL OR e.agent_id = $1)
   AND ($2::timestamptz IS NULL OR e.occurred_at >= $2)
   AND ($3::timestamptz IS NULL OR e.occurred_at < $3)
 ORDER BY e.occurred_at DESC, e.event_id, e.event_type
 LIMIT $4::bigint
