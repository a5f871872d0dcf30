#!/usr/bin/env bash
# Prints, one a line, the Debian packages that hold the shared libraries BINARY links against
# (ldd + dpkg -S), so the runtime image installs exactly those and no -dev package. Runs in the
# builder stage, where the -dev packages pulled the runtime ones in. Fails on a library no
# package owns, naming it.
set -euo pipefail
binary="${1:?usage: runtime-packages.sh BINARY}"
missing="$(ldd "$binary" | grep 'not found' || true)"
if [ -n "$missing" ]; then
  echo "runtime-packages: unresolved libraries of $binary:" >&2
  echo "$missing" >&2
  exit 1
fi
ldd "$binary" | awk '/=> \//{print $3} /^[[:space:]]*\/[^ ]+ \(/{print $1}' |
  while IFS= read -r lib; do
    real="$(readlink -f "$lib")"
    # usrmerge: dpkg may know a file under /lib or under /usr/lib.
    for candidate in "$lib" "$real" "/usr${lib#/usr}" "${lib#/usr}" "/usr${real#/usr}" "${real#/usr}"; do
      if owner="$(dpkg -S "$candidate" 2>/dev/null)"; then
        echo "${owner%%:*}"
        continue 2
      fi
    done
    echo "runtime-packages: no Debian package owns $lib" >&2
    exit 1
  done | sort -u
