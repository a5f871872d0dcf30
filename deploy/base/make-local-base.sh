#!/usr/bin/env bash
# Makes a Debian bookworm base image from Debian's packages alone, for machines that cannot pull
# from an image registry: debootstrap (minbase) -> tarball -> `docker import`.
#   deploy/base/make-local-base.sh [IMAGE]        (default IMAGE: ledger-local/debian:bookworm)
# The rootfs keeps this machine's Debian apt sources, so apt-get works inside image builds.
# The tarball is cached under ${LEDGER_CACHE_DIR:-$HOME/.cache/ledger}/docker; an image that
# already exists is kept. Needs root, debootstrap and a running dockerd ($DOCKER_HOST).
set -euo pipefail
image="${1:-ledger-local/debian:bookworm}"
docker_bin="${DOCKER:-docker}"
cache_dir="${LEDGER_CACHE_DIR:-$HOME/.cache/ledger}/docker"
tarball="${cache_dir}/debian-bookworm-minbase.tar"

if "$docker_bin" image inspect "$image" >/dev/null 2>&1; then
  echo "make-local-base: ${image} exists"
  exit 0
fi
mkdir -p "$cache_dir"
if [ ! -s "$tarball" ]; then
  mirror="${LEDGER_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
  rootfs="$(mktemp -d "${cache_dir}/rootfs.XXXXXX")"
  trap 'rm -rf "$rootfs"' EXIT
  echo "make-local-base: debootstrap --variant=minbase bookworm (about 30 s)"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"${cache_dir}/debootstrap.log" 2>&1 ||
    { tail -20 "${cache_dir}/debootstrap.log" >&2; echo "make-local-base: debootstrap failed" >&2; exit 1; }
  # Keep the host's Debian sources (deb822 or one-line); leave out third-party repositories.
  rm -f "$rootfs/etc/apt/sources.list"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    cp /etc/apt/sources.list.d/debian.sources "$rootfs/etc/apt/sources.list.d/debian.sources"
  else
    grep -h '^deb .*debian' /etc/apt/sources.list >"$rootfs/etc/apt/sources.list" ||
      echo "deb ${mirror} bookworm main" >"$rootfs/etc/apt/sources.list"
  fi
  # Images stay small: no recommends, no docs, no apt lists left behind by our builds.
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
    >"$rootfs/etc/apt/apt.conf.d/90ledger-no-recommends"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" --numeric-owner -cf "${tarball}.tmp" .
  mv "${tarball}.tmp" "$tarball"
fi
echo "make-local-base: docker import ${tarball} ${image}"
"$docker_bin" import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' "$tarball" "$image" >/dev/null
