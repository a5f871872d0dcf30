#!/usr/bin/env bash
# Entry point of the kafka image. With no arguments: writes the broker's configuration
# (/etc/kafka/server.properties, then every KAFKA_CFG_<NAME>=value as name=value with
# underscores turned into dots), formats the KRaft log directory the first time (cluster id
# from KAFKA_CLUSTER_ID, random otherwise; kept in the volume afterwards) and runs the broker
# in the foreground. With arguments: runs them (kafka-create-topic, kafka-tool, ...).
#   KAFKA_HEAP_OPTS   JVM heap (default -Xms256m -Xmx768m)
set -euo pipefail
if [ "$#" -gt 0 ]; then
  exec "$@"
fi

conf="${KAFKA_CONFIG_FILE:-/var/lib/kafka/server.properties}"
cp /etc/kafka/server.properties "$conf"
{
  echo "# from the environment (KAFKA_CFG_*)"
  while IFS= read -r var; do
    key="${var#KAFKA_CFG_}"
    key="${key,,}"
    printf '%s=%s\n' "${key//_/.}" "${!var}"
  done < <(compgen -e | grep '^KAFKA_CFG_' || true)
} >>"$conf"

classpath='/opt/kafka/libs/*'
log_opts=(-Dlog4j2.configurationFile=/etc/kafka/log4j2.properties)
log_dir="$(sed -n 's/^log\.dirs=//p' "$conf" | tail -1)"
log_dir="${log_dir%%,*}"
if [ ! -f "$log_dir/meta.properties" ]; then
  cluster_id="${KAFKA_CLUSTER_ID:-}"
  if [ -z "$cluster_id" ]; then
    cluster_id="$(java "${log_opts[@]}" -cp "$classpath" kafka.tools.StorageTool random-uuid)"
  fi
  echo "kafka-entrypoint: formatting ${log_dir} for cluster ${cluster_id}"
  java -Xmx256m "${log_opts[@]}" -cp "$classpath" kafka.tools.StorageTool format \
    --cluster-id "$cluster_id" --config "$conf" --ignore-formatted
fi

# shellcheck disable=SC2086  # the options are word lists on purpose
exec java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m} ${KAFKA_JVM_OPTS:-} "${log_opts[@]}" \
  -cp "$classpath" kafka.Kafka "$conf"
