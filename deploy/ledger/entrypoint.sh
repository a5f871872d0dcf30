#!/usr/bin/env bash
# Entry point of the ledger image: runs `ledger ARGS...`. Secrets are read at run time, never
# baked in: PGPASSWORD_FILE (a mounted file, e.g. a compose secret) becomes PGPASSWORD for
# libpq, so --db URIs carry no password.
set -euo pipefail
if [ -n "${PGPASSWORD_FILE:-}" ]; then
  if [ ! -r "$PGPASSWORD_FILE" ]; then
    echo "ledger-entrypoint: PGPASSWORD_FILE=${PGPASSWORD_FILE} is not a readable file" >&2
    exit 2
  fi
  PGPASSWORD="$(<"$PGPASSWORD_FILE")"
  export PGPASSWORD
fi
exec ledger "$@"
