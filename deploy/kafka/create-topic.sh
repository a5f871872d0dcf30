#!/usr/bin/env bash
# One-shot (the kafka-init service): creates the ledger topic if it does not exist yet.
#   KAFKA_BOOTSTRAP (default kafka:9092), LEDGER_TOPIC (ledger.events),
#   LEDGER_TOPIC_PARTITIONS (6). Agents are keyed by agent_id, so partitions bound how many
#   projector replicas share the work.
set -euo pipefail
bootstrap="${KAFKA_BOOTSTRAP:-kafka:9092}"
topic="${LEDGER_TOPIC:-ledger.events}"
partitions="${LEDGER_TOPIC_PARTITIONS:-6}"
kafka-tool TopicCommand --bootstrap-server "$bootstrap" --create --if-not-exists \
  --topic "$topic" --partitions "$partitions" --replication-factor 1
kafka-tool TopicCommand --bootstrap-server "$bootstrap" --describe --topic "$topic"
