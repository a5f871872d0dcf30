-- name: rejects
-- description: Events the projector refused (overfill, unknown order, invalid field, ...) with the reason and their Kafka coordinates, newest first.
-- params: agent, since, until, limit
SELECT r.occurred_at, r.agent_id, r.event_type, r.reason, r.details, r.event_id,
       r.kafka_topic, r.kafka_partition, r.kafka_offset
  FROM rejects r
 WHERE ($1::text IS NULL OR r.agent_id = $1)
   AND ($2::timestamptz IS NULL OR r.occurred_at >= $2)
   AND ($3::timestamptz IS NULL OR r.occurred_at < $3)
 ORDER BY r.occurred_at DESC, r.kafka_partition, r.kafka_offset
 LIMIT $4::bigint
