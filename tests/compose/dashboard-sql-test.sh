#!/usr/bin/env bash
# ctest compose.dashboard_sql: every SQL query of the Grafana dashboard runs against a migrated
# database holding demo data. Uses the test run's shared services (ctest fixtures kafka and
# postgres, found through $LEDGER_TEST_STATE_DIR): a fresh database and topic of its own,
# `ledger migrate`, `ledger demo` publishing, `ledger project --exit-at-end` folding it in,
# then tests/compose/check_dashboard.py. Steps whose ledger command is missing are skipped
# with a message; exit 77 (skip) when not even `ledger migrate` exists yet.
#   dashboard-sql-test.sh LEDGER_BIN
set -euo pipefail
ledger="${1:?usage: dashboard-sql-test.sh LEDGER_BIN}"
here="$(cd "$(dirname "$0")" && pwd)"
state="${LEDGER_TEST_STATE_DIR:?set by ctest}"
admin_uri="$(cat "$state/postgres/uri")"
bootstrap="$(cat "$state/kafka/bootstrap")"
suffix="$$_$(date +%s)"
db="dashboard_${suffix}"
topic="dashboard.${suffix}"

# A subcommand exists when `ledger --help` lists it (`ledger NAME --help` would print the
# top-level help, exit 0, for a name that does not exist).
has_command() { "$ledger" --help 2>/dev/null | grep -Eq "^  $1( |\$)"; }
has_command migrate || { echo "SKIPPED: ledger migrate does not exist yet"; exit 77; }

# The database URI: the admin URI with its database name replaced.
db_uri="$(python3 -c 'import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' \
  "$admin_uri" "$db")"
psql "$admin_uri" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$db\""
trap 'psql "$admin_uri" -X -q -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1' EXIT

echo "dashboard-sql: migrating $db"
"$ledger" migrate --db "$db_uri" --schema ledger

if has_command demo && has_command project; then
  echo "dashboard-sql: demo agents publish to $topic"
  timeout 120 "$ledger" demo -b "$bootstrap" -t "$topic" --seed 7 --events 2000 --rate 5000
  echo "dashboard-sql: projecting $topic into $db"
  metrics=()
  # Any free port for /metrics, so parallel tests do not collide on the default.
  "$ledger" project --help 2>&1 | grep -q -- '--metrics-port' && metrics=(--metrics-port 0)
  timeout 180 "$ledger" project -b "$bootstrap" -t "$topic" --db "$db_uri" \
    --group "dashboard-${suffix}" --exit-at-end "${metrics[@]}"
  rows="$(psql "$db_uri" -X -At -c 'SELECT count(*) FROM ledger.event_archive')"
  echo "dashboard-sql: $rows events projected"
  [ "$rows" -gt 0 ] || { echo "dashboard-sql: the demo data did not reach the tables"; exit 1; }
else
  echo "dashboard-sql: PENDING: ledger demo / ledger project do not exist yet;" \
       "the queries run on empty tables"
fi

python3 "$here/check_dashboard.py" --db "$db_uri"
