#!/usr/bin/env bash
# Entry point of the postgres-partman and postgres-timescaledb images (Dockerfile): the same
# contract as the official postgres / timescale images, so docker-compose.yml can swap one for
# the other.
#   POSTGRES_USER (default postgres), POSTGRES_DB (default: the user), POSTGRES_PASSWORD or
#   POSTGRES_PASSWORD_FILE (required unless POSTGRES_HOST_AUTH_METHOD=trust), PGDATA, PGPORT.
# On an empty $PGDATA it runs initdb, creates the database and runs
# /docker-entrypoint-initdb.d/*.sql and *.sh, then serves on all addresses (socket-only while
# initialising, so a health check with -h 127.0.0.1 passes only once the real server is up).
# Server settings an image ships in /etc/ledger-postgres/conf.d/*.conf (postgres-timescaledb:
# shared_preload_libraries, telemetry off, workers) are appended to postgresql.conf by initdb
# time, so they hold for the initialisation server, the real one and any later command.
set -euo pipefail

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ "${1:-}" != postgres ]; then
  exec "$@"
fi

user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-$user}"
password="${POSTGRES_PASSWORD:-}"
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
  password="$(<"$POSTGRES_PASSWORD_FILE")"
fi
auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "$password" ] && [ "$auth" != trust ]; then
    echo "postgres-entrypoint: set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE" \
         "(or POSTGRES_HOST_AUTH_METHOD=trust)" >&2
    exit 1
  fi
  pwfile="$(mktemp)"
  printf '%s\n' "$password" >"$pwfile"
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host="$auth" ${POSTGRES_INITDB_ARGS:-} >/dev/null
  rm -f "$pwfile"
  printf 'host all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
  for f in /etc/ledger-postgres/conf.d/*.conf; do
    [ -f "$f" ] || continue
    { printf '\n# From %s (image settings)\n' "$f"; cat "$f"; } >>"$PGDATA/postgresql.conf"
  done

  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  if [ "$db" != postgres ]; then
    psql -v ON_ERROR_STOP=1 -U "$user" -d postgres -q \
      -c "CREATE DATABASE \"$db\" OWNER \"$user\""
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sql) psql -v ON_ERROR_STOP=1 -U "$user" -d "$db" -q -f "$f" ;;
      *.sh) . "$f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "postgres-entrypoint: initialised $PGDATA (database $db, user $user)"
fi

exec postgres -c listen_addresses='*' "${@:2}"
