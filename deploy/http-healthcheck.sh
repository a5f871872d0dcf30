#!/usr/bin/env bash
# Health check without curl: GET http://127.0.0.1:PORT/PATH over bash's /dev/tcp, exit 0 only
# on an HTTP 2xx answer within the time limit.
#   http-healthcheck PORT [PATH] [TIMEOUT_SECONDS]     (defaults: /healthz, 3 s)
set -uo pipefail
port="${1:?usage: http-healthcheck PORT [PATH] [TIMEOUT_SECONDS]}"
path="${2:-/healthz}"
timeout_s="${3:-3}"
status="$(timeout "$timeout_s" bash -c '
  exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
  printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" "$2" >&3
  IFS= read -r line <&3 && printf "%s" "$line"' _ "$port" "$path" 2>/dev/null)" || {
  echo "http-healthcheck: no answer from 127.0.0.1:${port}${path}" >&2
  exit 1
}
case "$status" in
  "HTTP/1."?" 2"*) exit 0 ;;
  *) echo "http-healthcheck: 127.0.0.1:${port}${path} answered: ${status%$'\r'}" >&2; exit 1 ;;
esac
