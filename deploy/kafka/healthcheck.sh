#!/usr/bin/env bash
# Kafka health check without a JVM: sends an ApiVersions request (v0) over bash's /dev/tcp and
# passes only when the broker answers it with error code 0, which a KRaft broker does once it
# has caught up with the metadata log and serves requests. Port: $1, else
# KAFKA_HEALTHCHECK_PORT, else 9092.
set -uo pipefail
port="${1:-${KAFKA_HEALTHCHECK_PORT:-9092}}"
# size=12 | api_key=18 (ApiVersions) | api_version=0 | correlation_id=7 | client_id="hc"
answer="$(timeout 5 bash -c '
  exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
  printf "\x00\x00\x00\x0c\x00\x12\x00\x00\x00\x00\x00\x07\x00\x02hc" >&3
  head -c 10 <&3 | od -An -tx1' _ "$port" 2>/dev/null | tr -d ' \n')" || true
# size (4 bytes, any) | correlation_id=7 | error_code=0
if [[ "$answer" =~ ^[0-9a-f]{8}000000070000$ ]]; then
  exit 0
fi
echo "kafka-healthcheck: no ApiVersions answer from 127.0.0.1:${port} (got '${answer}')" >&2
exit 1
