#!/usr/bin/env bash
# Prints, one a line, the Debian packages that hold the shared libraries BINARY links against
# (ldd + one dpkg -S), so the runtime image installs exactly those and no -dev package. Runs
# in the builder stage (or on a Debian bookworm host for a prebuilt binary), where the -dev
# packages pulled the runtime ones in. Fails on a library no package owns, naming it.
set -euo pipefail
binary="${1:?usage: runtime-packages.sh BINARY}"
missing="$(ldd "$binary" | grep 'not found' || true)"
if [ -n "$missing" ]; then
  echo "runtime-packages: unresolved libraries of $binary:" >&2
  echo "$missing" >&2
  exit 1
fi
mapfile -t libs < <(ldd "$binary" | awk '/=> \//{ print $3 } /^[[:space:]]*\/[^ ]+ \(/{ print $1 }')
# usrmerge: dpkg may know a file under /lib or under /usr/lib, by its name or its target.
candidates=()
for lib in "${libs[@]}"; do
  real="$(readlink -f "$lib")"
  for path in "$lib" "$real"; do
    candidates+=("$path" "/usr${path#/usr}" "${path#/usr}")
  done
done
owners="$(dpkg -S "${candidates[@]}" 2>/dev/null || true)"
owned_names="$(sed 's/^.*: //' <<<"$owners" | xargs -n1 basename | sort -u)"
for lib in "${libs[@]}"; do
  if ! grep -Fxq -e "$(basename "$lib")" -e "$(basename "$(readlink -f "$lib")")" <<<"$owned_names"; then
    echo "runtime-packages: no Debian package owns $lib" >&2
    exit 1
  fi
done
sed 's/:.*//; s/, /\n/g' <<<"$owners" | sed 's/:.*//' | sort -u
