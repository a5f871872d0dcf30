#!/usr/bin/env bash
# Runs one of Apache Kafka's command-line tools from the image's jars, the way the bin/*.sh
# scripts of Kafka's distribution do:
#   kafka-tool TopicCommand --bootstrap-server kafka:9092 --list
#   kafka-tool consumer.group.ConsumerGroupCommand --bootstrap-server ... --describe --group G
#   kafka-tool GetOffsetShell --bootstrap-server kafka:9092 --topic ledger.events
set -euo pipefail
tool="${1:?usage: kafka-tool CLASS [ARGS...] (a class under org.apache.kafka.tools)}"
shift
exec java -Xmx256m -XX:TieredStopAtLevel=1 -Xshare:auto \
  -Dlog4j2.configurationFile=/etc/kafka/log4j2-tools.properties \
  -cp '/opt/kafka/libs/*' "org.apache.kafka.tools.${tool}" "$@"
